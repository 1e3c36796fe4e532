import SimArenaModel
import SimArenaSimulation

/// What the agent sees of its workload after a simulation: the original's three counts (`ready`,
/// `pending`, `total`), why pods are unhealthy, the resources they ask for and use (with the
/// distribution of measured usage that right-sizing policies read), the cluster's largest node,
/// whether the last action was blocked, and the normalised ``features`` vector that learning
/// agents consume. Documented in docs/run-directory.md (`observation.json`).
public struct Observation: Sendable, Hashable {
    /// The workload's pods as the observation lists them.
    public struct Pod: Sendable, Hashable {
        public var name: String
        public var phase: String
        public var ready: Bool
        public var reason: String?
        public var node: String?
        public var restartCount: Int64
        public var requests: ResourceAmounts
        public var usage: ResourceAmounts
        /// The first container's measured usage (the one actions change); nil when the backend
        /// reports none or the pod never ran.
        public var usageSamples: UsageSamples?
    }

    public var workload: String
    public var target: Int64
    /// The goal the trace's scenario declares (`metadata.scenario.goal`), if any.
    public var declaredGoal: EpisodeGoal?
    /// Desired replicas in the trace in force.
    public var replicas: Int64
    /// Pods of the workload (existing, not finished).
    public var total: Int64
    /// Pods in phase Pending.
    public var pending: Int64
    /// Pods not Pending whose Ready condition is True.
    public var ready: Int64
    public var running: Int64
    /// Pending pods the scheduler could not place, and for which resource.
    public var unschedulable: Int64
    public var unschedulableCPU: Int64
    public var unschedulableMemory: Int64
    /// Pods whose last container termination was an OOM kill.
    public var oomKilled: Int64
    public var crashLooping: Int64
    /// Running pods whose readiness probe fails because CPU throttling starves them.
    public var throttled: Int64
    public var evicted: Int64
    public var restarts: Int64
    /// Per pod, from the pod template in force (first container's values for cpu/memory).
    public var cpuRequest: Quantity
    public var memoryRequest: Quantity
    public var cpuLimit: Quantity?
    public var memoryLimit: Quantity?
    /// Summed over running pods: requested and used.
    public var requested: ResourceAmounts
    public var used: ResourceAmounts
    /// The largest allocatable CPU and the largest allocatable memory of any node (each found
    /// separately); nil when the simulation lists no nodes.
    public var largestNode: ResourceAmounts?
    /// Whether the previous step's action was blocked by a safeguard (false at an episode's
    /// first step).
    public var lastActionBlocked: Bool
    /// Containers in the workload's pod template (the first is the one actions change).
    public var containers: Int
    public var pods: [Pod]

    /// Whether the workload is at its goal: `ready == total == target` and nothing pending.
    public var atTarget: Bool { ready == target && total == target && pending == 0 }

    /// Fraction of requested CPU and memory that running pods leave unused (0 when nothing runs).
    public var cpuWaste: Double { Self.waste(requested: requested.cpuMillis, used: used.cpuMillis) }
    public var memoryWaste: Double { Self.waste(requested: requested.memoryBytes, used: used.memoryBytes) }

    /// Whether the trace declares the first container's CPU and memory usage
    /// (`simarena.io/usage`). Without a declaration the simulator stands in the request, which
    /// moves with every action: not a measurement, so ``cpuUsage`` and ``memoryUsage`` stay nil.
    public var declaredCPUUsage = true
    public var declaredMemoryUsage = true

    /// The measured usage of the first container, pooled over the running pods' samples; nil
    /// when there is none, or when the trace declares no usage for it (``declaredCPUUsage``, ``declaredMemoryUsage``).
    public var cpuUsage: UsagePercentiles? {
        declaredCPUUsage ? UsagePercentiles(runningSamples.flatMap(\.cpuMillis), as: Quantity.millis) : nil
    }
    public var memoryUsage: UsagePercentiles? {
        declaredMemoryUsage ? UsagePercentiles(runningSamples.flatMap(\.memoryBytes), as: { Quantity.bytes($0) }) : nil
    }

    private var runningSamples: [UsageSamples] {
        pods.filter { $0.phase == "Running" }.compactMap(\.usageSamples)
    }

    static func waste(requested: Int64, used: Int64) -> Double {
        guard requested > 0 else { return 0 }
        return max(0, min(1, Double(requested - min(used, requested)) / Double(requested)))
    }
}
