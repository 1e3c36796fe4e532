/// What a trace's `config.trackedObjects` says about one kind of object.
public struct TrackedObjectConfig: Sendable, Hashable {
    /// Where the pod template sits inside the object (`podSpecTemplatePaths`, or the deprecated
    /// single `podSpecTemplatePath`).
    public var podSpecTemplatePaths: [JSONPointer]
    /// Whether the tracer recorded the lifecycles of this object's pods.
    public var trackLifecycle: Bool
    /// Whether objects owned by another tracked object were left out.
    public var skipOwned: Bool

    public init(podSpecTemplatePaths: [JSONPointer] = [], trackLifecycle: Bool = false, skipOwned: Bool = false) {
        self.podSpecTemplatePaths = podSpecTemplatePaths
        self.trackLifecycle = trackLifecycle
        self.skipOwned = skipOwned
    }
}
