import Yams
import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

/// Reads YAML (a kubeconfig file, a patch file) into `KValue`s as kubectl does: kubectl reads kubeconfig
/// through sigs.k8s.io/yaml, which parses with go-yaml v2 (YAML 1.1 scalars), converts the
/// result to JSON and decodes that into typed fields. So here, as there:
///
/// - plain scalars are typed by go-yaml v2's rules: `yes`, `no`, `on`, `off`, `y` and `n` (in
///   their spellings) are booleans, `0123` is the octal integer 83, `08` and `1e3` are numbers,
///   `~` and `null` are null; quoted and block scalars are always text. A field that wants text
///   then refuses a number or a boolean, as kubectl's JSON decoding does;
/// - anchors, aliases and merge keys (`<<: *base`, or a list of them) work; a merge applies
///   where it stands, so keys after it override the merged ones;
/// - non-text keys become text as sigs.k8s.io/yaml makes them (`true`, `83`);
/// - `!!str`, `!!int`, `!!float`, `!!bool` and `!!null` tags are honoured and checked; other
///   tags leave the text as it is.
///
/// Unlike kubectl, a timestamp-like scalar stays the text as written (kubectl rewrites it into
/// RFC 3339), and a file with more than one document, a repeated key in one mapping or nesting
/// deeper than `maxDepth` is refused. Every error is one line naming the file (and the line
/// where the YAML says where), of kind `.data`.
public enum KubeYAML {
    /// How deep collections may nest; a kubeconfig needs about six levels.
    static let maxDepth = 64

    /// How many values a document may expand to, aliases counted at each use (a guard against
    /// alias bombs).
    static let maxValues = 1 << 20

    /// go-yaml v2's implicit typing of plain scalars (its resolve table), as Yams rules. Order
    /// matters: the first rule that matches decides, so `0123` is an integer before a float.
    static let resolver: Resolver = {
        do {
            return try Resolver.basic
                .appending(.bool, "^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
                .appending(.int, "^[-+]?(?:0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|0[0-7_]*|[1-9][0-9_]*)$")
                .appending(
                    .float,
                    "^(?:[-+]?(?:\\.[0-9_]+|[0-9][0-9_]*(?:\\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$")
                .appending(.merge, "^<<$")
                .appending(.null, "^(?:~|null|Null|NULL|)$")
        } catch {
            fatalError("a kubeconfig resolver pattern does not compile: \(error)")
        }
    }()

    private static let trueWords: Set = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]

    /// Parses `bytes`, the content of the file `source`; an empty document reads as null.
    static func parse(_ bytes: [UInt8], source: String) throws -> KValue {
        try values(bytes, source: source, oneDocument: true).first ?? .null
    }

    /// Parses every document of a YAML stream (`---` between documents), the content of the
    /// file `source`, by the same rules as a kubeconfig; empty documents are left out.
    public static func documents(_ bytes: [UInt8], source: String) throws -> [KValue] {
        try values(bytes, source: source, oneDocument: false).filter { !$0.isNull }
    }

    /// The documents of `bytes`; with `oneDocument`, a second one is an error.
    private static func values(_ bytes: [UInt8], source: String, oneDocument: Bool) throws -> [KValue] {
        guard var text = String(validating: bytes, as: UTF8.self) else {
            throw SimArenaError(.data, "\(source):\(lineOfInvalidUTF8(in: bytes)): the file is not valid UTF-8")
        }
        // A byte order mark, which go-yaml skips; libyaml told the encoding does not.
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var roots: [Node] = []
        do {
            let parser = try Parser(yaml: text, resolver: resolver, constructor: .default, encoding: .utf8)
            while let root = try parser.nextRoot() {
                if oneDocument && !roots.isEmpty {
                    throw SimArenaError(
                        .data, "\(source):\(root.mark?.line ?? 1): more than one YAML document; a kubeconfig file holds one")
                }
                roots.append(root)
            }
        } catch let error as YamlError {
            throw SimArenaError(.data, "\(source):\(describe(error, in: text))")
        }
        var reader = NodeReader(source: source)
        return try roots.map { try reader.value(of: $0, depth: 0) }
    }

