/// An RFC 6901 JSON Pointer (`/spec/template`), the form SimKube uses for pod template paths.
/// The empty pointer `""` designates the whole document.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The unescaped reference tokens.
    public var tokens: [String]

    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Parses a pointer; `~1` stands for `/` and `~0` for `~`.
    public init(parsing text: String) throws {
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else {
            throw SimArenaError(.data, "invalid JSON pointer \"\(text)\": must be empty or start with \"/\"")
        }
        tokens = try text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { raw in
            var token = ""
            var iterator = raw.makeIterator()
            while let character = iterator.next() {
                guard character == "~" else {
                    token.append(character)
                    continue
                }
                switch iterator.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                default: throw SimArenaError(.data, "invalid JSON pointer \"\(text)\": \"~\" must be followed by 0 or 1")
                }
            }
            return token
        }
    }

    public var description: String {
        var text = ""
        for token in tokens {
            text.append("/")
            for character in token {
                switch character {
                case "~": text.append("~0")
                case "/": text.append("~1")
                default: text.append(character)
                }
            }
        }
        return text
    }
}

extension KValue {
    /// The value the pointer designates, or `nil` when some step is missing.
    public func value(at pointer: JSONPointer) -> KValue? {
        var current = self
        for token in pointer.tokens {
            switch current {
            case .map(let map):
                guard let next = map[token] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Applies `body` to the value the pointer designates. Returns `false` (and changes nothing)
    /// when some step is missing.
    @discardableResult
    public mutating func modify(at pointer: JSONPointer, _ body: (inout KValue) throws -> Void) rethrows -> Bool {
        try modify(tokens: pointer.tokens[...], body)
    }

    private mutating func modify(tokens: ArraySlice<String>, _ body: (inout KValue) throws -> Void) rethrows -> Bool {
        guard let token = tokens.first else {
            try body(&self)
            return true
        }
        switch self {
        case .map(var map):
            guard let position = map.index(of: token) else { return false }
            self = .null  // keep the map uniquely referenced while it changes
            defer { self = .map(map) }
            return try map.entries[position].value.modify(tokens: tokens.dropFirst(), body)
        case .array(var items):
            guard let index = Int(token), items.indices.contains(index) else { return false }
            self = .null
            defer { self = .array(items) }
            return try items[index].modify(tokens: tokens.dropFirst(), body)
        default:
            return false
        }
    }
}

extension KValue {
    /// Where the first NaN or infinite number sits (depth first, in document order), or nil when
    /// every number is finite: JSON cannot hold one, so messages about it say where it is.
    public var firstNonFiniteNumber: JSONPointer? {
        var path: [String] = []
        return Self.findNonFinite(self, path: &path) ? JSONPointer(tokens: path) : nil
    }

    private static func findNonFinite(_ value: KValue, path: inout [String]) -> Bool {
        switch value {
        case .float(let number): return !number.isFinite
        case .double(let number): return !number.isFinite
        case .array(let items):
            for (index, item) in items.enumerated() {
                path.append(String(index))
                if findNonFinite(item, path: &path) { return true }
                path.removeLast()
            }
            return false
        case .map(let map):
            for entry in map.entries {
                path.append(entry.key.stringValue ?? "\(entry.key)")
                if findNonFinite(entry.value, path: &path) { return true }
                path.removeLast()
            }
            return false
        case .null, .bool, .int, .uint, .string, .binary: return false
        }
    }
}
