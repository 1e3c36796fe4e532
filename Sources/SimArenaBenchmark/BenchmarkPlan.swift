import SimArenaModel
import SimArenaRL

/// What a benchmark runs (`plan.json` in its report folder, `simarena.benchmark-plan/v1`):
/// agents × seeds, each evaluated on every suite. Cell `i` (``cells``) is a pure function of the
/// plan and `i`, so cells run in any order, in parallel, or again after a kill.
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

    public init(agents: [BenchmarkAgent], suites: [BenchmarkSuite], seeds: [UInt64]) throws {
        self.agents = agents
        self.suites = suites
        self.seeds = seeds
        try validate()
    }

    /// One agent with one seed.
    public struct Cell: Sendable, Hashable {
        public var agent: BenchmarkAgent
        public var seed: UInt64
        /// The cell's folder under `cells/`: `<agent>-seed<seed>`.
        public var name: String { "\(agent.name)-seed\(seed)" }
    }

    /// Agent by agent, seed by seed.
    public var cells: [Cell] { agents.flatMap { agent in seeds.map { Cell(agent: agent, seed: $0) } } }

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
    }

    private static func firstRepeated(_ names: [String]) -> String? {
        var seen: Set<String> = []
        return names.first { !seen.insert($0).inserted }
    }

    // MARK: plan.json

    public var value: KValue {
        [
            "format": .string(Self.format), "agents": .array(agents.map(\.value)), "suites": .array(suites.map(\.value)),
            "seeds": .array(seeds.map(KValue.integer)), "max_actions": .int(Int64(maxActions)),
            "actions": .int(Int64(actionCount)), "duration_seconds": .double(durationSeconds),
            "reference": reference.map(KValue.string) ?? .null,
        ]
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