    /// `LINE: problem` for a YAML error in `text`, on one line.
    private static func describe(_ error: YamlError, in text: String) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { " (\($0.text), from line \($0.mark.line))" } ?? ""
            return "\(mark.line): \(problem)\(during)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return "\(context.mark.line): duplicate key \(keys) in one mapping"
        case .reader(let problem, let offset, _, _):
            let line = offset.map { text.prefix($0).count { $0 == "\n" } + 1 } ?? 1
            return "\(line): \(problem)"
        default:
            return "1: \(error)".split(separator: "\n").first.map(String.init) ?? "1: unreadable YAML"
        }
    }

    /// The 1-based line of the first byte that is not valid UTF-8.
    private static func lineOfInvalidUTF8(in bytes: [UInt8]) -> Int {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var line = 1
        while case .valid(let scalar) = parser.parseScalar(from: &iterator) {
            if scalar.count == 1 && scalar.first == UInt8(ascii: "\n") { line += 1 }
        }
        return line
    }

    /// Turns composed nodes into values, counting them against `maxValues`.
    private struct NodeReader {
        let source: String
        var produced = 0

        init(source: String) { self.source = source }

        mutating func value(of node: Node, depth: Int) throws -> KValue {
            produced += 1
            guard produced <= KubeYAML.maxValues else {
                throw error(at: node, "the document expands to more than \(KubeYAML.maxValues) values (aliases used too often?)")
            }
            guard depth <= KubeYAML.maxDepth else { throw error(at: node, "nesting deeper than \(KubeYAML.maxDepth) levels") }
            switch node {
            case .scalar(let scalar): return try value(of: scalar, tag: KubeYAML.tag(of: node))
            case .sequence(let sequence): return .array(try sequence.map { try value(of: $0, depth: depth + 1) })
            case .mapping(let mapping): return .map(try map(mapping, depth: depth))
            case .alias: throw error(at: node, "an alias that names no anchor")  // Yams resolves aliases while composing
            }
        }

        /// A mapping's entries, merges (`<<`) applied in place as go-yaml v2 applies them.
        private mutating func map(_ mapping: Node.Mapping, depth: Int) throws -> KMap {
            var result = KMap()
            for (key, value) in mapping {
                if KubeYAML.tag(of: key) == .merge {
                    try merge(value, into: &result, depth: depth)
                } else {
                    result[.string(try text(ofKey: key))] = try self.value(of: value, depth: depth + 1)
                }
            }
            return result
        }

        /// Copies a merge source's entries into `result`: a mapping, or a list of mappings of
        /// which the earlier ones win.
        private mutating func merge(_ source: Node, into result: inout KMap, depth: Int) throws {
            let sources = source.sequence.map { Array($0.reversed()) } ?? [source]
            for item in sources {
                guard let mapping = item.mapping else {
                    throw error(at: item, "a merge (<<) takes a mapping or a list of mappings")
                }
                for entry in try map(mapping, depth: depth).entries { result[entry.key] = entry.value }
            }
        }

        /// A key as JSON has it: text, or the text of a number or boolean.
        private mutating func text(ofKey key: Node) throws -> String {
            guard case .scalar(let scalar) = key else { throw error(at: key, "a mapping key must be a scalar") }
            switch try value(of: scalar, tag: KubeYAML.tag(of: key)) {
            case .string(let text): return text
            case .bool(let flag): return flag ? "true" : "false"
            case .int(let number): return "\(number)"
            case .uint(let number): return "\(number)"
            case .double(let number): return number.isNaN ? ".nan" : number.isInfinite ? (number < 0 ? "-.inf" : ".inf") : "\(number)"
            default: throw error(at: key, "a mapping key cannot be null")
            }
        }

        /// A scalar's value for its tag: the resolved one for a plain scalar, `!!str` for a
        /// quoted or block one, or the one written. A written type must fit the text.
        private func value(of scalar: Node.Scalar, tag: Tag.Name) throws -> KValue {
            let text = scalar.string
            let plainType = KubeYAML.resolver.resolveTag(of: Node(text))
            switch tag {
            case .null where plainType == .null: return .null
            case .bool where plainType == .bool: return .bool(KubeYAML.trueWords.contains(text))
            case .int where plainType == .int: return KubeYAML.integer(text)
            case .float where plainType == .float: return KubeYAML.float(text)
            case .float where plainType == .int: return .double(KubeYAML.integer(text).doubleValue ?? .nan)
            case .null, .bool, .int, .float:
                throw error(at: .scalar(scalar), "\"\(text)\" is not a valid !!\(tag.rawValue.split(separator: ":").last ?? "")")
            case .binary: throw error(at: .scalar(scalar), "!!binary values are not supported; write the base64 text untagged")
            default: return .string(text)
            }
        }

        private func error(at node: Node, _ message: String) -> SimArenaError {
            SimArenaError(.data, "\(source):\(node.mark?.line ?? 1): \(message)")
        }
    }

    /// An integer as go-yaml v2 reads it (strconv.ParseInt with base 0 after dropping `_`):
    /// `0b`, `0o` and `0x` prefixes, and a leading `0` for octal. Values beyond 64 bits, which
    /// Go keeps as big integers, become the nearest double.
    static func integer(_ text: String) -> KValue {
        var digits = Substring(text.filter { $0 != "_" })
        let negative = digits.first == "-"
        if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
        var radix = 10
        for (prefix, base) in [("0b", 2), ("0o", 8), ("0x", 16)] where digits.hasPrefix(prefix) {
            radix = base
            digits = digits.dropFirst(2)
        }
        if radix == 10 && digits.count > 1 && digits.hasPrefix("0") { radix = 8 }
        if let magnitude = UInt64(digits, radix: radix) {
            if !negative { return .integer(magnitude) }
            if magnitude <= UInt64(Int64.max) + 1 { return .int(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)) }
        }
        let approximate = radix == 10 ? Double(digits) ?? 0 : digits.reduce(0.0) { $0 * Double(radix) + Double($1.hexDigitValue ?? 0) }
        return .double(negative ? -approximate : approximate)
    }

    /// A float as go-yaml v2 reads it, `.inf` and `.nan` included.
    static func float(_ text: String) -> KValue {
        let plain = text.filter { $0 != "_" }
        switch plain {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: return .double(Double(plain) ?? .nan)
        }
    }

    /// A node's tag, resolved with `resolver` when the YAML wrote none.
    static func tag(of node: Node) -> Tag.Name {
        Tag.Name(rawValue: node.tag.rawValue)
    }
}
