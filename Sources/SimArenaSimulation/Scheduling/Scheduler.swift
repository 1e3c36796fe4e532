import SimArenaModel

/// The filter pass's verdict on one node where a pod may not go: the failing filter's reasons,
/// and whether preemption could change it (kube-scheduler's `Unschedulable`) or not
/// (`UnschedulableAndUnresolvable`).
public struct NodeFailure: Sendable, Hashable {
    public var reasons: [String]
    public var unresolvable: Bool

    public init(reasons: [String], unresolvable: Bool) {
        self.reasons = reasons
        self.unresolvable = unresolvable
    }
}

/// What the filters say about a pod on every node.
public enum FilterOutcome: Sendable, Equatable {
    /// The feasible node with the best score.
    case feasible(best: Int)
    /// No node is feasible; each node's failure, by node index.
    case infeasible(failures: [NodeFailure])
}

/// The outcome of scheduling one pod.
public enum SchedulingDecision: Sendable, Equatable {
    /// The pod goes to `nodes[nodeIndex]`.
    case scheduled(nodeIndex: Int)
    /// No node fits; `message` is kube-scheduler's FailedScheduling text (without the
    /// `preemption: …` part that the PostFilter step appends).
    case unschedulable(message: String)
}

/// kube-scheduler's placement decision for one pod, with the default profile's filters for
/// scheduling by resources (cpu, memory, pods, ephemeral-storage and the scalar resources:
/// extended resources, hugepages, ...), node selection and taints, and NodeResourcesFit's
/// LeastAllocated score (on cpu and memory). NodeResourcesFit's ignoredResources and
/// ignoredResourceGroups settings are not modelled: every extended resource is checked.
///
/// Filters run per node in the default profile's order (TaintToleration, NodeAffinity,
/// NodeResourcesFit, PodTopologySpread's DoNotSchedule constraints, InterPodAffinity's required
/// terms), and a node that fails one is not checked by the later ones. Out of scope:
/// NodeUnschedulable, NodeName, NodePorts, volumes, spread by ScheduleAnyway and the cluster's
/// default constraints (scoring), preferred pod (anti-)affinity, the other score plugins (BalancedAllocation,
/// TaintToleration's and NodeAffinity's preferences, ImageLocality), the PreFilter node-name
/// shortcut and searching only a share of large clusters. When no node fits, ``DefaultPreemption``
/// (the PostFilter) may make room.
///
/// The feasible node with the highest score wins. kube-scheduler breaks ties at random; this
/// picks the lowest node index, so runs are reproducible.
public enum Scheduler {
    /// Filter failure reasons, in kube-scheduler's wording.
    public enum Reason {
        public static let nodeAffinity = "node(s) didn't match Pod's node affinity/selector"
        public static let tooManyPods = "Too many pods"
        public static let insufficientCPU = "Insufficient cpu"
        public static let insufficientMemory = "Insufficient memory"

        /// InterPodAffinity's reasons.
        public static let podAffinity = "node(s) didn't match pod affinity rules"
        public static let podAntiAffinity = "node(s) didn't match pod anti-affinity rules"
        public static let existingPodsAntiAffinity = "node(s) didn't satisfy existing pods anti-affinity rules"

        /// PodTopologySpread's reasons.
        public static let spreadConstraints = "node(s) didn't match pod topology spread constraints"
        public static let spreadMissingLabel = "node(s) didn't match pod topology spread constraints (missing required label)"

        /// `Insufficient <resource>`, for ephemeral-storage and the scalar resources.
        public static func insufficient(_ resource: String) -> String { "Insufficient \(resource)" }

        /// `node(s) had untolerated taint {key: value}`; an empty value leaves `{key: }`, exactly
        /// as kube-scheduler prints it.
        public static func untoleratedTaint(_ taint: Taint) -> String {
            "node(s) had untolerated taint {\(taint.key): \(taint.value)}"
        }
    }

    /// kube-scheduler's message when the cluster has no nodes at all.
    public static let noNodesAvailableMessage = "no nodes available to schedule pods"

    /// The highest score a node can get.
    public static let maxNodeScore: Int64 = 100

    /// Picks a node for `pod`, or explains why none fits. `boundPods[i]` are the pods bound to
    /// `nodes[i]`, for PodTopologySpread and InterPodAffinity (empty: no pods are bound anywhere).
    public static func schedule(
        _ pod: PodSchedulingRequirements, on nodes: [SchedulerNode], boundPods: [[PodSchedulingRequirements]] = []
    ) -> SchedulingDecision {
        guard !nodes.isEmpty else { return .unschedulable(message: noNodesAvailableMessage) }
        switch filter(pod, on: nodes, boundPods: boundPods) {
        case .feasible(let best): return .scheduled(nodeIndex: best)
        case .infeasible(let failures): return .unschedulable(message: fitErrorMessage(failures))
        }
    }

