import SimArenaModel

/// kube-scheduler's DefaultPreemption (its PostFilter): when a pod fits nowhere, find a node where
/// evicting pods of lower priority lets it fit, and the fewest, least important such pods.
///
/// As upstream:
/// - a pod with `preemptionPolicy: Never` preempts nothing;
/// - only nodes whose filter failure is `Unschedulable` are tried (not taints, node affinity, a
///   missing topology label, the pod's own affinity, or a request above the node's allocatable);
/// - on each, every pod of strictly lower priority is taken off; if the pod then fits, they are
///   given back one at a time, most important first (higher priority, then earlier start), and
///   those whose return would keep the pod out are the victims;
/// - at most `max(10% of the nodes tried, 100)` candidates are gathered;
/// - the chosen node has the lowest highest-victim priority, then the smallest sum of victim
///   priorities (each shifted by 2³¹), then the fewest victims, then the latest earliest start
///   among its highest-priority victims.
///
/// Simplified, deterministically: nodes are tried from the first (upstream starts at a random
/// offset, in parallel), and the last tie goes to the lowest node index (upstream: map order).
/// PodDisruptionBudgets, extenders and pods nominated to a node are not modelled.
public enum DefaultPreemption {
    /// A pod bound to a node, as preemption sees it.
    public struct BoundPod: Sendable, Equatable {
        public var requirements: PodSchedulingRequirements
        /// When it started (was bound), for the order of importance among equal priorities.
        public var startedAt: Int64

        public init(requirements: PodSchedulingRequirements, startedAt: Int64) {
            self.requirements = requirements
            self.startedAt = startedAt
        }

        var priority: Int32 { requirements.priority }
    }

    /// What preemption decided.
    public enum Outcome: Sendable, Equatable {
        /// Evict `victims` (indices into the node's bound pods, most important first) from
        /// `nodes[nodeIndex]`, where the pod then fits.
        case preempt(nodeIndex: Int, victims: [Int])
        /// Nothing to evict; `message` is the PostFilter's, `preemption: …`, which kube-scheduler
        /// appends to the FailedScheduling message.
        case failed(message: String)
    }

    /// Reasons of nodes where preemption found nothing to do.
    public static let noVictimsReason = "No preemption victims found for incoming pod"
    public static let notHelpfulReason = "Preemption is not helpful for scheduling"
    public static let neverMessage = "preemption: not eligible due to preemptionPolicy=Never."

    /// `minCandidateNodesPercentage` and `minCandidateNodesAbsolute`, at their defaults.
    public static let minCandidateNodesPercentage = 10
    public static let minCandidateNodesAbsolute = 100

    /// Preemption for `pod`, which the filters kept off every node with `failures` (by node
    /// index); `boundPods[i]` are the pods on `nodes[i]`.
    public static func preempt(
        _ pod: PodSchedulingRequirements, on nodes: [SchedulerNode], boundPods: [[BoundPod]], failures: [NodeFailure]
    ) -> Outcome {
        guard pod.preemptionPolicy != .never else { return .failed(message: neverMessage) }
        let potential = failures.indices.filter { !failures[$0].unresolvable }
        let wanted = min(potential.count, max(potential.count * minCandidateNodesPercentage / 100, minCandidateNodesAbsolute))
        // The filters that look at other pods, counted once; each node's dry run updates a copy as
        // it takes pods off and gives them back (kube-scheduler's RemovePod and AddPod).
        let interPod = InterPodFilters(pod: pod, nodes: nodes, boundPods: boundPods.map { $0.map(\.requirements) })
        var candidates: [(node: Int, victims: [Int])] = []
        var reasons = Array(repeating: [notHelpfulReason], count: nodes.count)
        for node in potential {
            if candidates.count >= wanted { break }
            switch selectVictims(pod, on: node, nodes: nodes, boundPods: boundPods, interPod: interPod) {
            case .victims(let victims): candidates.append((node, victims))
            case .failure(let failure): reasons[node] = failure.reasons
            }
        }
        guard let best = candidates.min(by: { isBetter($0, than: $1, boundPods: boundPods) }) else {
            let message = Scheduler.fitErrorMessage(reasons.map { NodeFailure(reasons: $0, unresolvable: true) })
            return .failed(message: "preemption: " + message)
        }
        return .preempt(nodeIndex: best.node, victims: best.victims)
    }

