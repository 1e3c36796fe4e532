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
    /// Per constraint: matching pods per domain, and the fewest in any domain.
    private var counts: [[String: Int]]
    private var minimums: [Int]

    /// The counts for `pod` against `boundPods[i]`, the pods on `nodes[i]`; nil when the pod has
    /// no `DoNotSchedule` constraint.
    public init?(pod: PodSchedulingRequirements, nodes: [SchedulerNode], boundPods: [[PodSchedulingRequirements]]) {
        let constraints = pod.spreadConstraints.filter { $0.whenUnsatisfiable == .doNotSchedule }
        guard !constraints.isEmpty else { return nil }
        self.pod = pod
        self.constraints = constraints
        counts = Array(repeating: [:], count: constraints.count)
        for (index, node) in nodes.enumerated() {
            guard constraints.allSatisfy({ node.labels[$0.topologyKey] != nil }) else { continue }
            let pods = index < boundPods.count ? boundPods[index] : []
            for (position, constraint) in constraints.enumerated() where Self.counts(node, for: constraint, pod: pod) {
                // kube-scheduler counts no existing pod for an empty (`{}`) selector, though the
                // pod itself matches it.
                let matching = constraint.labelSelector?.isEmpty != false ? 0 : pods.count {
                    constraint.selects(namespace: $0.namespace, labels: $0.labels, podNamespace: pod.namespace)
                }
                counts[position][node.labels[constraint.topologyKey]!, default: 0] += matching
            }
        }
        minimums = zip(constraints, counts).map { constraint, domains in
            domains.count < constraint.minDomains ? 0 : domains.values.min() ?? 0
        }
    }

    /// Whether `node` is one of the constraint's domains' nodes by its inclusion policies.
    private static func counts(_ node: SchedulerNode, for constraint: TopologySpreadConstraint, pod: PodSchedulingRequirements) -> Bool {
        if constraint.nodeAffinityPolicy == .honor && !pod.matchesNode(labels: node.labels, nodeName: node.name) { return false }
        if constraint.nodeTaintsPolicy == .honor && pod.firstUntoleratedTaint(in: node.taints) != nil { return false }
        return true
    }

    /// Why `pod` may not go to `node`, or nil when it may.
    public func reason(on node: SchedulerNode) -> String? {
        for (position, constraint) in constraints.enumerated() {
            guard let value = node.labels[constraint.topologyKey] else { return Scheduler.Reason.spreadMissingLabel }
            let selfMatch = constraint.selects(namespace: pod.namespace, labels: pod.labels, podNamespace: pod.namespace) ? 1 : 0
            let skew = counts[position][value, default: 0] + selfMatch - minimums[position]
            if skew > constraint.maxSkew { return Scheduler.Reason.spreadConstraints }
        }
        return nil
    }
}
