import SimArenaModel
import SimArenaRL
import SimArenaRun

/// One contender of a benchmark: a hand-coded policy, a trained checkpoint, an outside program,
/// or a training recipe that is trained once per seed and then evaluated.
public struct BenchmarkAgent: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case policy(HandCodedPolicy)
        /// A learning agent's checkpoint, acting greedily (`--evaluate`).
        case checkpoint(path: String)
        /// An outside program (`--policy-cmd`), given each observation on stdin.
        case command(line: String, timeoutSeconds: Double)
        /// `bin/train.sh` flags read from `file`: trained with each benchmark seed, then evaluated.
        case recipe(file: String, flags: [String])
    }

    /// The agent's name in the report; letters, digits, `.`, `_` and `-` (it names folders).
    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) throws {
        guard !name.isEmpty, name.utf8.allSatisfy({ Self.nameBytes.contains($0) }) else {
            throw SimArenaError(.usage, "agent name \"\(name)\": use letters, digits, '.', '_' and '-'")
        }
        guard name.utf8.count <= Self.longestName else {
            throw SimArenaError(.usage, "agent name \"\(name.prefix(40))…\": longer than \(Self.longestName) characters (it names folders)")
        }
        self.name = name
        self.kind = kind
    }

    /// The longest name: a cell's folder adds its seed and shard, well within a file name's 255 bytes.
    public static let longestName = 100

    private static let nameBytes = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".utf8)

    /// A recipe file's flags: whitespace-separated words, `#` to the end of a line a comment.
    /// Quotes are refused (the file is not a shell script).
    public static func recipeFlags(_ path: String) throws -> [String] {
        let text = String(decoding: try FileIO.read(path, limit: 1 << 20), as: UTF8.self)
        var words: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            if content.contains("\"") || content.contains("'") {
                throw SimArenaError(.data, "\(path): quotes are not supported in a recipe (one flag or value per word)")
            }
            words += content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
        }
        guard !words.isEmpty else { throw SimArenaError(.data, "\(path): the recipe has no flags") }
        return words
    }

    /// Whether the agent is trained in its cells.
    public var trains: Bool {
        if case .recipe = kind { return true }
        return false
    }

    /// How the chooser of an evaluation is made once the agent is ready: `checkpoint` is the
    /// trained checkpoint of a recipe (nil for the other kinds).
    public func chooser(trained checkpoint: String?) throws -> ActionChooser {
        switch kind {
        case .policy(let policy): return .policy(policy)
        case .checkpoint(let path): return .agent(try LearningAgent.load(path).withoutExploration)
        case .command(let line, let timeout): return .command(line, timeout: timeout)
        case .recipe:
            guard let checkpoint else { throw SimArenaError(.noInput, "agent \(name): training left no checkpoint to evaluate") }
            return .agent(try LearningAgent.load(checkpoint).withoutExploration)
        }
    }

    // MARK: plan.json

    public var value: KValue {
        switch kind {
        case .policy(let policy): return ["name": .string(name), "kind": "policy", "policy": .string(policy.rawValue)]
        case .checkpoint(let path): return ["name": .string(name), "kind": "checkpoint", "path": .string(path)]
        case .command(let line, let timeout):
            return ["name": .string(name), "kind": "command", "command": .string(line), "timeout": .double(timeout)]
        case .recipe(let file, let flags):
            return ["name": .string(name), "kind": "recipe", "file": .string(file), "flags": .array(flags.map(KValue.string))]
        }
    }

    public init(reading fields: inout FieldReader) throws {
        let name = try fields.requireString("name")
        let kind: Kind
        switch try fields.requireString("kind") {
        case "policy":
            kind = .policy(try fields.choice("policy", HandCodedPolicy.self)
                ?? { throw SimArenaError(.data, "plan.json: agent \(name): missing \"policy\"") }())
        case "checkpoint": kind = .checkpoint(path: try fields.requireString("path"))
        case "command": kind = .command(line: try fields.requireString("command"), timeoutSeconds: try fields.double("timeout") ?? 10)
        case "recipe": kind = .recipe(file: try fields.requireString("file"), flags: try fields.strings("flags") ?? [])
        case let other: throw SimArenaError(.data, "plan.json: agent \(name): kind \"\(other)\" is not policy, checkpoint, command or recipe")
        }
        try self.init(name: name, kind: kind)
    }

    /// One line saying what the agent is, for the report.
    public var summary: String {
        switch kind {
        case .policy(let policy): return "hand-coded policy \(policy.rawValue)"
        case .checkpoint(let path): return "checkpoint \(path)"
        case .command(let line, _): return "outside program: \(line)"
        case .recipe(let file, _): return "trained with each seed by recipe \(file)"
        }
    }
}
