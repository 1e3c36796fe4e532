import SimArenaModel
import SimArenaRL
import SimArenaRun

/// What a person writes to describe a benchmark or a sweep (`simarena.sweep/v1`, a YAML or JSON
/// file, docs/scale-out.md): agents (with grids of recipe flags), seeds, suites, shards and the
/// backend. ``plan(checkRecipe:)`` expands it into the ``BenchmarkPlan`` whose cell `i` runs; the
/// expansion is deterministic, so cell `i` is a pure function of the file and `i`.
/// `sa-benchmark plan`'s flags describe the same thing without the file.
public struct BenchmarkSweep: Sendable {
    public static let format = "simarena.sweep/v1"

    /// One `agents` entry: an agent, and for a recipe the flags to vary (``GridAxis``), which
    /// expand it into one agent per combination.
    public struct Agent: Sendable, Hashable {
        public var agent: BenchmarkAgent
        public var grid: [GridAxis]

        public init(_ agent: BenchmarkAgent, grid: [GridAxis] = []) {
            self.agent = agent
            self.grid = grid
        }
    }

    /// One flag of a recipe's grid and the values it takes: the agent is expanded into one
    /// agent per combination of the axes' values.
    public struct GridAxis: Sendable, Hashable {
        public var flag: String
        public var values: [String]
    }

    public var agents: [Agent]
    /// Folders of scenario traces.
    public var suites = ["demo/suites/heldout", "demo/suites/shifted"]
    public var seeds: [UInt64] = [1, 2, 3, 4, 5]
    public var shards = 1
    public var maxActions = 50
    public var actionCount = 7
    public var durationSeconds: Double = 90
    /// nil: `heuristic` when it is one of the agents.
    public var reference: String?
    public var backend = BenchmarkBackend()
    /// The sweep file, which errors found while expanding it name; nil for a sweep made of flags.
    public var source: String?

    public init(agents: [Agent]) {
        self.agents = agents
    }

    /// The plan: agents expanded (each grid combination an agent named `<name>-<flag><value>…`),
    /// recipes checked by `checkRecipe` (given the flags and the file), checkpoints loaded,
    /// suites listed.
    public func plan(checkRecipe: (_ flags: [String], _ file: String) throws -> Void) throws -> BenchmarkPlan {
        var expanded: [BenchmarkAgent] = []
        for (index, entry) in agents.enumerated() {
            do {
                try expand(entry, into: &expanded, checkRecipe: checkRecipe)
            } catch let error as SimArenaError where source != nil {
                throw fileError(error, at: "agents[\(index)] (\(entry.agent.name))")
            }
        }
        do {
            var plan = try BenchmarkPlan(agents: expanded, suites: try suites.map { try BenchmarkSuite(directory: $0) }, seeds: seeds)
            plan.maxActions = maxActions
            plan.actionCount = actionCount
            plan.durationSeconds = durationSeconds
            plan.reference = reference ?? (expanded.contains { $0.name == "heuristic" } ? "heuristic" : nil)
            plan.shards = shards
            plan.backend = backend
            try plan.validate()
            return plan
        } catch let error as SimArenaError where source != nil {
            throw fileError(error, at: nil)
        }
    }

    /// An error found while expanding the sweep file, as the file's: its name first, and a
    /// usage error (worded for the flags) is bad data in a file.
    private func fileError(_ error: SimArenaError, at place: String?) -> SimArenaError {
        let kind: SimArenaError.Kind = error.kind == .usage ? .data : error.kind
        return SimArenaError(kind, "\(source ?? "sweep")" + (place.map { ": " + $0 } ?? "") + ": " + error.message)
    }

    /// Appends `entry`'s agents to `expanded`: itself, or one per combination of its grid.
    private func expand(_ entry: Agent, into expanded: inout [BenchmarkAgent],
                        checkRecipe: (_ flags: [String], _ file: String) throws -> Void) throws {
        switch entry.agent.kind {
        case .policy, .command: expanded.append(entry.agent)
        case .checkpoint(let path):
            _ = try LearningAgent.load(path)
            expanded.append(entry.agent)
        case .recipe(let file, let base):
            for combination in Self.combinations(entry.grid) {
                var flags = base
                var name = entry.agent.name
                for (axis, value) in zip(entry.grid, combination) {
                    flags = try Self.setting(axis.flag, to: value, in: flags)
                    name += "-" + axis.flag.drop { $0 == "-" } + Self.nameSafe(value)
                }
                try checkRecipe(flags, file)
                expanded.append(try BenchmarkAgent(name: name, kind: .recipe(file: file, flags: flags)))
            }
        }
    }

    /// Every combination of the axes' values, the last axis varying fastest.
    static func combinations(_ grid: [GridAxis]) -> [[String]] {
        grid.reduce([[]]) { partial, axis in partial.flatMap { prefix in axis.values.map { prefix + [$0] } } }
    }

    /// `flags` without any setting of `flag` (`--flag V` or `--flag=V`), then `--flag=value`
    /// (one word, so that a negative value is not read as a flag). A recipe that uses `flag` as a
    /// switch (no value after it) is refused: a grid varies values.
    static func setting(_ flag: String, to value: String, in flags: [String]) throws -> [String] {
        var kept: [String] = []
        var index = 0
        while index < flags.count {
            let word = flags[index]
            if word == flag {
                guard index + 1 < flags.count, !flags[index + 1].hasPrefix("--") else {
                    throw SimArenaError(.data, "grid: \(flag) is a switch in the recipe; a grid varies values (make two recipes)")
                }
                index += 2
                continue
            }
            if !word.hasPrefix(flag + "=") { kept.append(word) }
            index += 1
        }
        return kept + [flag + "=" + value]
    }

