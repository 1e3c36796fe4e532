/// A run's settings (`run.json`), fixed when the run starts: what `sa-run next` needs to plan
/// each step, plus the orchestrator's full command line for the record.
public struct RunSettings: Sendable, Hashable {
    public static let format = "simarena.run/v1"

    public var run: String
    public var agent: String
    /// The traces episodes start from: one, or several (`--traces`), used in turn.
    public var traces: [String]
    public var episodes: Int
    /// Most actions per episode.
    public var steps: Int
    public var seed: UInt64
    /// The command line that started the run, for `command.txt`-style records.
    public var command: [String]
    /// A learning agent's checkpoint to start from (`--load`).
    public var load: String?

    public init(run: String, agent: String, traces: [String], episodes: Int, steps: Int, seed: UInt64, command: [String],
                load: String? = nil) {
        self.run = run
        self.agent = agent
        self.traces = traces
        self.episodes = episodes
        self.steps = steps
        self.seed = seed
        self.command = command
        self.load = load
    }

    /// The trace episode `episode` (1-based) starts from: the traces in a seeded order, repeated.
    public func trace(forEpisode episode: Int) -> String {
        var order = Array(traces.indices)
        var random = SeededGenerator(seed: seed, stream: 0x7472_6163_6573)
        random.shuffle(&order)
        return traces[order[(episode - 1) % traces.count]]
    }

    /// Episode seeds are the base seed + 1000 × (episode − 1); step seeds add the step number.
    public func seed(episode: Int, step: Int) -> UInt64 {
        seed &+ UInt64(episode - 1) &* 1000 &+ UInt64(step)
    }

    public var value: KValue {
        [
            "format": .string(Self.format), "run": .string(run), "agent": .string(agent),
            "traces": .array(traces.map(KValue.string)), "episodes": .int(Int64(episodes)), "steps": .int(Int64(steps)),
            "seed": .integer(seed), "command": .array(command.map(KValue.string)),
            "load": load.map(KValue.string) ?? .null,
        ]
    }

    public init(document: KValue) throws {
        let map = try document.requireMap(at: "run.json")
        guard map["format"]?.stringValue == Self.format else {
            throw SimArenaError(.data, "run.json: \"format\" is not \"\(Self.format)\"")
        }
        func field(_ key: String) throws -> KValue {
            guard let value = map[key] else { throw SimArenaError(.data, "run.json: missing \"\(key)\"") }
            return value
        }
        run = try field("run").requireString(at: "run")
        agent = try field("agent").requireString(at: "agent")
        traces = try field("traces").requireArray(at: "traces").enumerated().map { try $0.element.requireString(at: "traces[\($0.offset)]") }
        episodes = Int(try field("episodes").requireInt64(at: "episodes"))
        steps = Int(try field("steps").requireInt64(at: "steps"))
        seed = try field("seed").requireUInt64(at: "seed")
        command = try (map["command"] ?? .array([])).requireArray(at: "command").map { try $0.requireString(at: "command") }
        load = map["load"]?.stringValue
        guard !traces.isEmpty, episodes > 0, steps > 0 else {
            throw SimArenaError(.data, "run.json: needs at least one trace, episode and step")
        }
    }
}
