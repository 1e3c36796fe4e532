import SimArenaModel
import SimArenaSimulation

extension FreshAgent {
    /// The size of the action space it chooses among.
    public var actions: Int {
        switch self {
        case .tabular(let agent): return agent.actions
        case .dqn(let settings): return settings.actions
        }
    }

    /// Checks the hyperparameters' ranges; the message names the flag.
    public func validate() throws {
        switch self {
        case .tabular(let agent): try agent.validateSettings()
        case .dqn(let settings): try settings.validate()
        }
    }

    /// The hyperparameters as `run.json`'s `chooser.learner` records them.
    public var value: KValue {
        switch self {
        case .tabular(let agent):
            return ["agent": "greedy", "lr": .double(agent.learningRate), "gamma": .double(agent.gamma),
                    "eps_start": .double(agent.schedule.start), "eps_end": .double(agent.schedule.end),
                    "eps_decay": .int(Int64(agent.schedule.decaySteps))]
        case .dqn(let settings):
            return [
                "agent": "dqn", "lr": .double(settings.learningRate), "gamma": .double(settings.gamma),
                "eps_start": .double(settings.schedule.start), "eps_end": .double(settings.schedule.end),
                "eps_decay": .int(Int64(settings.schedule.decaySteps)), "hidden": .array(settings.hidden.map { .int(Int64($0)) }),
                "optimizer": .string(settings.optimizer.rawValue), "loss": .string(settings.loss.rawValue),
                "grad_clip": .double(settings.gradientClip), "buffer_size": .int(Int64(settings.bufferSize)),
                "batch_size": .int(Int64(settings.batchSize)), "target_update": .int(Int64(settings.targetUpdate)),
                "learning_starts": .int(Int64(settings.learningStarts)), "updates_per_step": .int(Int64(settings.updatesPerStep)),
                "double_dqn": .bool(settings.doubleDQN),
            ]
        }
    }

    /// Reads what ``value`` wrote, for an action space of `actions`.
    public init(reading fields: inout FieldReader, actions: Int) throws {
        let agent = try fields.requireString("agent")
        guard let rate = try fields.double("lr"), let gamma = try fields.double("gamma"), let start = try fields.double("eps_start"),
              let end = try fields.double("eps_end"), let decay = try fields.int("eps_decay") else {
            throw SimArenaError(.data, "run.json: chooser: learner: lr, gamma, eps_start, eps_end and eps_decay are required")
        }
        let schedule = EpsilonSchedule(start: start, end: end, decaySteps: decay)
        switch agent {
        case "greedy":
            self = .tabular(TabularQAgent(actions: actions, learningRate: rate, gamma: gamma, schedule: schedule))
        case "dqn":
            var settings = DQNSettings(actions: actions)
            (settings.learningRate, settings.gamma, settings.schedule) = (rate, gamma, schedule)
            settings.hidden = try fields.ints("hidden") ?? settings.hidden
            settings.optimizer = try fields.choice("optimizer", Optimizer.Kind.self) ?? settings.optimizer
            settings.loss = try fields.choice("loss", TemporalDifferenceLoss.self) ?? settings.loss
            settings.gradientClip = try fields.double("grad_clip") ?? settings.gradientClip
            settings.bufferSize = try fields.int("buffer_size") ?? settings.bufferSize
            settings.batchSize = try fields.int("batch_size") ?? settings.batchSize
            settings.targetUpdate = try fields.int("target_update") ?? settings.targetUpdate
            settings.learningStarts = try fields.int("learning_starts") ?? settings.learningStarts
            settings.updatesPerStep = try fields.int("updates_per_step") ?? settings.updatesPerStep
            settings.doubleDQN = try fields.bool("double_dqn") ?? settings.doubleDQN
            self = .dqn(settings)
        default:
            throw SimArenaError(.data, "run.json: chooser: learner: agent \"\(agent)\" is not greedy or dqn")
        }
    }
}