    /// The filter and score pass: the best feasible node, or, when there is none, every node's
    /// failure (the input of preemption). `nodes` must not be empty.
    public static func filter(
        _ pod: PodSchedulingRequirements, on nodes: [SchedulerNode], boundPods: [[PodSchedulingRequirements]]
    ) -> FilterOutcome {
        let interPod = InterPodFilters(pod: pod, nodes: nodes, boundPods: boundPods)
        var best = -1
        var bestScore: Int64 = -1
        for index in nodes.indices where fits(pod, on: nodes[index]) && interPod.failure(on: nodes[index]) == nil {
            let score = leastAllocatedScore(pod, on: nodes[index])
            if score > bestScore { (best, bestScore) = (index, score) }
        }
        if best >= 0 { return .feasible(best: best) }
        // No node fits: only now collect the reasons. (Every node has one; the fallback keeps
        // the failures aligned with the nodes all the same.)
        return .infeasible(failures: nodes.map { failure(pod, on: $0, interPod: interPod) ?? NodeFailure(reasons: [], unresolvable: true) })
    }

    /// Why `pod` cannot go to `node`, with every filter in order, or nil when it may.
    static func failure(_ pod: PodSchedulingRequirements, on node: SchedulerNode, interPod: InterPodFilters) -> NodeFailure? {
        // PodTopologySpread and InterPodAffinity run after the others, on the nodes they let through.
        nodeFailure(pod, on: node) ?? interPod.failure(on: node)
    }

    /// kube-scheduler's FitError text for failures on every node: `0/N nodes are available: …`.
    public static func fitErrorMessage(_ failures: [NodeFailure]) -> String {
        // Few distinct reasons, mostly the same string instances: a list beats hashing them.
        var reasonCounts: [(reason: String, count: Int)] = []
        for failure in failures {
            for reason in failure.reasons {
                if let index = reasonCounts.firstIndex(where: { $0.reason == reason }) {
                    reasonCounts[index].count += 1
                } else {
                    reasonCounts.append((reason, 1))
                }
            }
        }
        return unschedulableMessage(nodeCount: failures.count, reasonCounts: reasonCounts)
    }

    /// Whether NodeResourcesFit's failure cannot be cured by evicting pods: the pod requests more of
    /// some resource it is short of than the node has in all (kube-scheduler 1.34's rule; "Too
    /// many pods" is never so).
    private static func exceedsAllocatable(_ pod: PodSchedulingRequirements, _ node: SchedulerNode) -> Bool {
        if pod.requests.cpuMillis > 0 && pod.requests.cpuMillis > node.allocatable.cpuMillis { return true }
        if pod.requests.memoryBytes > 0 && pod.requests.memoryBytes > node.allocatable.memoryBytes { return true }
        return pod.namedRequests.entries.contains { $0.amount > 0 && $0.amount > node.allocatableNamed[$0.name] }
    }

    /// Whether every filter passes (`filterReasons` is empty), without building the reasons.
    @inline(__always)
    public static func fits(_ pod: PodSchedulingRequirements, on node: SchedulerNode) -> Bool {
        fitsResources(pod, on: node) && passesNodeFilters(pod, on: node)
    }

    /// TaintToleration and NodeAffinity: they depend only on the node's name, labels and taints,
    /// which never change during a simulation.
    @inline(__always)
    public static func passesNodeFilters(_ pod: PodSchedulingRequirements, on node: SchedulerNode) -> Bool {
        if !node.taints.isEmpty && pod.firstUntoleratedTaint(in: node.taints) != nil { return false }
        return pod.nodeSelector.isEmpty && pod.requiredNodeAffinity == nil
            || pod.matchesNode(labels: node.labels, nodeName: node.name)
    }

    /// NodeResourcesFit.
    @inline(__always)
    public static func fitsResources(_ pod: PodSchedulingRequirements, on node: SchedulerNode) -> Bool {
        if node.podCount >= node.allocatablePods { return false }
        let free = node.allocatable - node.requested
        if pod.requests.cpuMillis > 0 && pod.requests.cpuMillis > free.cpuMillis { return false }
        if pod.requests.memoryBytes > 0 && pod.requests.memoryBytes > free.memoryBytes { return false }
        return pod.namedRequests.isEmpty || !pod.namedRequests.entries.contains { isShort($0, on: node) }
    }

