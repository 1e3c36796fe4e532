import SimArenaModel

/// A node as the scheduler sees it: labels, taints, allocatable capacity and what the pods bound
/// to it request.
///
/// The simulator keeps `requested`, `podCount` and `nonZeroRequested` current with ``bind(_:)``
/// and ``unbind(_:)`` as pods are placed and leave.
public struct SchedulerNode: Sendable, Hashable {
    public var name: String
    public var labels: [String: String]
    public var taints: [Taint]
    /// `status.allocatable` cpu and memory.
    public var allocatable: ResourceAmounts
    /// `status.allocatable.pods`.
    public var allocatablePods: Int
    /// `status.allocatable`'s ephemeral-storage and scalar resources.
    public var allocatableNamed: NamedResourceAmounts
    /// The bound pods' effective requests of those.
    public var requestedNamed: NamedResourceAmounts
    /// The sum of the bound pods' effective requests (for the NodeResourcesFit filter).
    public var requested: ResourceAmounts
    /// How many pods are bound.
    public var podCount: Int
    /// The sum of the bound pods' non-zero requests (for LeastAllocated scoring).
    public var nonZeroRequested: ResourceAmounts

    public init(
        name: String, labels: [String: String] = [:], taints: [Taint] = [], allocatable: ResourceAmounts,
        allocatablePods: Int = 110, allocatableNamed: NamedResourceAmounts = NamedResourceAmounts(),
        requested: ResourceAmounts = .zero, requestedNamed: NamedResourceAmounts = NamedResourceAmounts(), podCount: Int = 0,
        nonZeroRequested: ResourceAmounts = .zero
    ) {
        self.name = name
        self.labels = labels
        self.taints = taints
        self.allocatable = allocatable
        self.allocatablePods = allocatablePods
        self.allocatableNamed = allocatableNamed
        self.requested = requested
        self.requestedNamed = requestedNamed
        self.podCount = podCount
        self.nonZeroRequested = nonZeroRequested
    }

    /// Accounts for `pod` now running on this node.
    public mutating func bind(_ pod: PodSchedulingRequirements) {
        requested += pod.requests
        requestedNamed += pod.namedRequests
        nonZeroRequested += pod.nonZeroRequests
        podCount = podCount == .max ? podCount : podCount + 1
    }

    /// Accounts for `pod` leaving this node (the pod count never goes below zero).
    public mutating func unbind(_ pod: PodSchedulingRequirements) {
        requested -= pod.requests
        requestedNamed -= pod.namedRequests
        nonZeroRequested -= pod.nonZeroRequests
        podCount = max(0, podCount - 1)
    }
}
