import SimArenaModel
import SimArenaRL

/// What a benchmark runs (`plan.json` in its report folder, `simarena.benchmark-plan/v1`):
/// agents × seeds (× shards of the scenarios for agents that do not train), each evaluated on
/// every suite. Cell `i` (``cells``) is a pure function of the plan and `i`, so cells run in any
/// order, in parallel, or again after a kill; lanes (``laneCount``) group them for Indexed Jobs.
public struct BenchmarkPlan: Sendable, Equatable {
    public static let format = "simarena.benchmark-plan/v1"
    public static let fileName = "plan.json"

    public var agents: [BenchmarkAgent]
    public var suites: [BenchmarkSuite]
    /// Each agent runs once per seed: a recipe trains with it; every agent's episodes use it.
    public var seeds: [UInt64]
    /// Most actions per episode.
    public var maxActions = 50
    /// Size of the action space (`--Naction`).
    public var actionCount = 7
    /// Simulated seconds per step.
    public var durationSeconds: Double = 90
    /// The agent whose steps the others' are compared with on the episodes both solve.
    public var reference: String?
    /// Into how many cells the scenarios of an agent that does not train are split per seed (a
    /// recipe's cell trains, then plays every scenario: its training costs far more).
    public var shards = 1
    /// Where the simulations run.
    public var backend = BenchmarkBackend()

    public init(agents: [BenchmarkAgent], suites: [BenchmarkSuite], seeds: [UInt64]) throws {
        self.agents = agents
        self.suites = suites
        self.seeds = seeds
        try validate()
    }

    /// One agent with one seed, on every scenario or on one shard of them.
    public struct Cell: Sendable, Hashable {
        public var agent: BenchmarkAgent
        public var seed: UInt64
        /// 0-based, of `shardCount`.
        public var shard = 0
        public var shardCount = 1
        /// The cell's folder under `cells/`: `<agent>-seed<seed>`, and `-shard<k>of<n>` (1-based)
        /// when the scenarios are split.
        public var name: String { "\(agent.name)-seed\(seed)" + (shardCount > 1 ? "-shard\(shard + 1)of\(shardCount)" : "") }
    }

    /// Agent by agent, seed by seed, shard by shard.
    public var cells: [Cell] {
        agents.flatMap { agent in
            seeds.flatMap { seed in
                let count = agent.trains ? 1 : shards
                return (0..<count).map { Cell(agent: agent, seed: seed, shard: $0, shardCount: count) }
            }
        }
    }

    /// Every scenario as (suite index, scenario index), suite by suite.
    public var scenarios: [(suite: Int, scenario: Int)] {
        suites.indices.flatMap { suite in suites[suite].scenarios.indices.map { (suite, $0) } }
    }

    /// The scenarios `cell` plays: shard `k` of `n` is the `k`-th of `n` consecutive runs of
    /// ``scenarios``, so the shards' episodes in shard order are the unsplit cell's.
    public func scenarios(of cell: Cell) -> ArraySlice<(suite: Int, scenario: Int)> {
        let all = scenarios
        return all[all.count * cell.shard / cell.shardCount ..< all.count * (cell.shard + 1) / cell.shardCount]
    }

    /// How many lanes the cells are dealt into, lane `k` holding cells `k`, `k + L`, `k + 2L`, …
    /// (``cells(inLane:)``): one per cell, or on SimKube one per cluster (``BenchmarkBackend``).
    /// An Indexed Job's index is a lane.
    public var laneCount: Int { backend.lanes.map { min($0, cells.count) } ?? cells.count }

    /// The cells of lane `lane`, in order.
    public func cells(inLane lane: Int) -> [Int] {
        Array(stride(from: lane, to: cells.count, by: laneCount))
    }

    /// The absolute paths the plan names (suites, checkpoints, paths in recipes' flags): only
    /// this machine is sure to have them.
    public var absolutePaths: [String] {
        var paths = suites.map(\.directory)
        for agent in agents {
            switch agent.kind {
            case .checkpoint(let path): paths.append(path)
            case .recipe(_, let flags): paths += flags
            case .policy, .command: break
            }
        }
        var seen: Set<String> = []
        return paths.filter { $0.hasPrefix("/") && seen.insert($0).inserted }
    }