    /// The named resources (ephemeral-storage, extended resources, hugepages, ...) that `pod`
    /// requests more of than `node` has free, in name order; a zero request is never short, and a
    /// node without the resource has none of it.
    static func shortNamedResources(_ pod: PodSchedulingRequirements, on node: SchedulerNode) -> [String] {
        pod.namedRequests.entries.filter { isShort($0, on: node) }.map(\.name)
    }

    private static func isShort(_ request: NamedResourceAmounts.Entry, on node: SchedulerNode) -> Bool {
        request.amount > 0
            && request.amount > ResourceAmounts.saturatingSubtract(node.allocatableNamed[request.name], node.requestedNamed[request.name])
    }

    /// Why `pod` cannot go to `node` by the filters that look at the node alone: empty when they
    /// pass, otherwise the reasons of the first failing filter (NodeResourcesFit may give several).
    public static func filterReasons(_ pod: PodSchedulingRequirements, on node: SchedulerNode) -> [String] {
        nodeFailure(pod, on: node)?.reasons ?? []
    }

    /// TaintToleration, NodeAffinity and NodeResourcesFit with kube-scheduler's codes: taints
    /// and node affinity do not change when pods leave (`UnschedulableAndUnresolvable`), nor does
    /// a request above the node's allocatable.
    static func nodeFailure(_ pod: PodSchedulingRequirements, on node: SchedulerNode) -> NodeFailure? {
        // TaintToleration
        if let taint = pod.firstUntoleratedTaint(in: node.taints) {
            return NodeFailure(reasons: [Reason.untoleratedTaint(taint)], unresolvable: true)
        }
        // NodeAffinity (nodeSelector and required node affinity)
        if !pod.matchesNode(labels: node.labels, nodeName: node.name) {
            return NodeFailure(reasons: [Reason.nodeAffinity], unresolvable: true)
        }
        // NodeResourcesFit
        var reasons: [String] = []
        if node.podCount >= node.allocatablePods {
            reasons.append(Reason.tooManyPods)
        }
        let free = node.allocatable - node.requested
        if pod.requests.cpuMillis > 0 && pod.requests.cpuMillis > free.cpuMillis {
            reasons.append(Reason.insufficientCPU)
        }
        if pod.requests.memoryBytes > 0 && pod.requests.memoryBytes > free.memoryBytes {
            reasons.append(Reason.insufficientMemory)
        }
        for name in shortNamedResources(pod, on: node) {
            reasons.append(Reason.insufficient(name))
        }
        return reasons.isEmpty ? nil : NodeFailure(reasons: reasons, unresolvable: exceedsAllocatable(pod, node))
    }

    /// NodeResourcesFit's LeastAllocated score (0…100) of `node` for `pod`: for cpu and memory,
    /// `(allocatable − requested) × 100 / allocatable` with the non-zero requests of the node's
    /// pods plus this pod (0 when nothing is allocatable or the node would be over-committed),
    /// then the integer mean of the two.
    public static func leastAllocatedScore(_ pod: PodSchedulingRequirements, on node: SchedulerNode) -> Int64 {
        let after = node.nonZeroRequested + pod.nonZeroRequests
        let cpu = leastRequestedScore(requested: after.cpuMillis, allocatable: node.allocatable.cpuMillis)
        let memory = leastRequestedScore(requested: after.memoryBytes, allocatable: node.allocatable.memoryBytes)
        return (cpu + memory) / 2
    }

    static func leastRequestedScore(requested: Int64, allocatable: Int64) -> Int64 {
        guard allocatable > 0, requested <= allocatable else { return 0 }
        // Int64 when the product fits (always, for real clusters); Int128 keeps it exact otherwise.
        let (free, borrow) = allocatable.subtractingReportingOverflow(requested)
        let (product, overflow) = free.multipliedReportingOverflow(by: maxNodeScore)
        if !borrow && !overflow { return product / allocatable }
        return Int64((Int128(allocatable) - Int128(requested)) * Int128(maxNodeScore) / Int128(allocatable))
    }

    /// `0/N nodes are available: ` followed by `"<count> <reason>"` items sorted as strings
    /// (byte order, so `10 …` sorts before `2 …`, as kube-scheduler does), joined by `, `, and a
    /// final `.`; `reasonCounts` names each reason once.
    public static func unschedulableMessage(nodeCount: Int, reasonCounts: [(reason: String, count: Int)]) -> String {
        let items = reasonCounts.map { "\($0.count) \($0.reason)" }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if items.isEmpty { return "0/\(nodeCount) nodes are available." }
        return "0/\(nodeCount) nodes are available: \(items.joined(separator: ", "))."
    }
}
