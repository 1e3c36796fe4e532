import SimArenaModel

/// The filters that depend on where the other pods are, in the default profile's order:
/// PodTopologySpread, then InterPodAffinity. Built once per scheduling attempt (their
/// PreFilter counts), then asked per node; preemption updates the counts as it tries evicting.
public struct InterPodFilters: Sendable {
    private var spread: PodTopologySpread?
    private var affinity: InterPodAffinity?

    /// The counts for `pod` against `boundPods[i]`, the pods bound to `nodes[i]`.
    public init(pod: PodSchedulingRequirements, nodes: [SchedulerNode], boundPods: [[PodSchedulingRequirements]]) {
        spread = PodTopologySpread(pod: pod, nodes: nodes, boundPods: boundPods)
        affinity = InterPodAffinity(pod: pod, nodes: nodes, boundPods: boundPods)
    }

    /// Why the pod may not go to `node` (the first failing filter), or nil when it may.
    public func failure(on node: SchedulerNode) -> NodeFailure? {
        spread?.failure(on: node) ?? affinity?.failure(on: node)
    }

    /// Counts `existing` on `node` in (`delta` 1) or out (−1).
    mutating func update(_ existing: PodSchedulingRequirements, on node: SchedulerNode, by delta: Int) {
        spread?.update(existing, on: node, by: delta)
        affinity?.update(existing, on: node, by: delta)
    }

    /// Whether taking `existing` off its node can change the answer anywhere.
    func concerns(_ existing: PodSchedulingRequirements) -> Bool {
        spread?.concerns(existing) == true || affinity?.concerns(existing) == true
    }
}
