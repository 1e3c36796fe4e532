import SimArenaModel
import SimArenaSimulation

/// The distribution of a workload's measured usage of one resource, as right-sizing policies
/// read it (the VPA recommender's P90, KRR's P95 and maximum): nearest-rank percentiles, the
/// value at index ⌈p/100 · n⌉ − 1 of the n samples sorted.
public struct UsagePercentiles: Sendable, Hashable {
    public var p50: Quantity
    public var p90: Quantity
    public var p95: Quantity
    public var max: Quantity
    /// How many samples they come from.
    public var samples: Int

    /// The percentiles of `values` (in the units `quantity` reads); nil when there are none.
    public init?(_ values: [Int64], as quantity: (Int64) -> Quantity) {
        let sorted = values.sorted()
        guard let largest = sorted.last else { return nil }
        func rank(_ percent: Int) -> Quantity { quantity(sorted[Self.nearestRank(percent, of: sorted.count)]) }
        (p50, p90, p95, max, samples) = (rank(50), rank(90), rank(95), quantity(largest), sorted.count)
    }

    /// The index of the `percent`th percentile among `count` sorted values: ⌈percent/100 · count⌉ − 1.
    static func nearestRank(_ percent: Int, of count: Int) -> Int {
        Swift.max(0, (percent * count + 99) / 100 - 1)
    }

    /// `{"p50": "250m", "p90": …, "p95": …, "max": …, "samples": 12}`.
    public var value: KValue {
        ["p50": .string(p50.description), "p90": .string(p90.description), "p95": .string(p95.description),
         "max": .string(max.description), "samples": .int(Int64(samples))]
    }

    /// Reads the document form; `path` names it in errors.
    public init(_ value: KValue, at path: String) throws {
        let map = try value.requireMap(at: path)
        func quantity(_ key: String) throws -> Quantity {
            guard let field = map[key] else { throw SimArenaError(.data, "\(path).\(key): missing") }
            return try Quantity(field, at: "\(path).\(key)")
        }
        (p50, p90, p95, max) = (try quantity("p50"), try quantity("p90"), try quantity("p95"), try quantity("max"))
        guard let count = map["samples"] else { throw SimArenaError(.data, "\(path).samples: missing") }
        samples = Int(try count.requireInt64(at: "\(path).samples"))
    }
}
