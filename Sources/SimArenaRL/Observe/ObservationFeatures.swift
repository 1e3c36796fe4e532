import SimArenaModel
import SimArenaSimulation

/// The fixed-length vector of numbers in [0, 1] that learning agents see (documented in
/// docs/run-directory.md). Nothing is on an absolute scale, so an agent trained on one cluster
/// and one workload's sizes reads another's the same way: counts relative to the target, flags
/// for the facts an operator acts on (a request that fits on no node, pods over or under the
/// target, a blocked action), and what is left to do in action steps (surplus or missing
/// replicas, what pods leave unused). Request sizes are left out on purpose: on the demo cluster
/// they told the agent how far a fix had come, but on other node sizes they took values it never
/// saw, and it acted on them wrongly (docs/agents.md).
extension Observation {
    /// Names of the features, in order.
    public static let featureNames = [
        "ready_fraction", "pending_fraction", "total_vs_target", "over_target", "under_target",
        "surplus_replicas", "missing_replicas",
        "unschedulable_cpu", "unschedulable_memory", "oom_killed", "cpu_throttled",
        "cpu_above_node", "memory_above_node", "cpu_slack_steps", "memory_slack_steps", "running_fraction",
        "last_action_blocked",
    ]

    /// The demo cluster's node, for observations that name no node (the SimKube backend).
    static let defaultNode = ResourceAmounts(cpuMillis: 16_000, memoryBytes: 32 << 30)

    /// The unit of slack: the default action steps (500m CPU, 256Mi memory), whatever a run's steps.
    static let slackUnit = ActionSettings()

    public var features: [Float] {
        let scale = Double(max(target, 1))
        func fraction(_ count: Int64) -> Double { min(Double(count) / scale, 2) / 2 }
        func flag(_ condition: Bool) -> Double { condition ? 1 : 0 }
        // A count of replica steps (one replica each), capped at `cap` and divided by it.
        func steps(_ count: Int64, cap: Double) -> Double { min(cap, Double(max(0, count))) / cap }
        // What each running pod leaves unused, in action steps, capped at 4 (0: none to spare).
        func slack(_ unused: Int64, _ step: Int64) -> Double {
            step > 0 ? min(4, Double(unused) / Double(step)) / 4 : 0
        }
        let node = largestNode ?? Self.defaultNode
        let cpu = Double(cpuRequest.milliValue), memory = memoryRequest.doubleValue
        let excess = max(-1, min(1, Double(total - target) / scale))
        let unused = slackPerPod
        let values: [Double] = [
            fraction(ready), fraction(pending), (excess + 1) / 2, flag(total > target), flag(total < target),
            steps(replicas - target, cap: 20), steps(target - replicas, cap: 10),
            fraction(unschedulableCPU), fraction(unschedulableMemory), fraction(oomKilled), fraction(throttled),
            flag(cpu > Double(node.cpuMillis)), flag(memory > Double(node.memoryBytes)),
            slack(unused.cpuMillis, Self.slackUnit.cpuStep.milliValue), slack(unused.memoryBytes, Self.slackUnit.memoryStep.value),
            fraction(running), flag(lastActionBlocked),
        ]
        return values.map { Float($0) }
    }
}
