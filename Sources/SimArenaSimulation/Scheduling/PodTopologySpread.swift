import SimArenaModel

/// kube-scheduler's PodTopologySpread filter: the pod's `DoNotSchedule` spread constraints.
/// (`ScheduleAnyway` constraints and the cluster's default constraints only score, and scoring
/// by spread is not modelled.)
///
/// As kube-scheduler's PreFilter does, the matching pods are counted once per scheduling attempt
/// per constraint and domain (a value of the constraint's topology key). A node counts only when
/// it has every constraint's topology key and passes the constraint's inclusion policies (the
/// pod's node selector and required node affinity unless `nodeAffinityPolicy: Ignore`; its
/// tolerations when `nodeTaintsPolicy: Honor`); a domain counts even with no matching pod.
/// (An empty `{}` selector counts no existing pod but matches the pod itself, as upstream.)
/// Then a node passes a constraint when
/// `pods in its domain + (1 if the pod matches its own selector) − pods in the emptiest domain`
/// is at most `maxSkew`, the emptiest taken as 0 while there are fewer domains than `minDomains`.
public struct PodTopologySpread: Sendable {
    private let pod: PodSchedulingRequirements
    private let constraints: [TopologySpreadConstraint]
    /// Per constraint: matching pods per domain.
    private var counts: [[String: Int]]

    /// The counts for `pod` against `boundPods[i]`, the pods on `nodes[i]`; nil when the pod has
    /// no `DoNotSchedule` constraint.
    public init?(pod: PodSchedulingRequirements, nodes: [SchedulerNode], boundPods: [[PodSchedulingRequirements]]) {
        let constraints = pod.spreadConstraints.filter { $0.whenUnsatisfiable == .doNotSchedule }
        guard !constraints.isEmpty else { return nil }
        self.pod = pod
        self.constraints = constraints
        counts = Array(repeating: [:], count: constraints.count)
        for (index, node) in nodes.enumerated() where Self.hasEveryKey(node, constraints) {
            for (position, constraint) in constraints.enumerated() where Self.includes(node, for: constraint, pod: pod) {
                // The domain exists even with no matching pod.
                counts[position][node.labels[constraint.topologyKey]!, default: 0] += 0
            }
            for existing in index < boundPods.count ? boundPods[index] : [] { update(existing, on: node, by: 1) }
        }
    }

    /// Counts `existing` on `node` in (`delta` 1) or out (−1), as kube-scheduler's AddPod and
    /// RemovePod do while preemption tries evicting pods.
    mutating func update(_ existing: PodSchedulingRequirements, on node: SchedulerNode, by delta: Int) {
        guard Self.hasEveryKey(node, constraints) else { return }
        for (position, constraint) in constraints.enumerated() where Self.includes(node, for: constraint, pod: pod) {
            // kube-scheduler counts no existing pod for an empty (`{}`) selector, though the pod
            // itself matches it.
            guard constraint.labelSelector?.isEmpty == false,
                constraint.selects(namespace: existing.namespace, labels: existing.labels, podNamespace: pod.namespace)
            else { continue }
            counts[position][node.labels[constraint.topologyKey]!, default: 0] += delta
        }
    }

    /// Whether `existing` can change this filter's answer: it is in the pod's namespace and some
    /// constraint selects it.
    func concerns(_ existing: PodSchedulingRequirements) -> Bool {
        constraints.contains { $0.selects(namespace: existing.namespace, labels: existing.labels, podNamespace: pod.namespace) }
    }

    /// A node counts for any constraint only when it has every constraint's topology key.
    private static func hasEveryKey(_ node: SchedulerNode, _ constraints: [TopologySpreadConstraint]) -> Bool {
        constraints.allSatisfy { node.labels[$0.topologyKey] != nil }
    }

    /// Whether `node` is one of the constraint's domains' nodes by its inclusion policies.
    private static func includes(_ node: SchedulerNode, for constraint: TopologySpreadConstraint, pod: PodSchedulingRequirements) -> Bool {
        if constraint.nodeAffinityPolicy == .honor && !pod.matchesNode(labels: node.labels, nodeName: node.name) { return false }
        if constraint.nodeTaintsPolicy == .honor && pod.firstUntoleratedTaint(in: node.taints) != nil { return false }
        return true
    }

    /// Why `pod` may not go to `node`, or nil when it may: a node without a constraint's
    /// topology key is `UnschedulableAndUnresolvable`; a skew too large is not.
    public func failure(on node: SchedulerNode) -> NodeFailure? {
        for (position, constraint) in constraints.enumerated() {
            guard let value = node.labels[constraint.topologyKey] else {
                return NodeFailure(reasons: [Scheduler.Reason.spreadMissingLabel], unresolvable: true)
            }
            let domains = counts[position]
            let emptiest = domains.count < constraint.minDomains ? 0 : domains.values.min() ?? 0
            let selfMatch = constraint.selects(namespace: pod.namespace, labels: pod.labels, podNamespace: pod.namespace) ? 1 : 0
            if domains[value, default: 0] + selfMatch - emptiest > constraint.maxSkew {
                return NodeFailure(reasons: [Scheduler.Reason.spreadConstraints], unresolvable: false)
            }
        }
        return nil
    }
}
