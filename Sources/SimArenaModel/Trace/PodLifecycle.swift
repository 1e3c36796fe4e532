/// One recorded state of a pod in `pod_lifecycles`.
public enum PodLifecycleState: Sendable, Hashable {
    /// `"Empty"`: nothing was recorded.
    case empty
    /// `{"Running": start}`: still running when the trace ended.
    case running(start: Int64)
    /// `{"Finished": [start, end]}`: ran from `start` to `end` (Unix seconds).
    case finished(start: Int64, end: Int64)
}

/// The lifecycles of the pods of one owner object with one pod-spec hash, in the order they
/// were recorded.
public struct PodLifecycleRecord: Sendable, Hashable {
    /// The owner's kind, e.g. `batch/v1.CronJob`.
    public var ownerGVK: GroupVersionKind
    /// The owner's `namespace/name`.
    public var ownerKey: String
    /// The hash of the pod spec these lifecycles belong to.
    public var podSpecHash: UInt64
    public var states: [PodLifecycleState]

    public init(ownerGVK: GroupVersionKind, ownerKey: String, podSpecHash: UInt64, states: [PodLifecycleState]) {
        self.ownerGVK = ownerGVK
        self.ownerKey = ownerKey
        self.podSpecHash = podSpecHash
        self.states = states
    }
}
