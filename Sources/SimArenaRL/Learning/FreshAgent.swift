import SimArenaModel
import SimArenaSimulation

/// How to make the learning agent a run starts with when it loads no checkpoint: the kind and
/// its hyperparameters, plus (for DQN) the seed that initialises its networks.
public enum FreshAgent: Sendable, Equatable {
    case tabular(TabularQAgent)
    case dqn(DQNSettings)

    public var name: String {
        switch self {
        case .tabular: return "greedy"
        case .dqn: return "dqn"
        }
    }

    public func make(seed: UInt64) -> LearningAgent {
        switch self {
        case .tabular(let agent): return .tabular(agent)
        case .dqn(let settings): return .dqn(DQNAgent(settings: settings, seed: seed))
        }
    }
}
