import SimArenaModel

/// kube-scheduler's InterPodAffinity filter, for required terms: where a pod may go given the
/// pods already bound, by its own `podAffinity` and `podAntiAffinity` and by the anti-affinity of
/// the pods already there. (Preferred terms only score, and scoring is not modelled.)
///
/// As kube-scheduler's PreFilter does, the pods are counted once per scheduling attempt into
/// topology pairs (a node label key and value: one node for `kubernetes.io/hostname`, a zone for
/// `topology.kubernetes.io/zone`); each node is then checked against the counts:
/// - the pod's affinity: the node must have every term's topology key, and pods matching all
///   the terms must be in the node's domain of each; the first pod of a group that selects itself
///   may go anywhere while no pod in the cluster matches;
/// - the pod's anti-affinity: no pod matching a term in the node's domain of that term;
/// - the bound pods' anti-affinity: no bound pod whose term matches this pod in a domain the node
///   is in.
public struct InterPodAffinity: Sendable {
    struct TopologyPair: Hashable, Sendable {
        var key: String
        var value: String
    }

    private let pod: PodSchedulingRequirements
    private var affinityCounts: [TopologyPair: Int] = [:]
    private var antiAffinityCounts: [TopologyPair: Int] = [:]
    private var existingAntiAffinityCounts: [TopologyPair: Int] = [:]

    /// The counts for `pod` against `boundPods[i]`, the pods on `nodes[i]`; nil when there is
    /// nothing to check (the pod has no terms and no bound pod has anti-affinity).
    public init?(pod: PodSchedulingRequirements, nodes: [SchedulerNode], boundPods: [[PodSchedulingRequirements]]) {
        guard pod.hasPodAffinity || boundPods.contains(where: { $0.contains { !$0.antiAffinityTerms.isEmpty } }) else {
            return nil
        }
        self.pod = pod
        for (node, pods) in zip(nodes, boundPods) {
            for existing in pods { update(existing, on: node, by: 1) }
        }
    }

    /// Counts `existing` on `node` in (`delta` 1) or out (−1), as kube-scheduler's AddPod and
    /// RemovePod do while preemption tries evicting pods.
    mutating func update(_ existing: PodSchedulingRequirements, on node: SchedulerNode, by delta: Int) {
        if !pod.affinityTerms.isEmpty,
            pod.affinityTerms.allSatisfy({ $0.matches(namespace: existing.namespace, labels: existing.labels, ownerNamespace: pod.namespace) })
        {
            for term in pod.affinityTerms { Self.count(&affinityCounts, node: node, key: term.topologyKey, delta) }
        }
        for term in pod.antiAffinityTerms
        where term.matches(namespace: existing.namespace, labels: existing.labels, ownerNamespace: pod.namespace) {
            Self.count(&antiAffinityCounts, node: node, key: term.topologyKey, delta)
        }
        for term in existing.antiAffinityTerms
        where term.matches(namespace: pod.namespace, labels: pod.labels, ownerNamespace: existing.namespace) {
            Self.count(&existingAntiAffinityCounts, node: node, key: term.topologyKey, delta)
        }
    }

    /// Whether `existing`, bound anywhere, can change this filter's answer (its anti-affinity
    /// selects the pod, or the pod's own terms could select it).
    func concerns(_ existing: PodSchedulingRequirements) -> Bool {
        pod.hasPodAffinity
            || existing.antiAffinityTerms.contains { $0.matches(namespace: pod.namespace, labels: pod.labels, ownerNamespace: existing.namespace) }
    }

    private static func count(_ counts: inout [TopologyPair: Int], node: SchedulerNode, key: String, _ delta: Int) {
        guard let value = node.labels[key] else { return }
        let pair = TopologyPair(key: key, value: value)
        let total = counts[pair, default: 0] + delta
        counts[pair] = total == 0 ? nil : total
    }

    /// Why `pod` may not go to `node`, or nil when it may: the first failing check. The pod's
    /// own affinity is `UnschedulableAndUnresolvable` (evicting pods cannot create the pods it
    /// wants); anti-affinity either way is not.
    public func failure(on node: SchedulerNode) -> NodeFailure? {
        if !satisfiesAffinity(node) { return NodeFailure(reasons: [Scheduler.Reason.podAffinity], unresolvable: true) }
        if !satisfiesAntiAffinity(node) { return NodeFailure(reasons: [Scheduler.Reason.podAntiAffinity], unresolvable: false) }
        if !satisfiesExistingAntiAffinity(node) {
            return NodeFailure(reasons: [Scheduler.Reason.existingPodsAntiAffinity], unresolvable: false)
        }
        return nil
    }

    private func satisfiesAffinity(_ node: SchedulerNode) -> Bool {
        var podsExist = true
        for term in pod.affinityTerms {
            guard let value = node.labels[term.topologyKey] else { return false }
            if affinityCounts[TopologyPair(key: term.topologyKey, value: value), default: 0] <= 0 { podsExist = false }
        }
        guard !podsExist else { return true }
        // The first of a group of pods with affinity to each other: none matches anywhere yet.
        return affinityCounts.isEmpty
            && pod.affinityTerms.allSatisfy { $0.matches(namespace: pod.namespace, labels: pod.labels, ownerNamespace: pod.namespace) }
    }

    private func satisfiesAntiAffinity(_ node: SchedulerNode) -> Bool {
        guard !antiAffinityCounts.isEmpty else { return true }
        return !pod.antiAffinityTerms.contains { term in
            guard let value = node.labels[term.topologyKey] else { return false }
            return antiAffinityCounts[TopologyPair(key: term.topologyKey, value: value), default: 0] > 0
        }
    }

    private func satisfiesExistingAntiAffinity(_ node: SchedulerNode) -> Bool {
        guard !existingAntiAffinityCounts.isEmpty else { return true }
        return !node.labels.contains { existingAntiAffinityCounts[TopologyPair(key: $0.key, value: $0.value), default: 0] > 0 }
    }
}
