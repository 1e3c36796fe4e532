import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// `summary.json`: per-episode results and totals, updated after every step. Updating with a
/// step already counted changes nothing, so a step recorded twice (after a crash) counts once.
public struct RunSummary: Sendable {
    public struct Episode: Sendable, Hashable {
        public var episode: Int
        public var lastStep: Int
        public var returnValue: Double
        /// Actions taken.
        public var steps: Int
        public var terminated: Bool
        public var truncated: Bool
        /// A learning agent's losses over the episode's updates (their sum and count), and its
        /// exploration rate at the episode's last step.
        public var lossSum: Double = 0
        public var lossCount = 0
        public var epsilon: Double?
        public var success: Bool { terminated }
        public var meanLoss: Double? { lossCount > 0 ? lossSum / Double(lossCount) : nil }
        public var finished: Bool { terminated || truncated }
    }

    public var agent: String
    public var episodes: [Episode] = []

    public init(agent: String) {
        self.agent = agent
    }

    /// Counts a recorded step (``StepRecord/recorded`` or a line read back).
    public mutating func add(_ record: RecordedStep) {
        if episodes.last?.episode != record.episode {
            episodes.append(Episode(episode: record.episode, lastStep: 0, returnValue: 0, steps: 0, terminated: false, truncated: false))
        }
        let index = episodes.count - 1
        guard episodes[index].lastStep < record.step else { return }
        episodes[index].lastStep = record.step
        episodes[index].returnValue = Observation.rounded(episodes[index].returnValue + (record.reward ?? 0))
        if record.acted { episodes[index].steps += 1 }
        episodes[index].terminated = record.terminated
        episodes[index].truncated = record.truncated
        if let loss = record.loss {
            episodes[index].lossSum += loss
            episodes[index].lossCount += 1
        }
        if let epsilon = record.epsilon { episodes[index].epsilon = epsilon }
    }

    /// The run's `summary.json`, or, when it does not end at `step.jsonl`'s last record, the
    /// summary rebuilt from `step.jsonl` and written back: a kill or a full disk between the write
    /// of the lines and of the summary leaves it behind (runs of earlier versions wrote the
    /// fast path's summary first, and left it ahead).
    public static func consistent(runDirectory directory: String, agent: String) throws -> RunSummary {
        let path = directory + "/summary.json"
        let log = directory + "/step.jsonl"
        let summary = FileIO.exists(path) ? try RunSummary(document: try Document.read(path)) : RunSummary(agent: agent)
        let last: RecordedStep?
        do {
            last = try FileIO.lastLine(of: log).map { try RecordedStep(line: try JSONReader.parse($0)) }
        } catch let error as SimArenaError {
            throw error.prefixed("\(log): last line")
        }
        if last?.episode == summary.episodes.last?.episode, last?.step == summary.episodes.last?.lastStep { return summary }
        var rebuilt = RunSummary(agent: agent)
        if FileIO.exists(log) {
            for (number, line) in try FileIO.read(log).split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
                do {
                    rebuilt.add(try RecordedStep(line: try JSONReader.parse(Array(line))))
                } catch let error as SimArenaError {
                    throw error.prefixed("\(log): line \(number + 1)")
                }
            }
        }
        try Document.write(rebuilt.value, to: path)
        return rebuilt
    }

    public var value: KValue {
        let finished = episodes.filter(\.finished)
        let successes = finished.filter(\.success).count
        return [
            "agent": .string(agent),
            "episodes": .array(episodes.map { episode in
                ["episode": .int(Int64(episode.episode)), "return": .double(episode.returnValue),
                 "steps": .int(Int64(episode.steps)), "last_step": .int(Int64(episode.lastStep)),
                 "success": .bool(episode.success), "terminated": .bool(episode.terminated), "truncated": .bool(episode.truncated),
                 "loss_sum": .double(episode.lossSum), "loss_count": .int(Int64(episode.lossCount)),
                 "epsilon": episode.epsilon.map(KValue.double) ?? .null]
            }),
            "total_steps": .int(Int64(episodes.reduce(0) { $0 + $1.steps })),
            "total_rewards": .double(Observation.rounded(episodes.reduce(0) { $0 + $1.returnValue })),
            "success_rate": .double(finished.isEmpty ? 0 : Observation.rounded(Double(successes) / Double(finished.count))),
        ]
    }

    public init(document: KValue) throws {
        agent = try document["agent"]?.requireString(at: "summary.agent") ?? ""
        episodes = try (document["episodes"] ?? .array([])).requireArray(at: "summary.episodes").map { item in
            Episode(
                episode: Int(try item["episode"]?.requireInt64(at: "episode") ?? 0),
                lastStep: Int(try item["last_step"]?.requireInt64(at: "last_step") ?? 0),
                returnValue: item["return"]?.doubleValue ?? 0,
                steps: Int(try item["steps"]?.requireInt64(at: "steps") ?? 0),
                terminated: item["terminated"]?.boolValue ?? false, truncated: item["truncated"]?.boolValue ?? false,
                lossSum: item["loss_sum"]?.doubleValue ?? 0, lossCount: Int(try item["loss_count"]?.requireInt64(at: "loss_count") ?? 0),
                epsilon: item["epsilon"]?.doubleValue)
        }
    }
}
