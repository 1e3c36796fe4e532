/// A learning agent's kind and hyperparameters as a run records them (`run.json`'s `learner`,
/// from `--agent` and the learning flags): what ``FreshAgent`` is made from when a run loads
/// no checkpoint. Fields left nil take the agent's default (``FreshAgent/make(seed:)``).
public struct LearnerSettings: Sendable, Hashable {
    /// `greedy` (tabular Q-learning) or `dqn`.
    public var agent: String
    /// The learning rate; nil: 0.5 for greedy's step size, 0.001 for dqn.
    public var learningRate: Double?
    public var gamma = 0.97
    public var schedule = EpsilonSchedule()
    // DQN only.
    public var hidden = [64, 64]
    public var optimizer = Optimizer.Kind.adam
    public var loss = TemporalDifferenceLoss.huber
    public var gradientClip: Double = 10
    public var bufferSize = 10_000
    public var batchSize = 32
    public var targetUpdate = 50
    public var learningStarts = 32
    public var updatesPerStep = 1
    public var doubleDQN = false

    public init(agent: String) {
        self.agent = agent
    }

    /// The fresh agent for an action space of `actions`; the message of a range error names the
    /// flag.
    public func fresh(actions: Int) throws -> FreshAgent {
        guard LearningAgent.names.contains(agent) else {
            throw SimArenaError(.usage, "--agent must be \(LearningAgent.names.joined(separator: " or "))")
        }
        guard (0...1).contains(gamma), (0...1).contains(schedule.start), (0...1).contains(schedule.end), schedule.decaySteps >= 0 else {
            throw SimArenaError(.usage, "--gamma, --eps-start and --eps-end must be in [0, 1], --eps-decay not negative")
        }
        if agent == "greedy" {
            let rate = learningRate ?? 0.5
            guard rate > 0, rate <= 1 else { throw SimArenaError(.usage, "--lr must be in (0, 1]") }
            return .tabular(TabularQAgent(actions: actions, learningRate: rate, gamma: gamma, schedule: schedule))
        }
        var settings = DQNSettings(actions: actions)
        settings.hidden = hidden
        settings.learningRate = learningRate ?? 1e-3
        settings.gamma = gamma
        settings.optimizer = optimizer
        settings.loss = loss
        settings.gradientClip = gradientClip
        settings.bufferSize = bufferSize
        settings.batchSize = batchSize
        settings.targetUpdate = targetUpdate
        settings.learningStarts = learningStarts
        settings.updatesPerStep = updatesPerStep
        settings.doubleDQN = doubleDQN
        settings.schedule = schedule
        try settings.validate()
        return .dqn(settings)
    }

    /// The DQN flags set away from their defaults, for refusing them with the tabular agent.
    public var dqnFlagsSet: [String] {
        let defaults = LearnerSettings(agent: agent)
        var flags: [String] = []
        if hidden != defaults.hidden { flags.append("--hidden") }
        if optimizer != defaults.optimizer { flags.append("--optimizer") }
        if loss != defaults.loss { flags.append("--loss") }
        if gradientClip != defaults.gradientClip { flags.append("--grad-clip") }
        if bufferSize != defaults.bufferSize { flags.append("--buffer-size") }
        if batchSize != defaults.batchSize { flags.append("--batch-size") }
        if targetUpdate != defaults.targetUpdate { flags.append("--target-update") }
        if learningStarts != defaults.learningStarts { flags.append("--learning-starts") }
        if updatesPerStep != defaults.updatesPerStep { flags.append("--updates-per-step") }
        if doubleDQN { flags.append("--double-dqn") }
        return flags
    }

    public var value: KValue {
        [
            "agent": .string(agent), "lr": learningRate.map(KValue.double) ?? .null, "gamma": .double(gamma),
            "eps_start": .double(schedule.start), "eps_end": .double(schedule.end), "eps_decay": .int(Int64(schedule.decaySteps)),
            "hidden": .array(hidden.map { .int(Int64($0)) }), "optimizer": .string(optimizer.rawValue), "loss": .string(loss.rawValue),
            "grad_clip": .double(gradientClip), "buffer_size": .int(Int64(bufferSize)), "batch_size": .int(Int64(batchSize)),
            "target_update": .int(Int64(targetUpdate)), "learning_starts": .int(Int64(learningStarts)),
            "updates_per_step": .int(Int64(updatesPerStep)), "double_dqn": .bool(doubleDQN),
        ]
    }

    public init(reading fields: inout FieldReader) throws {
        agent = try fields.requireString("agent")
        learningRate = try fields.double("lr")
        gamma = try fields.double("gamma") ?? gamma
        schedule = EpsilonSchedule(start: try fields.double("eps_start") ?? schedule.start, end: try fields.double("eps_end") ?? schedule.end,
                                   decaySteps: try fields.int("eps_decay") ?? schedule.decaySteps)
        if let widths = try fields.ints("hidden") { hidden = widths }
        optimizer = try fields.choice("optimizer", Optimizer.Kind.self) ?? optimizer
        loss = try fields.choice("loss", TemporalDifferenceLoss.self) ?? loss
        gradientClip = try fields.double("grad_clip") ?? gradientClip
        bufferSize = try fields.int("buffer_size") ?? bufferSize
        batchSize = try fields.int("batch_size") ?? batchSize
        targetUpdate = try fields.int("target_update") ?? targetUpdate
        learningStarts = try fields.int("learning_starts") ?? learningStarts
        updatesPerStep = try fields.int("updates_per_step") ?? updatesPerStep
        doubleDQN = try fields.bool("double_dqn") ?? doubleDQN
    }
}
