/// Who chooses the action.
public enum ActionChooser: Sendable {
    case policy(HandCodedPolicy)
    /// An outside program (`--policy-cmd`), given the observation on stdin.
    case command(String, timeout: Double)
    /// A learning agent (`--agent greedy` or `dqn`), epsilon-greedy.
    case agent(LearningAgent)

    var label: String {
        switch self {
        case .policy(let policy): return "policy:\(policy.rawValue)"
        case .command(let line, _): return "command:\(line.split(separator: " ").first.map(String.init) ?? line)"
        case .agent(let agent): return "agent:\(agent.name)"
        }
    }
}

/// `sa-act`: choose an action for an observation and apply it to the trace.
public enum ActStage {
    public static func act(
        on observation: Observation, trace: inout Trace, workload: String, namespace: String?, chooser: ActionChooser,
        allowed: Int, seed: UInt64, settings: ActionSettings
    ) throws -> ActionReport {
        let action: AgentAction
        switch chooser {
        case .policy(let policy):
            var random = SeededGenerator(seed: seed)
            action = policy.choose(observation, allowed: allowed, settings: settings, random: &random)
        case .command(let line, let timeout):
            action = try ExternalPolicy(commandLine: line, timeout: timeout).choose(observation, allowed: allowed)
        case .agent(let agent):
            var random = SeededGenerator(seed: seed)
            let index = agent.choose(observation, settings: settings, random: &random)
            action = AgentAction(rawValue: index).flatMap { $0.rawValue < allowed ? $0 : nil } ?? .noop
        }
        let outcome = try TraceEditor.apply(action, to: &trace, workload: workload, namespace: namespace, settings: settings)
        return ActionReport(action: action, chooser: chooser.label, outcome: outcome, allowedActions: allowed, seed: seed)
    }
}
