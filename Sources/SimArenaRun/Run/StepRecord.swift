import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// One line of `step.jsonl`, from a completed step's values. Nothing in it depends on the wall
/// clock or the run's name, so two runs with the same inputs and seed give identical lines.
/// A line read back is a ``RecordedStep``.
public struct StepRecord: Sendable {
    public var episode: Int
    public var step: Int
    public var seed: UInt64
    /// The trace's name (``RunProgress/traceName(_:)``).
    public var trace: String
    public var observation: Observation
    public var reward: RewardReport
    /// Nil when the step ended the episode.
    public var action: ActionReport?
    public var learning: Learning?
    public var durationSeconds: Double

    /// What a learning agent's learn stage reported at the step.
    public struct Learning: Sendable {
        public var loss: Double?
        public var epsilon: Double

        public init(loss: Double?, epsilon: Double) {
            self.loss = loss
            self.epsilon = epsilon
        }
    }

    /// The record of a step's values in memory (`action` nil when the step ended the episode);
    /// the same line as from the step's files.
    public init(run: RunConfiguration, episode: Int, step: Int, observation: Observation, reward: RewardReport,
                action: ActionReport?, learning: Learning? = nil, durationSeconds: Double) {
        self.episode = episode
        self.step = step
        seed = run.seed(episode: episode, step: step)
        trace = RunProgress.traceName(run.trace(forEpisode: episode))
        self.observation = observation
        self.reward = reward
        self.action = reward.endsEpisode ? nil : action
        self.learning = learning
        self.durationSeconds = durationSeconds
    }

    /// The line's members, in order: the one place that names them (``RecordedStep`` reads some
    /// back).
    public enum Member: Int, CaseIterable, Sendable {
        case episode, step, seed, trace, traceIn, traceOut, obs, state, reward, previousAction, actionIndex, action, actionInfo
        case atTarget, goalReached, terminated, truncated, loss, epsilon, durationSeconds

        /// The member's key in the line.
        public var name: String {
            switch self {
            case .episode: "episode"
            case .step: "step"
            case .seed: "seed"
            case .trace: "trace"
            case .traceIn: "trace_in"
            case .traceOut: "trace_out"
            case .obs: "obs"
            case .state: "state"
            case .reward: "reward"
            case .previousAction: "prev_action"
            case .actionIndex: "action_idx"
            case .action: "action"
            case .actionInfo: "action_info"
            case .atTarget: "at_target"
            case .goalReached: "goal_reached"
            case .terminated: "terminated"
            case .truncated: "truncated"
            case .loss: "loss"
            case .epsilon: "epsilon"
            case .durationSeconds: "duration_s"
            }
        }
    }

    /// The observation's members a record keeps under `obs`, in order.
    static let observationFields: [Observation.Field] = [
        .ready, .pending, .total, .running, .replicas, .unschedulable, .oomKilled, .crashLooping, .throttled, .evicted, .restarts,
        .cpuRequest, .memoryRequest, .cpuWaste, .memoryWaste,
    ]

    /// The keys, encoded once: the record's members, the observation's, and `action_info`'s.
    private static let memberKeys = Member.allCases.map { JSONOutput.Key($0.name) }
    private static let observationKeys = observationFields.map { ($0, JSONOutput.Key($0.rawValue)) }
    private static let blockedKey = JSONOutput.Key("blocked"), reasonKey = JSONOutput.Key("reason")
    private static let fieldKey = JSONOutput.Key("field"), beforeKey = JSONOutput.Key("before")
    private static let afterKey = JSONOutput.Key("after"), chooserKey = JSONOutput.Key("chooser")

    /// What a run's summary counts of the record.
    public var recorded: RecordedStep {
        RecordedStep(episode: episode, step: step, reward: reward.reward, acted: action != nil, terminated: reward.terminated,
                     truncated: reward.truncated, loss: learning?.loss, epsilon: learning?.epsilon)
    }

    /// The compact JSON line, written from the values without building a document; a NaN or
    /// infinity is a data error naming its member.
    public func line() throws -> [UInt8] {
        var out = JSONOutput(capacity: 1024)
        try write(to: &out)
        return out.bytes
    }

    private func write(to out: inout JSONOutput) throws(SimArenaError) {
        func key(_ member: Member) { out.key(Self.memberKeys[member.rawValue]) }
        func number(_ member: Member, _ value: Double?) throws(SimArenaError) {
            key(member)
            if let value { try out.double(value, at: "/" + member.name) } else { out.null() }
        }
        let directory = StepFiles.relativePath(episode: episode, step: step)
        out.beginObject()
        key(.episode); out.int(Int64(episode))
        key(.step); out.int(Int64(step))
        key(.seed); out.uint(seed)
        key(.trace); out.string(trace)
        key(.traceIn); out.string(directory + "/" + StepFiles.trace)
        key(.traceOut); out.string(reward.endsEpisode ? nil : directory + "/" + StepFiles.nextTrace)
        key(.obs)
        out.beginObject()
        for (field, fieldKey) in Self.observationKeys {
            out.key(fieldKey)
            try JSONWriter.write(observation[field], to: &out, at: "/obs/" + field.rawValue)
        }
        out.endObject()
        key(.state)
        out.beginArray()
        for (index, feature) in observation.features.enumerated() { try out.float(feature, at: "/state/\(index)") }
        out.endArray()
        try number(.reward, reward.reward)
        key(.previousAction); out.string(reward.forAction)
        key(.actionIndex)
        if let action { out.int(Int64(action.action.rawValue)) } else { out.null() }
        key(.action); out.string(action?.action.name)
        key(.actionInfo)
        if let action {
            out.beginObject()
            out.key(Self.blockedKey); out.bool(action.outcome.blocked)
            out.key(Self.reasonKey); out.string(action.outcome.blockedReason)
            out.key(Self.fieldKey); out.string(action.outcome.field)
            out.key(Self.beforeKey); out.string(action.outcome.before)
            out.key(Self.afterKey); out.string(action.outcome.after)
            out.key(Self.chooserKey); out.string(action.chooser)
            out.endObject()
        } else {
            out.null()
        }
        key(.atTarget); out.bool(reward.atTarget)
        key(.goalReached); out.bool(reward.goalReached)
        key(.terminated); out.bool(reward.terminated)
        key(.truncated); out.bool(reward.truncated)
        try number(.loss, learning?.loss)
        try number(.epsilon, learning?.epsilon)
        try number(.durationSeconds, durationSeconds)
        out.endObject()
    }
}
