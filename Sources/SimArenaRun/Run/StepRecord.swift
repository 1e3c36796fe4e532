import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// One line of `step.jsonl`, assembled from a completed step's values. Nothing in it depends on
/// the wall clock or the run's name, so two runs with the same inputs and seed give identical
/// lines.
public struct StepRecord: Sendable {
    public var episode: Int
    public var step: Int
    public var value: KValue

    /// What a learning agent's learn stage reported at the step.
    public struct Learning: Sendable {
        public var loss: Double?
        public var epsilon: Double

        public init(loss: Double?, epsilon: Double) {
            self.loss = loss
            self.epsilon = epsilon
        }
    }

    /// Builds the record from a step's values in memory (`action` nil when the step ended the
    /// episode); the same line as from the step's files.
    public init(run: RunConfiguration, episode: Int, step: Int, observation: Observation, reward: RewardReport,
                action: ActionReport?, learning: Learning? = nil, durationSeconds: Double) {
        self.episode = episode
        self.step = step
        let directory = StepFiles.relativePath(episode: episode, step: step)
        let ends = reward.endsEpisode
        let action = ends ? nil : action
        var info: KValue = .null
        if let action {
            info = ["blocked": .bool(action.outcome.blocked), "reason": action.outcome.blockedReason.map(KValue.string) ?? .null,
                    "field": action.outcome.field.map(KValue.string) ?? .null,
                    "before": action.outcome.before.map(KValue.string) ?? .null,
                    "after": action.outcome.after.map(KValue.string) ?? .null, "chooser": .string(action.chooser)]
        }
        value = [
            "episode": .int(Int64(episode)), "step": .int(Int64(step)),
            "seed": .integer(run.seed(episode: episode, step: step)),
            "trace": .string(RunProgress.traceName(run.trace(forEpisode: episode))),
            "trace_in": .string(directory + "/" + StepFiles.trace),
            "trace_out": ends ? .null : .string(directory + "/" + StepFiles.nextTrace),
            "obs": observation.document(Self.observationFields), "state": observation[.features],
            "reward": reward.reward.map(KValue.double) ?? .null, "prev_action": reward.forAction.map(KValue.string) ?? .null,
            "action_idx": action.map { .int(Int64($0.action.rawValue)) } ?? .null,
            "action": action.map { .string($0.action.name) } ?? .null, "action_info": info,
            "at_target": .bool(reward.atTarget), "goal_reached": .bool(reward.goalReached),
            "terminated": .bool(reward.terminated), "truncated": .bool(reward.truncated),
            "loss": learning?.loss.map(KValue.double) ?? .null, "epsilon": learning.map { .double($0.epsilon) } ?? .null,
            "duration_s": .double(durationSeconds),
        ]
    }

    /// The observation's members a record keeps under `obs`, in order.
    static let observationFields: [Observation.Field] = [
        .ready, .pending, .total, .running, .replicas, .unschedulable, .oomKilled, .crashLooping, .throttled, .evicted, .restarts,
        .cpuRequest, .memoryRequest, .cpuWaste, .memoryWaste,
    ]

    /// A record read back from a line of `step.jsonl`.
    public init(line value: KValue) throws {
        guard let episode = value["episode"]?.int64Value, let step = value["step"]?.int64Value else {
            throw SimArenaError(.data, "step.jsonl: a record without \"episode\" and \"step\"")
        }
        // Numbers a run can reach (episodes and steps count from 1), so that seeds and folder
        // names made from them cannot overflow.
        guard (1...Int64(Int32.max)).contains(episode), (1...Int64(Int32.max)).contains(step) else {
            throw SimArenaError(.data, "step.jsonl: episode \(episode), step \(step): expected numbers from 1 to \(Int32.max)")
        }
        self.episode = Int(episode)
        self.step = Int(step)
        self.value = value
    }

    /// The compact JSON line.
    public func line() throws -> [UInt8] {
        try JSONWriter.encode(value, pretty: false)
    }
}
