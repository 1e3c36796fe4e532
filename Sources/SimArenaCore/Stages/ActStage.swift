/// Who chooses the action.
public enum ActionChooser: Sendable {
    case policy(HandCodedPolicy)
    /// An outside program (`--policy-cmd`), given the observation on stdin.
    case command(String, timeout: Double)

    var label: String {
        switch self {
        case .policy(let policy): return "policy:\(policy.rawValue)"
        case .command(let line, _): return "command:\(line.split(separator: " ").first.map(String.init) ?? line)"
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
        }
        let outcome = try TraceEditor.apply(action, to: &trace, workload: workload, namespace: namespace, settings: settings)
        return ActionReport(action: action, chooser: chooser.label, outcome: outcome, allowedActions: allowed, seed: seed)
    }
}
