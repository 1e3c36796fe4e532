import SimArenaModel
import SimArenaSimulation

/// `sa-learn`: load the agent state the step starts from (or a fresh agent), learn from the
/// transition that ends at this step's observation, and report (`learn.json`).
public enum LearnStage {
    /// What learning did at a step.
    public struct Report: Sendable {
        public var agent: LearningAgent
        public var updated: Bool
        /// The tabular agent's state key for this step's observation.
        public var state: String?
        /// The tabular agent's temporal-difference error.
        public var temporalDifference: Double?
        /// The squared TD error (tabular) or the mean minibatch loss (DQN); nil without an update.
        public var loss: Double?
        /// DQN: what the learning step did, and the replay buffer's size after it.
        public var dqnStep: DQNAgent.StepReport?
        public var replaySize: Int?
        /// Q-values of this step's observation, after learning.
        public var qValues: [Double]

        public var value: KValue {
            var fields: [(String, KValue)] = [("agent", .string(agent.name)), ("updated", .bool(updated))]
            switch agent {
            case .tabular:
                fields += [("state", .string(state ?? "")), ("td_error", temporalDifference.map(KValue.double) ?? .null)]
            case .dqn(let dqn):
                fields += [("gradient_updates", .int(Int64(dqnStep?.updates ?? 0))), ("total_updates", .int(Int64(dqn.updates))),
                           ("target_synced", .bool(dqnStep?.targetSynced ?? false)),
                           ("replay_size", .int(Int64(replaySize ?? 0)))]
            }
            fields += [("loss", loss.map(KValue.double) ?? .null), ("epsilon", .double(agent.epsilon)),
                       ("steps", .int(Int64(agent.steps))), ("q_values", .array(qValues.map(KValue.double)))]
            return .map(KMap(fields.map { KMap.Entry(key: .string($0.0), value: $0.1) }))
        }
    }

    /// `previous` is the transition's start (the previous step's observation and action) and
    /// `reward` this step's reward report; both nil at an episode's first step. `replay` is the
    /// DQN agent's replay buffer (nil for the tabular agent); minibatches are drawn with `seed`.
    public static func learn(
        agent: LearningAgent, observation: Observation, previous: (observation: Observation, action: ActionReport)?,
        reward: RewardReport, settings: ActionSettings, replay: inout ReplayBuffer?, seed: UInt64
    ) -> Report {
        let action = previous?.action.action.rawValue
        let transitionReward = previous != nil ? reward.reward : nil
        switch agent {
        case .tabular(var tabular):
            let state = StateDiscretizer.key(observation, settings: settings)
            var error: Double?
            if let previous, let action, let value = transitionReward, action < tabular.actions {
                error = tabular.update(state: StateDiscretizer.key(previous.observation, settings: settings), action: action,
                                       reward: value, next: state, terminated: reward.terminated,
                                       nextAllowed: ActionMask.allowed(observation, actions: tabular.actions, settings: settings))
            }
            return Report(agent: .tabular(tabular), updated: error != nil, state: state, temporalDifference: error,
                          loss: error.map { Observation.rounded($0 * $0) }, qValues: tabular.qValues(state))
        case .dqn(var dqn):
            let features = observation.features
            var step: DQNAgent.StepReport?
            if let previous, let action, let value = transitionReward, action < dqn.settings.actions, replay != nil {
                var random = SeededGenerator(seed: seed, stream: 0x7265_706c_6179)  // "replay"
                let allowed = ActionMask.allowed(observation, actions: dqn.settings.actions, settings: settings)
                step = dqn.learn(Transition(state: previous.observation.features, action: action, reward: Float(value),
                                            next: features, terminated: reward.terminated,
                                            nextAllowed: ActionMask.bits(allowed)),
                                 buffer: &replay!, random: &random)
            }
            return Report(agent: .dqn(dqn), updated: step != nil, loss: step?.loss.map(Double.init), dqnStep: step,
                          replaySize: replay?.count, qValues: dqn.withQValues(features) { $0.map(Double.init) })
        }
    }

    /// Writes what learning did: a DQN update's transition into the replay `journal` (at its
    /// number, so a learn stage redone after a kill rewrites the same record), then the agent
    /// state to `state` and the report to `out`.
    public static func save(_ report: Report, replay: ReplayBuffer?, journal: String, state: String, out: String) throws {
        if report.updated, case .dqn = report.agent, let replay {
            try ReplayJournal.write([replay[replay.count - 1]], at: replay.total - 1, to: journal)
        }
        try FileIO.writeAtomically(try report.agent.encoded(), to: state)
        try Document.write(report.value, to: out)
    }
}