    /// `value` with every byte an agent name cannot hold replaced by `_`.
    static func nameSafe(_ value: String) -> String {
        String(value.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
    }

    // MARK: the sweep file

    /// `grid:` a map from a `bin/train.sh` flag to the list of its values (text or numbers), in
    /// the file's order.
    private static func grid(_ value: KValue, at path: String) throws -> [GridAxis] {
        try value.requireMap(at: path).entries.map { entry in
            guard let flag = entry.key.stringValue, flag.hasPrefix("--"), flag.count > 2, !flag.contains("=") else {
                throw SimArenaError(.data, "\(path): \(entry.key.stringValue ?? "a key"): expected a flag such as --lr")
            }
            let at = "\(path): \(flag)"
            let items = try entry.value.requireArray(at: at)
            let values = try items.map { item -> String in
                switch item {
                case .string(let text) where !text.isEmpty: return text
                case .int(let number): return String(number)
                case .uint(let number): return String(number)
                case .double(let number) where number.isFinite: return "\(number)"
                default: throw SimArenaError(.data, "\(at): each value is text or a number")
                }
            }
            // Distinct as the flag reads them: 1, 1.0 and "1.0" are one value.
            let meanings = values.map { Double($0).map { "\($0)" } ?? $0 }
            guard !values.isEmpty, Set(meanings).count == values.count else {
                throw SimArenaError(.data, "\(at): list distinct values, at least one")
            }
            return GridAxis(flag: flag, values: values)
        }
    }

    /// Reads a sweep file's document (`source` names it in errors); unknown keys are refused.
    public init(document: KValue, source: String) throws {
        self.source = source
        var fields = try FieldReader(document, at: source)
        guard try fields.string("format") == Self.format else {
            throw SimArenaError(.data, "\(source): \"format\" must be \"\(Self.format)\"")
        }
        let agentList = try fields.value("agents")?.requireArray(at: "\(source): agents") ?? []
        guard !agentList.isEmpty else { throw SimArenaError(.data, "\(source): agents: list at least one agent") }
        agents = try agentList.enumerated().map { index, item in
            var reader = try FieldReader(item, at: "\(source): agents[\(index)]")
            let agent = try Self.agent(reading: &reader, at: "\(source): agents[\(index)]")
            try reader.finish()
            return agent
        }
        suites = try fields.strings("suites") ?? suites
        if let value = fields.value("seeds") { seeds = try Self.seeds(value, at: "\(source): seeds") }
        shards = try fields.int("shards") ?? shards
        maxActions = try fields.int("steps") ?? maxActions
        actionCount = try fields.int("actions") ?? actionCount
        durationSeconds = try fields.double("duration") ?? durationSeconds
        reference = try fields.string("reference")
        // A `backend:` block is there for SimKube: its kind defaults to simkube.
        backend = try fields.nested("backend") { try BenchmarkBackend(reading: &$0, defaultKind: .simkube) } ?? backend
        try fields.finish()
        do {
            guard (1...1000).contains(seeds.count) else { throw SimArenaError(.usage, "seeds: 1 to 1000 of them") }
            guard durationSeconds > 0, durationSeconds <= 86_400 else { throw SimArenaError(.usage, "duration: above 0 and at most 86400") }
            try backend.validate()
        } catch let error as SimArenaError {
            throw SimArenaError(.data, "\(source): \(error.message)")
        }
    }

    /// `seeds: N` (1 to N) or a list of distinct seeds.
    private static func seeds(_ value: KValue, at path: String) throws -> [UInt64] {
        if let count = value.int64Value {
            guard (1...1000).contains(count) else { throw SimArenaError(.data, "\(path): a count from 1 to 1000, or a list of seeds") }
            return (1...UInt64(count)).map { $0 }
        }
        let list = try value.requireArray(at: path).map { try $0.requireUInt64(at: path) }
        guard Set(list).count == list.count else { throw SimArenaError(.data, "\(path): a seed is listed twice") }
        return list
    }

    private static func agent(reading fields: inout FieldReader, at path: String) throws -> Agent {
        let policy = try fields.choice("policy", HandCodedPolicy.self)
        let checkpoint = try fields.string("checkpoint")
        let command = try fields.string("command")
        let recipe = try fields.string("recipe")
        let given = [policy.map { $0.rawValue }, checkpoint, command, recipe].compactMap { $0 }
        guard given.count == 1 else {
            throw SimArenaError(.data, "\(path): give exactly one of policy, checkpoint, command and recipe")
        }
        let name = try fields.string("name") ?? policy?.rawValue
        guard let name else { throw SimArenaError(.data, "\(path): name: missing (only a policy is named after itself)") }
        let timeout = try fields.double("timeout")
        guard timeout.map({ $0 > 0 && $0.isFinite }) ?? true, command != nil || timeout == nil else {
            throw SimArenaError(.data, "\(path): timeout: positive seconds, for a command")
        }
        var grid: [GridAxis] = []
        if let value = fields.value("grid") {
            guard recipe != nil else { throw SimArenaError(.data, "\(path): grid: only a recipe has flags to vary") }
            grid = try Self.grid(value, at: "\(path): grid")
        }
        let kind: BenchmarkAgent.Kind
        if let policy {
            kind = .policy(policy)
        } else if let checkpoint {
            kind = .checkpoint(path: checkpoint)
        } else if let command {
            kind = .command(line: command, timeoutSeconds: timeout ?? 10)
        } else {
            let file = recipe ?? ""
            kind = .recipe(file: file, flags: try BenchmarkAgent.recipeFlags(file))
        }
        do {
            return Agent(try BenchmarkAgent(name: name, kind: kind), grid: grid)
        } catch let error as SimArenaError {
            throw SimArenaError(error.kind == .usage ? .data : error.kind, "\(path): \(error.message)")
        }
    }
}
