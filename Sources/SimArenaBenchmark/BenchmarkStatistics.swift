import SimArenaModel

/// The statistics the report gives (docs/benchmark.md), after Agarwal et al., "Deep RL at the
/// Edge of the Statistical Precipice" (NeurIPS 2021): intervals from a stratified bootstrap over
/// runs, and the interquartile mean.
public enum BenchmarkStatistics {
    /// Bootstrap resamples per interval.
    public static let resamples = 2000

    /// The mean of `scores[task][run]` over every task and run, with a 95% percentile interval
    /// from a stratified bootstrap: each resample draws, for every task separately, as many runs
    /// as it has, with replacement, and takes the mean of all draws. Tasks are scenarios and runs
    /// are seeds, so the interval says how much the rate could move with other seeds. `random`
    /// makes it reproducible. Nil when there are no scores.
    public static func bootstrapMean(_ scores: [[Double]], random: inout SeededGenerator) -> (mean: Double, low: Double, high: Double)? {
        let tasks = scores.filter { !$0.isEmpty }
        let count = tasks.reduce(0) { $0 + $1.count }
        guard count > 0 else { return nil }
        let mean = tasks.reduce(0) { $0 + $1.reduce(0, +) } / Double(count)
        var means: [Double] = []
        means.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var total = 0.0
            for runs in tasks {
                for _ in runs.indices { total += runs[Int(random.next(below: UInt64(runs.count)))] }
            }
            means.append(total / Double(count))
        }
        means.sort()
        // Nearest-rank percentiles: the 2.5th and the 97.5th of the sorted resampled means.
        let low = means[Int((0.025 * Double(resamples)).rounded(.down))]
        let high = means[Int((0.975 * Double(resamples)).rounded(.up)) - 1]
        return (mean, low, high)
    }

    /// The interquartile mean: the mean of the middle half of the sorted values, ⌊n/4⌋ dropped at
    /// each end (SciPy's `trim_mean(values, 0.25)`). Nil for no values.
    public static func interquartileMean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let cut = sorted.count / 4
        let middle = sorted[cut..<(sorted.count - cut)]
        return middle.reduce(0, +) / Double(middle.count)
    }

    /// The mean, nil for no values.
    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// A seed for the bootstrap of one group, from its names: the same group gets the same
    /// interval whatever else the report holds (64-bit FNV-1a of the names joined by NUL).
    public static func seed(_ names: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in names.joined(separator: "\u{0}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
