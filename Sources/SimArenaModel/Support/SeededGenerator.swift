/// A small, fast, seeded pseudo-random generator (SplitMix64, Steele, Lea and Flood 2014; the
/// constants are those of Vigna's reference `splitmix64.c`).
///
/// Use it wherever Sim-Arena needs reproducible randomness (scenario generation, exploration,
/// shuffles): the same seed always gives the same sequence, on every platform and every Swift
/// version. That is why the helpers below draw bounded integers, doubles and shuffles with their
/// own fixed algorithms instead of the standard library's `random(in:using:)` and `shuffled(using:)`,
/// whose algorithms are not promised to stay the same between Swift releases.
///
/// It conforms to `RandomNumberGenerator`, so it can still be passed to standard-library APIs
/// where bit-for-bit reproducibility across Swift versions does not matter.
///
/// Not cryptographically secure.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
    /// The internal state; the next output depends only on it.
    public private(set) var state: UInt64

    /// A generator whose sequence is fully determined by `seed` (any value, 0 included).
    public init(seed: UInt64) {
        state = seed
    }

    /// A generator for the `index`-th independent stream of `seed`: the same pair always gives the
    /// same generator, and different indices give unrelated sequences. Use it to give each item of
    /// a batch its own generator, so that item `i` does not depend on how many items came before.
    public init(seed: UInt64, stream index: UInt64) {
        state = Self.mix(seed, index)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.finalize(state)
    }

    /// SplitMix64's output function: a bijective mix of 64 bits.
    public static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Combines two values into one well-mixed 64-bit value (for deriving seeds).
    public static func mix(_ first: UInt64, _ second: UInt64) -> UInt64 {
        finalize(finalize(first &+ 0x9E37_79B9_7F4A_7C15) ^ (second &* 0xD1B5_4A32_D192_ED03))
    }

    /// A uniformly random integer in `0..<bound` (`bound` > 0), without modulo bias: draws whose
    /// value falls in the short last block of 2⁶⁴ mod `bound` values are rejected and redrawn.
    public mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "SeededGenerator.next(below:) needs a positive bound")
        let threshold = (0 &- bound) % bound  // 2⁶⁴ mod bound
        while true {
            let value = next()
            if value >= threshold { return value % bound }
        }
    }

    /// A uniformly random integer in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound))
        if width == .max { return Int(truncatingIfNeeded: next()) }
        return Int(truncatingIfNeeded: Int64(range.lowerBound) &+ Int64(bitPattern: next(below: width + 1)))
    }

    /// A uniformly random `Int64` in `range`.
    public mutating func int64(in range: ClosedRange<Int64>) -> Int64 {
        let width = UInt64(bitPattern: range.upperBound &- range.lowerBound)
        if width == .max { return Int64(bitPattern: next()) }
        return range.lowerBound &+ Int64(bitPattern: next(below: width + 1))
    }

    /// A uniformly random double in `[0, 1)`, with 53 random bits.
    public mutating func unitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// `true` with probability `probability` (clamped to [0, 1]).
    public mutating func chance(_ probability: Double) -> Bool {
        unitDouble() < probability
    }

    /// A uniformly chosen element of a non-empty collection.
    public mutating func element<C: RandomAccessCollection>(of items: C) -> C.Element {
        precondition(!items.isEmpty, "SeededGenerator.element(of:) needs a non-empty collection")
        let offset = Int(next(below: UInt64(items.count)))
        return items[items.index(items.startIndex, offsetBy: offset)]
    }

    /// Shuffles `items` in place (Fisher–Yates, from the last position down).
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for position in stride(from: items.count - 1, to: 0, by: -1) {
            let other = Int(next(below: UInt64(position + 1)))
            if other != position { items.swapAt(position, other) }
        }
    }
}
