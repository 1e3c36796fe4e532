import SimArenaModel
import SimArenaSimulation

/// Who chooses a step's action.
public enum ActionChooser: Sendable {
    case policy(HandCodedPolicy)
    /// An outside program (`--policy-cmd`), given the observation on stdin.
    case command(String, timeout: Double)
    /// A learning agent (`--agent greedy` or `dqn`), epsilon-greedy; a trained one evaluated
    /// acts as ``LearningAgent/withoutExploration`` makes it.
    case agent(LearningAgent)
    /// The caller's own action (an outside driver of ``Environment/step(_:)``).
    case given(AgentAction)

    /// How `action.json` names the chooser: `policy:heuristic`, `agent:dqn`, `command:my-agent`, `given`.
    public var label: String {
        switch self {
        case .policy(let policy): return "policy:\(policy.rawValue)"
        case .command(let line, _): return "command:\(line.split(separator: " ").first.map(String.init) ?? line)"
        case .agent(let agent): return "agent:\(agent.name)"
        case .given: return "given"
        }
    }

    /// The action for `observation` among the first `allowed`; `seed` drives any randomness.
    public func choose(_ observation: Observation, allowed: Int, seed: UInt64, settings: ActionSettings) throws -> AgentAction {
        switch self {
        case .policy(let policy):
            var random = SeededGenerator(seed: seed)
            return policy.choose(observation, allowed: allowed, settings: settings, random: &random)
        case .command(let line, let timeout):
            return try ExternalPolicy(commandLine: line, timeout: timeout).choose(observation, allowed: allowed)
        case .agent(let agent):
            var random = SeededGenerator(seed: seed)
            let index = agent.choose(observation, settings: settings, random: &random)
            return AgentAction(rawValue: index).flatMap { $0.rawValue < allowed ? $0 : nil } ?? .noop
        case .given(let action):
            guard action.rawValue < allowed else {
                throw SimArenaError(.usage, "action \(action.rawValue) (\(action.name)) is outside the \(allowed) allowed actions")
            }
            return action
        }
    }
}
