/// One line of `step.jsonl`, assembled from a completed step's files. Nothing in it depends on
/// the wall clock or the run's name, so two runs with the same inputs and seed give identical
/// lines.
public struct StepRecord: Sendable {
    public var episode: Int
    public var step: Int
    public var value: KValue

    /// Reads `observation.json`, `reward.json`, (unless the step ended the episode)
    /// `action.json` and (for a learning agent) `learn.json` from `stepDirectory`.
    public init(run: RunSettings, runDirectory: String, episode: Int, step: Int, durationSeconds: Double) throws {
        let base = runDirectory + "/" + RunDirectory.stepPath(episode: episode, step: step)
        let observation = try Document.decode(base + "/observation.json", Observation.init(document:))
        let reward = try Document.decode(base + "/reward.json", RewardReport.init(document:))
        let action = reward.endsEpisode ? nil : try Document.decode(base + "/action.json", ActionReport.init(document:))
        var learning: Learning?
        if FileIO.exists(base + "/learn.json") {
            let report = try Document.read(base + "/learn.json")
            learning = Learning(loss: report["loss"]?.doubleValue, epsilon: report["epsilon"]?.doubleValue ?? 0)
        }
        self.init(run: run, episode: episode, step: step, observation: observation, reward: reward, action: action,
                  learning: learning, durationSeconds: durationSeconds)
    }

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
    public init(run: RunSettings, episode: Int, step: Int, observation: Observation, reward: RewardReport,
                action: ActionReport?, learning: Learning? = nil, durationSeconds: Double) {
        self.episode = episode
        self.step = step
        let directory = RunDirectory.stepPath(episode: episode, step: step)
        let ends = reward.endsEpisode
        let action = ends ? nil : action
        let observed = observation.value
        var obs = KMap()
        for key in ["ready", "pending", "total", "running", "replicas", "unschedulable", "oom_killed", "crash_looping",
                    "throttled", "evicted", "restarts", "cpu_request", "memory_request", "cpu_waste", "memory_waste"] {
            obs[key] = observed[key]
        }
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
            "trace_in": .string(directory + "/trace.msgpack"),
            "trace_out": ends ? .null : .string(directory + "/next-trace.msgpack"),
            "obs": .map(obs), "state": observed["features"] ?? .null,
            "reward": reward.reward.map(KValue.double) ?? .null, "prev_action": reward.forAction.map(KValue.string) ?? .null,
            "action_idx": action.map { .int(Int64($0.action.rawValue)) } ?? .null,
            "action": action.map { .string($0.action.name) } ?? .null, "action_info": info,
            "at_target": .bool(reward.atTarget), "goal_reached": .bool(reward.goalReached),
            "terminated": .bool(reward.terminated), "truncated": .bool(reward.truncated),
            "loss": learning?.loss.map(KValue.double) ?? .null, "epsilon": learning.map { .double($0.epsilon) } ?? .null,
            "duration_s": .double(durationSeconds),
        ]
    }

    /// A record read back from a line of `step.jsonl`.
    public init(line value: KValue) throws {
        guard let episode = value["episode"]?.int64Value, let step = value["step"]?.int64Value else {
            throw SimArenaError(.data, "step.jsonl: a record without \"episode\" and \"step\"")
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
