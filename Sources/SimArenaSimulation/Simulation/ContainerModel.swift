import SimArenaModel

/// One container as the simulator runs it: requests and limits after the API server's
/// defaulting, and the CPU and memory it actually uses over time.
public struct ContainerModel: Sendable, Hashable {
    public let name: String
    /// Requests; a missing request takes the limit when one is set (API server defaulting).
    public let requests: ResourceAmounts
    public let cpuLimit: Int64?
    public let memoryLimit: Int64?
    /// The cpu and memory requests (defaulted from the limits) and limits as exact quantities in
    /// the notation the spec used, for printing as Kubernetes does (`1G` stays `1G`).
    public let requestQuantities: ResourceList
    public let limitQuantities: ResourceList
    /// What the container uses from each (re)start: the `simarena.io/usage` annotation's
    /// series, else its request, constant. Millicores and bytes.
    public let cpuUsage: UsageSeries
    public let memoryUsage: UsageSeries
    /// The memory sample at which the container is OOM-killed: the first above its limit (nil
    /// when none is, or there is no limit).
    public let oomSample: Int?

    /// Builds the model from a container spec and its declared usage (if any).
    public init(_ spec: ContainerSpec, usage declared: UsageAnnotation.Usage?) {
        name = spec.name
        let names = [ResourceNames.cpu, ResourceNames.memory]
        requestQuantities = ResourceList(names.compactMap { name in (spec.requests[name] ?? spec.limits[name]).map { (name, $0) } })
        limitQuantities = ResourceList(names.compactMap { name in spec.limits[name].map { (name, $0) } })
        cpuLimit = limitQuantities[ResourceNames.cpu]?.milliValue
        memoryLimit = limitQuantities[ResourceNames.memory]?.value
        requests = ResourceAmounts(
            cpuMillis: requestQuantities[ResourceNames.cpu]?.milliValue ?? 0,
            memoryBytes: requestQuantities[ResourceNames.memory]?.value ?? 0)
        let memory = declared?.memory ?? UsageSeries(constant: requests.memoryBytes)
        cpuUsage = declared?.cpu ?? UsageSeries(constant: requests.cpuMillis)
        memoryUsage = memory
        oomSample = memoryLimit.flatMap(memory.firstIndex(above:))
    }

    /// What the simulator's steady rules go by: the CPU series' mean (CPU is compressible, and a
    /// readiness probe fails on sustained throttling, not on a burst) and the memory series'
    /// peak (node memory is booked conservatively). For a constant usage, the constant.
    public var usage: ResourceAmounts {
        ResourceAmounts(cpuMillis: cpuUsage.mean, memoryBytes: memoryUsage.peak)
    }

    /// Mean CPU usage over the CPU limit (1 when unlimited or within the limit).
    public var throttleRatio: Double {
        guard let cpuLimit, cpuLimit > 0, usage.cpuMillis > cpuLimit else { return 1 }
        return Double(usage.cpuMillis) / Double(cpuLimit)
    }

    /// The first `count` samples of a run, one per 15 s tick from its start, capped at the
    /// limits as metrics-server would report them.
    public func samples(count: Int) -> UsageSamples {
        UsageSamples(cpuMillis: (0..<count).map { min(cpuUsage[$0], cpuLimit ?? .max) },
                     memoryBytes: (0..<count).map { min(memoryUsage[$0], memoryLimit ?? .max) })
    }
}
