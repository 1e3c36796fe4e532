import SimArenaModel

/// How long the simulated kubelet takes over a pod, KWOK-style: each delay is drawn uniformly
/// (seeded) between its base and its jitter bound, as KWOK's `delay`/`jitterDelay` stages do.
/// All times are milliseconds of simulated time.
public struct LifecycleTiming: Sendable, Hashable {
    /// From binding to the container running (image pull and start).
    public var createDelay: Int64 = 1000
    public var createJitter: Int64 = 2000
    /// From the container running to the pod Ready (readiness probe passing), before throttling.
    public var readyDelay: Int64 = 2000
    public var readyJitter: Int64 = 3000
    /// From a container starting, or a sample of its usage series coming in force, to its memory
    /// reaching that usage (when an OOM kill or an eviction can happen).
    public var memoryRamp: Int64 = 3000
    /// A container whose CPU usage exceeds this multiple of its CPU limit fails its readiness
    /// probe; below it, startup only slows in proportion (usage / limit).
    public var unreadyThrottleRatio: Double = 2.0
    /// The kubelet's container restart back-off: starts at 10 s, doubles, capped at 300 s.
    public var backOffInitial: Int64 = 10_000
    public var backOffMax: Int64 = 300_000

    public init() {}

    /// Reads the `lifecycle` block of a cluster spec; absent fields keep their defaults.
    /// Durations are seconds (numbers).
    public init(_ value: KValue, at path: String) throws {
        let map = try value.requireMap(at: path)
        func milliseconds(_ key: String, default fallback: Int64) throws -> Int64 {
            guard let field = map[key] else { return fallback }
            guard let seconds = field.doubleValue, seconds >= 0, seconds <= 86_400 else {
                throw SimArenaError(.data, "\(path).\(key): expected a number of seconds between 0 and 86400")
            }
            return Int64((seconds * 1000).rounded())
        }
        let defaults = LifecycleTiming()
        createDelay = try milliseconds("createDelaySeconds", default: defaults.createDelay)
        createJitter = max(createDelay, try milliseconds("createJitterSeconds", default: defaults.createJitter))
        readyDelay = try milliseconds("readyDelaySeconds", default: defaults.readyDelay)
        readyJitter = max(readyDelay, try milliseconds("readyJitterSeconds", default: defaults.readyJitter))
        memoryRamp = try milliseconds("memoryRampSeconds", default: defaults.memoryRamp)
        backOffInitial = try milliseconds("backOffInitialSeconds", default: defaults.backOffInitial)
        backOffMax = max(backOffInitial, try milliseconds("backOffMaxSeconds", default: defaults.backOffMax))
        if let ratio = map["unreadyThrottleRatio"] {
            guard let number = ratio.doubleValue, number >= 1, number <= 1000 else {
                throw SimArenaError(.data, "\(path).unreadyThrottleRatio: expected a number between 1 and 1000")
            }
            unreadyThrottleRatio = number
        }
    }
}
