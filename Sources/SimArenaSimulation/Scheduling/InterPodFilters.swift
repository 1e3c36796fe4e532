import SimArenaModel

/// The filters that depend on where the other pods are, in the default profile's order:
/// PodTopologySpread, then InterPodAffinity. Built once per scheduling attempt (their
/// PreFilter counts), then asked per node.
public struct InterPodFilters: Sendable {
    private let spread: PodTopologySpread?
    private let affinity: InterPodAffinity?

    /// The counts for `pod` against `boundPods[i]`, the pods bound to `nodes[i]`.
    public init(pod: PodSchedulingRequirements, nodes: [SchedulerNode], boundPods: [[PodSchedulingRequirements]]) {
        spread = PodTopologySpread(pod: pod, nodes: nodes, boundPods: boundPods)
        affinity = InterPodAffinity(pod: pod, nodes: nodes, boundPods: boundPods)
    }

    /// Whether neither filter has anything to check.
    public var isEmpty: Bool { spread == nil && affinity == nil }

    /// Why the pod may not go to `node` (the first failing filter's reason), or nil when it may.
    public func reason(on node: SchedulerNode) -> String? {
        spread?.reason(on: node) ?? affinity?.reason(on: node)
    }
}
