import SimArenaModel

/// CPU and memory in the units the scheduler compares: millicores and bytes.
///
/// Arithmetic saturates at the `Int64` bounds instead of trapping, so a corrupt or absurd input
/// can make a node look full or empty but never crashes the simulator.
public struct ResourceAmounts: Sendable, Hashable, CustomStringConvertible {
    /// CPU in thousandths of a core (`500m` is 500).
    public var cpuMillis: Int64
    /// Memory in bytes.
    public var memoryBytes: Int64

    public init(cpuMillis: Int64 = 0, memoryBytes: Int64 = 0) {
        self.cpuMillis = cpuMillis
        self.memoryBytes = memoryBytes
    }

    /// No CPU and no memory.
    public static let zero = ResourceAmounts()

    /// The component-wise sum, saturating at the `Int64` bounds.
    public static func + (lhs: ResourceAmounts, rhs: ResourceAmounts) -> ResourceAmounts {
        ResourceAmounts(
            cpuMillis: saturatingAdd(lhs.cpuMillis, rhs.cpuMillis),
            memoryBytes: saturatingAdd(lhs.memoryBytes, rhs.memoryBytes))
    }

    /// The component-wise difference, saturating at the `Int64` bounds.
    public static func - (lhs: ResourceAmounts, rhs: ResourceAmounts) -> ResourceAmounts {
        ResourceAmounts(
            cpuMillis: saturatingSubtract(lhs.cpuMillis, rhs.cpuMillis),
            memoryBytes: saturatingSubtract(lhs.memoryBytes, rhs.memoryBytes))
    }

    public static func += (lhs: inout ResourceAmounts, rhs: ResourceAmounts) { lhs = lhs + rhs }

    public static func -= (lhs: inout ResourceAmounts, rhs: ResourceAmounts) { lhs = lhs - rhs }

    /// `cpu=500m memory=1048576`.
    public var description: String { "cpu=\(cpuMillis)m memory=\(memoryBytes)" }

    static func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        return b > 0 ? .max : .min
    }

    static func saturatingSubtract(_ a: Int64, _ b: Int64) -> Int64 {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        guard overflow else { return difference }
        return b < 0 ? .max : .min
    }
}
