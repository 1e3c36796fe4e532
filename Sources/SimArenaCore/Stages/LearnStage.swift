/// `sa-learn` for the tabular agent: load the agent state the step starts from (or a fresh agent),
/// learn from the transition that ends at this step's observation, and report.
public enum LearnStage {
    /// What learning did at a step (`learn.json`).
    public struct Report: Sendable {
        public var agent: TabularQAgent
        public var state: String
        public var updated: Bool
        public var temporalDifference: Double?

        public var value: KValue {
            [
                "agent": "greedy", "updated": .bool(updated), "state": .string(state),
                "td_error": temporalDifference.map(KValue.double) ?? .null,
                "loss": temporalDifference.map { .double(Observation.rounded($0 * $0)) } ?? .null,
                "epsilon": .double(agent.epsilon), "steps": .int(Int64(agent.steps)),
                "q_values": .array(agent.qValues(state).map(KValue.double)),
            ]
        }
    }

    /// `previous` is the transition's start (the previous step's observation and action) and
    /// `reward` this step's reward report; both nil at an episode's first step.
    public static func learn(
        agent: TabularQAgent, observation: Observation, previous: (observation: Observation, action: ActionReport)?,
        reward: RewardReport, settings: ActionSettings
    ) -> Report {
        var agent = agent
        let state = StateDiscretizer.key(observation, settings: settings)
        var error: Double?
        if let previous, let value = reward.reward, previous.action.action.rawValue < agent.actions {
            error = agent.update(
                state: StateDiscretizer.key(previous.observation, settings: settings), action: previous.action.action.rawValue,
                reward: value, next: state, terminated: reward.terminated)
        }
        return Report(agent: agent, state: state, updated: error != nil, temporalDifference: error)
    }
}
