/// What a container declares it uses of one resource over time, in the simulator's units
/// (millicores or bytes): sample `k` is in force from `k` × 15 s after the container starts or
/// restarts, and the series cycles back to its first sample after its last. A constant usage is
/// a series of one sample.
public struct UsageSeries: Sendable, Hashable {
    /// Simulated milliseconds between samples.
    public static let interval: Int64 = 15_000
    /// The longest series: six hours of samples.
    public static let maxSamples = 1440

    /// One to ``maxSamples`` values.
    public let samples: [Int64]
    /// The largest sample.
    public let peak: Int64
    /// The mean of the samples, rounded up to a whole unit.
    public let mean: Int64

    /// A series of `samples`, which must hold 1 to ``maxSamples`` values (the annotation parser
    /// checks that).
    init(_ samples: [Int64]) {
        self.samples = samples
        peak = samples.max() ?? 0
        let count = Int128(max(samples.count, 1))
        let (quotient, remainder) = samples.reduce(Int128(0)) { $0 + Int128($1) }.quotientAndRemainder(dividingBy: count)
        mean = Int64(clamping: remainder > 0 ? quotient + 1 : quotient)
    }

    /// The same usage at all times.
    public init(constant value: Int64) {
        self.init([value])
    }

    /// Sample `index` of an endless cycle of the series.
    public subscript(index: Int) -> Int64 {
        samples[index % samples.count]
    }

    /// The first sample above `limit`, if any.
    public func firstIndex(above limit: Int64) -> Int? {
        samples.firstIndex { $0 > limit }
    }
}
