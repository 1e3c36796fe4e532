import SimArenaModel
import SimArenaSimulation

/// The actions an agent can take on a workload, indexed as the original Sim-Arena indexed them.
/// `--Naction 4` keeps the first four (the original's default); 7 gives all.
public enum AgentAction: Int, Sendable, Hashable, CaseIterable {
    case noop = 0
    case bumpCPUSmall = 1
    case bumpMemorySmall = 2
    case scaleUpReplicas = 3
    case reduceCPUSmall = 4
    case reduceMemorySmall = 5
    case scaleDownReplicas = 6

    /// The name used in files and on the command line (`bump_cpu_small`, ...).
    public var name: String {
        switch self {
        case .noop: return "noop"
        case .bumpCPUSmall: return "bump_cpu_small"
        case .bumpMemorySmall: return "bump_mem_small"
        case .scaleUpReplicas: return "scale_up_replicas"
        case .reduceCPUSmall: return "reduce_cpu_small"
        case .reduceMemorySmall: return "reduce_mem_small"
        case .scaleDownReplicas: return "scale_down_replicas"
        }
    }

    /// The action with this name or index (`"2"`, `"bump_mem_small"`).
    public init?(nameOrIndex text: String) {
        if let index = Int(text), let action = AgentAction(rawValue: index) {
            self = action
        } else if let action = AgentAction.allCases.first(where: { $0.name == text }) {
            self = action
        } else {
            return nil
        }
    }
}
