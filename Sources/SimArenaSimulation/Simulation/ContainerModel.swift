import SimArenaModel

/// One container as the simulator runs it: requests and limits after the API server's
/// defaulting, and the CPU and memory it actually uses.
public struct ContainerModel: Sendable, Hashable {
    public var name: String
    /// Requests; a missing request takes the limit when one is set (API server defaulting).
    public var requests: ResourceAmounts
    public var cpuLimit: Int64?
    public var memoryLimit: Int64?
    /// What the container uses once started (from the `simarena.io/usage` annotation, else its
    /// requests).
    public var usage: ResourceAmounts

    public init(name: String, requests: ResourceAmounts, cpuLimit: Int64?, memoryLimit: Int64?, usage: ResourceAmounts) {
        self.name = name
        self.requests = requests
        self.cpuLimit = cpuLimit
        self.memoryLimit = memoryLimit
        self.usage = usage
    }

    /// Builds the model from a container spec and its declared usage (if any).
    public init(_ spec: ContainerSpec, usage declared: UsageAnnotation.Usage?) {
        name = spec.name
        cpuLimit = spec.limits["cpu"]?.milliValue
        memoryLimit = spec.limits["memory"]?.value
        requests = ResourceAmounts(
            cpuMillis: spec.requests["cpu"]?.milliValue ?? cpuLimit ?? 0,
            memoryBytes: spec.requests["memory"]?.value ?? memoryLimit ?? 0)
        usage = ResourceAmounts(
            cpuMillis: declared?.cpuMillis ?? requests.cpuMillis,
            memoryBytes: declared?.memoryBytes ?? requests.memoryBytes)
    }

    /// Whether the container's memory use goes over its limit (it will be OOM-killed).
    public var exceedsMemoryLimit: Bool {
        guard let memoryLimit else { return false }
        return usage.memoryBytes > memoryLimit
    }

    /// CPU usage over the CPU limit (1 when unlimited or within the limit).
    public var throttleRatio: Double {
        guard let cpuLimit, cpuLimit > 0, usage.cpuMillis > cpuLimit else { return 1 }
        return Double(usage.cpuMillis) / Double(cpuLimit)
    }
}