    public func validate() throws {
        guard !agents.isEmpty else { throw SimArenaError(.usage, "the benchmark has no agents") }
        guard !suites.isEmpty else { throw SimArenaError(.usage, "the benchmark has no suites") }
        guard !seeds.isEmpty else { throw SimArenaError(.usage, "--seeds must be at least 1") }
        if let twice = Self.firstRepeated(agents.map(\.name)) { throw SimArenaError(.usage, "two agents are named \"\(twice)\"") }
        if let twice = Self.firstRepeated(suites.map(\.name)) { throw SimArenaError(.usage, "two suites are named \"\(twice)\"") }
        guard (1...AgentAction.allCases.count).contains(actionCount) else {
            throw SimArenaError(.usage, "--Naction must be 1 to \(AgentAction.allCases.count)")
        }
        guard (1...10_000).contains(maxActions) else { throw SimArenaError(.usage, "--steps must be 1 to 10000") }
        if let reference, !agents.contains(where: { $0.name == reference }) {
            throw SimArenaError(.usage, "--reference \(reference) is not one of the agents")
        }
        let scenarioCount = suites.reduce(0) { $0 + $1.scenarios.count }
        guard (1...max(1, scenarioCount)).contains(shards) else {
            throw SimArenaError(.usage, "--shards must be 1 to the number of scenarios (\(scenarioCount))")
        }
        try backend.validate()
    }

    private static func firstRepeated(_ names: [String]) -> String? {
        var seen: Set<String> = []
        return names.first { !seen.insert($0).inserted }
    }

    // MARK: plan.json

    public var value: KValue {
        var map: KValue = [
            "format": .string(Self.format), "agents": .array(agents.map(\.value)), "suites": .array(suites.map(\.value)),
            "seeds": .array(seeds.map(KValue.integer)), "max_actions": .int(Int64(maxActions)),
            "actions": .int(Int64(actionCount)), "duration_seconds": .double(durationSeconds),
            "reference": reference.map(KValue.string) ?? .null,
        ]
        // Written only where they differ from the defaults, so older plans read back the same.
        if shards != 1 { map["shards"] = .int(Int64(shards)) }
        if backend != BenchmarkBackend() { map["backend"] = backend.value }
        return map
    }

    public init(document: KValue) throws {
        var fields = try FieldReader(document, at: Self.fileName)
        guard try fields.string("format") == Self.format else {
            throw SimArenaError(.data, "\(Self.fileName): \"format\" is not \"\(Self.format)\"")
        }
        let list = { (key: String) throws -> [KValue] in try document[key]?.requireArray(at: "\(Self.fileName): \(key)") ?? [] }
        agents = try list("agents").enumerated().map { index, item in
            var reader = try FieldReader(item, at: "\(Self.fileName): agents[\(index)]")
            let agent = try BenchmarkAgent(reading: &reader)
            try reader.finish()
            return agent
        }
        suites = try list("suites").enumerated().map { index, item in
            var reader = try FieldReader(item, at: "\(Self.fileName): suites[\(index)]")
            let suite = try BenchmarkSuite(reading: &reader)
            try reader.finish()
            return suite
        }
        seeds = try list("seeds").map { try $0.requireUInt64(at: "\(Self.fileName): seeds") }
        maxActions = try fields.int("max_actions") ?? maxActions
        actionCount = try fields.int("actions") ?? actionCount
        durationSeconds = try fields.double("duration_seconds") ?? durationSeconds
        reference = try fields.string("reference")
        shards = try fields.int("shards") ?? shards
        backend = try fields.nested("backend") { try BenchmarkBackend(reading: &$0) } ?? backend
        try validate()
    }

    /// Reads `plan.json` of the report folder `directory`.
    public static func load(reportDirectory directory: String) throws -> BenchmarkPlan {
        let path = directory + "/" + fileName
        guard FileIO.exists(path) else { throw SimArenaError(.noInput, "\(path): no such file (make the plan first: sa-benchmark plan)") }
        do {
            return try BenchmarkPlan(document: try Document.read(path))
        } catch let error as SimArenaError where error.kind == .data {
            throw error.prefixed(directory)
        }
    }

    /// Writes the plan into `directory` (created when missing). A folder that already holds a
    /// plan keeps it when it is the same plan (the benchmark continues) and refuses another.
    public func write(reportDirectory directory: String) throws {
        let path = directory + "/" + Self.fileName
        if FileIO.exists(path) {
            let existing = try Self.load(reportDirectory: directory)
            guard existing == self else {
                throw SimArenaError(.cannotCreate, "\(directory) holds another benchmark's plan; choose another --out, or remove it")
            }
            return
        }
        try FileIO.createDirectories(directory)
        try Document.write(value, to: path)
    }
}
