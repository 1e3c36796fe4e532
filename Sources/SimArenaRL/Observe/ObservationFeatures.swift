import SimArenaModel
import SimArenaSimulation

#if canImport(Glibc)
import Glibc
#endif

/// The fixed-length vector of numbers in [0, 1] that learning agents see (documented in
/// docs/run-directory.md). Counts are relative to the target; resources are on a log scale across
/// the safeguard range, so every scenario from 50m to 16 CPUs and 64Mi to 32Gi stays in range
/// (the original's unnormalised `cpu_m / 4000` reached 5.0).
extension Observation {
    /// Names of the features, in order.
    public static let featureNames = [
        "ready_fraction", "pending_fraction", "total_vs_target", "unschedulable_cpu", "unschedulable_memory",
        "oom_killed", "cpu_throttled", "cpu_request_log", "memory_request_log", "replicas_log",
        "cpu_waste", "memory_waste",
    ]

    public var features: [Float] {
        let scale = Double(max(target, 1))
        func fraction(_ count: Int64) -> Double { min(Double(count) / scale, 2) / 2 }
        func logScale(_ value: Double, _ low: Double, _ high: Double) -> Double {
            guard value > 0 else { return 0 }
            return min(1, max(0, log2(value / low) / log2(high / low)))
        }
        let excess = max(-1, min(1, Double(total - target) / scale))
        let values: [Double] = [
            fraction(ready), fraction(pending), (excess + 1) / 2, fraction(unschedulableCPU), fraction(unschedulableMemory),
            fraction(oomKilled), fraction(throttled),
            logScale(cpuRequest.doubleValue * 1000, 50, 16_000),
            logScale(memoryRequest.doubleValue, 64 * 1_048_576, 32 * 1_073_741_824),
            logScale(Double(replicas), 1, 100),
            cpuWaste, memoryWaste,
        ]
        return values.map { Float($0) }
    }
}