    /// The message of ``preempt(_:on:boundPods:failures:)``'s failure when no bound pod has a
    /// lower priority than the pod, found without looking at any: the nodes preemption could help
    /// have no victims, the others are not helped.
    public static func nothingToEvictMessage(_ pod: PodSchedulingRequirements, failures: [NodeFailure]) -> String {
        guard pod.preemptionPolicy != .never else { return neverMessage }
        let helped = failures.count { !$0.unresolvable }
        var counts: [(reason: String, count: Int)] = []
        if helped > 0 { counts.append((noVictimsReason, helped)) }
        if helped < failures.count { counts.append((notHelpfulReason, failures.count - helped)) }
        return "preemption: " + Scheduler.unschedulableMessage(nodeCount: failures.count, reasonCounts: counts)
    }

    /// One node's dry run.
    enum DryRun: Equatable {
        case victims([Int])
        case failure(NodeFailure)
    }

    /// SelectVictimsOnNode: the fewest, least important lower-priority pods whose eviction lets
    /// `pod` fit on `nodes[index]`, most important first; or why none does. `interPod` holds the
    /// cluster's counts with every bound pod in place.
    static func selectVictims(
        _ pod: PodSchedulingRequirements, on index: Int, nodes: [SchedulerNode], boundPods: [[BoundPod]], interPod: InterPodFilters
    ) -> DryRun {
        let onNode = boundPods[index]
        let lower = onNode.indices.filter { onNode[$0].priority < pod.priority }
        guard !lower.isEmpty else { return .failure(NodeFailure(reasons: [noVictimsReason], unresolvable: true)) }
        var node = nodes[index]
        var filters = interPod
        func move(_ victim: Int, by delta: Int) {
            let requirements = onNode[victim].requirements
            if delta > 0 { node.bind(requirements) } else { node.unbind(requirements) }
            if filters.concerns(requirements) { filters.update(requirements, on: nodes[index], by: delta) }
        }
        for victim in lower { move(victim, by: -1) }
        if let failure = Scheduler.failure(pod, on: node, interPod: filters) { return .failure(failure) }
        let byImportance = lower.sorted { left, right in
            let (l, r) = (onNode[left], onNode[right])
            if l.priority != r.priority { return l.priority > r.priority }
            return (l.startedAt, left) < (r.startedAt, right)
        }
        var victims: [Int] = []
        for candidate in byImportance {
            move(candidate, by: 1)
            if Scheduler.failure(pod, on: node, interPod: filters) != nil {
                move(candidate, by: -1)
                victims.append(candidate)
            }
        }
        // Never empty when the node failed with all its pods; kept safe all the same.
        return victims.isEmpty ? .failure(NodeFailure(reasons: [noVictimsReason], unresolvable: true)) : .victims(victims)
    }

    /// pickOneNodeForPreemption's order: whether `left` is a better node to preempt on.
    private static func isBetter(_ left: (node: Int, victims: [Int]), than right: (node: Int, victims: [Int]),
                                 boundPods: [[BoundPod]]) -> Bool {
        func key(_ candidate: (node: Int, victims: [Int])) -> (Int32, Int64, Int, Int64, Int) {
            let victims = candidate.victims.map { boundPods[candidate.node][$0] }
            let highest = victims[0].priority
            let shiftedSum = victims.reduce(Int64(0)) { $0 + Int64($1.priority) + Int64(Int32.max) + 1 }
            let earliestOfHighest = victims.filter { $0.priority == highest }.map(\.startedAt).min()!
            // Smaller is better in every place: the latest start wins, so it is negated.
            return (highest, shiftedSum, victims.count, -earliestOfHighest, candidate.node)
        }
        return key(left) < key(right)
    }
}
