import SimArenaModel
import SimArenaSimulation

/// When an episode is over: the workload healthy at its target, or also right-sized.
public enum EpisodeGoal: String, Sendable, CaseIterable {
    /// `ready == total == target`, nothing pending.
    case healthy
    /// Healthy, and no request at least one action step above what the pods use.
    case rightSized = "right_sized"

    public func isReached(by observation: Observation, settings: ActionSettings) -> Bool {
        switch self {
        case .healthy: return observation.atTarget
        case .rightSized: return observation.isRightSized(settings: settings)
        }
    }

    /// The goal a scenario trace declares in `metadata.scenario.goal`, if any.
    public static func declared(by trace: Trace) -> EpisodeGoal? {
        trace.document["metadata"]?["scenario"]?["goal"]?.stringValue.flatMap(EpisodeGoal.init(rawValue:))
    }
}
