/// An exact Kubernetes resource quantity (apimachinery's `resource.Quantity`), such as `500m`,
/// `1.5Gi` or `1e3`.
///
/// The value is a signed whole number of nano-units (10⁻⁹), so sums and comparisons are exact.
/// The quantity also remembers the notation it was written in (``Format``), which decides how it
/// prints; equality, ordering and hashing look at the value only, so `1` equals `1000m`.
///
/// The representable range is ±(2¹²⁷ − 1) nano-units, about ±1.7 × 10²⁹ units: symmetric, so that
/// ``negated()`` never overflows. Operations that would leave it throw a ``SimArenaError`` of kind
/// `.data`.
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The notation a quantity is written in, which decides how it prints.
    public enum Format: Sendable, Hashable {
        /// Plain numbers and the decimal SI suffixes `n u m k M G T P E`.
        case decimalSI
        /// The binary SI suffixes `Ki Mi Gi Ti Pi Ei` (powers of 1024).
        case binarySI
        /// A decimal exponent, `e3` or `E-3`.
        case decimalExponent
    }

    /// The value in nano-units (10⁻⁹); never `Int128.min`.
    public private(set) var nanos: Int128
    /// The notation the quantity prints in.
    public var format: Format

    /// A quantity of `nanos` nano-units. `nanos` must not be `Int128.min` (see the type's range).
    public init(nanos: Int128, format: Format) {
        precondition(nanos != .min, "Int128.min nano-units is outside the Quantity range")
        self.nanos = nanos
        self.format = format
    }

    /// `m` thousandths of a unit, in ``Format/decimalSI``: `millis(250)` is `250m`.
    public static func millis(_ m: Int64) -> Quantity {
        Quantity(nanos: Int128(m) * nanosPerMilli, format: .decimalSI)
    }

    /// `b` whole units (bytes, for memory), in `format`: `bytes(1 << 30)` is `1Gi`.
    public static func bytes(_ b: Int64, format: Format = .binarySI) -> Quantity {
        Quantity(nanos: Int128(b) * nanosPerUnit, format: format)
    }

    /// Nano-units in one unit.
    static let nanosPerUnit: Int128 = 1_000_000_000
    /// Nano-units in one milli-unit.
    static let nanosPerMilli: Int128 = 1_000_000

    /// The decimal SI suffixes; the suffix at index `i` stands for 10^(3i − 9).
    static let decimalSuffixes = ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"]
    /// The binary SI suffixes; the suffix at index `i` stands for 1024^i.
    static let binarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]

    // MARK: Value

    /// Whether the value is zero.
    public var isZero: Bool { nanos == 0 }

    /// -1, 0 or 1 as the value is negative, zero or positive.
    public var sign: Int { Int(nanos.signum()) }

    /// The value in whole units, rounded away from zero as Kubernetes' `Value()` does (`1.0001`
    /// gives 2, `-1.5` gives -2), clamped to the `Int64` range.
    public var value: Int64 {
        roundedAwayFromZero(quotientAndRemainder(dividingBy: 1_000_000_000))
    }

    /// The value in milli-units, rounded away from zero as Kubernetes' `MilliValue()` does
    /// (`0.1m` gives 1), clamped to the `Int64` range.
    public var milliValue: Int64 {
        roundedAwayFromZero(quotientAndRemainder(dividingBy: 1_000_000))
    }

    /// The value in units as the nearest `Double`, for approximate uses such as features.
    public var doubleValue: Double {
        let (units, remainder) = unitsAndRemainder
        return (Int64(exactly: units).map(Double.init) ?? Double(units)) + Double(remainder) / 1_000_000_000
    }

    /// The value in whole units (truncated toward zero) and the nano-units left over, which have
    /// the value's sign.
    var unitsAndRemainder: (units: Int128, remainder: Int64) {
        let (units, remainder) = quotientAndRemainder(dividingBy: 1_000_000_000)
        return (units, remainder)
    }

    /// The nano-units divided by `divisor`, truncated toward zero, and the remainder, which has
    /// the value's sign: `Int128`'s `quotientAndRemainder(dividingBy:)`, with 64-bit divisions
    /// only. (Memory of 9 GB and more is past `Int64` nano-units, and `Int128` division runs in
    /// software at thousands of instructions.)
    private func quotientAndRemainder(dividingBy divisor: UInt32) -> (quotient: Int128, remainder: Int64) {
        if let small = Int64(exactly: nanos) {
            let (quotient, remainder) = small.quotientAndRemainder(dividingBy: Int64(divisor))
            return (Int128(quotient), remainder)
        }
        // Long division of the magnitude in 32-bit digits: each step divides a remainder below
        // the divisor (< 2³²) and the next digit, which fits in 64 bits.
        let divisor = UInt64(divisor)
        let magnitude = nanos.magnitude
        let (high, low) = (UInt64(truncatingIfNeeded: magnitude >> 64), UInt64(truncatingIfNeeded: magnitude))
        let (top, topRemainder) = high.quotientAndRemainder(dividingBy: divisor)
        let (middle, middleRemainder) = (topRemainder << 32 | low >> 32).quotientAndRemainder(dividingBy: divisor)
        let (bottom, remainder) = (middleRemainder << 32 | low & 0xFFFF_FFFF).quotientAndRemainder(dividingBy: divisor)
        let quotient = Int128(UInt128(top) << 64 | UInt128(middle) << 32 | UInt128(bottom))
        return nanos < 0 ? (-quotient, -Int64(remainder)) : (quotient, Int64(remainder))
    }

    /// A division's quotient moved one away from zero when it left a remainder, clamped to the
    /// `Int64` range.
    private func roundedAwayFromZero(_ division: (quotient: Int128, remainder: Int64)) -> Int64 {
        Int64(clamping: division.remainder == 0 ? division.quotient : division.quotient + nanos.signum())
    }

    // MARK: Arithmetic

    /// The sum, in this quantity's format (or `other`'s, if this one is zero, as Kubernetes'
    /// `Add` does). Throws if the sum is out of range.
    public func adding(_ other: Quantity) throws -> Quantity {
        try Self.checked(
            nanos.addingReportingOverflow(other.nanos), format: isZero ? other.format : format,
            operation: "\(self) + \(other)")
    }

    /// The difference, in this quantity's format (or `other`'s, if this one is zero, as
    /// Kubernetes' `Sub` does). Throws if the difference is out of range.
    public func subtracting(_ other: Quantity) throws -> Quantity {
        try Self.checked(
            nanos.subtractingReportingOverflow(other.nanos), format: isZero ? other.format : format,
            operation: "\(self) - \(other)")
    }

    /// The product with a whole number, in this quantity's format. Throws if it is out of range.
    public func multiplied(by factor: Int64) throws -> Quantity {
        try Self.checked(
            nanos.multipliedReportingOverflow(by: Int128(factor)), format: format,
            operation: "\(self) * \(factor)")
    }

    /// The quantity with the opposite sign, in the same format.
    public func negated() -> Quantity {
        Quantity(nanos: -nanos, format: format)
    }

    private static func checked(
        _ result: (partialValue: Int128, overflow: Bool), format: Format, operation: @autoclosure () -> String
    ) throws -> Quantity {
        guard !result.overflow, result.partialValue != .min else {
            throw SimArenaError(.data, "quantity out of range: \(operation())")
        }
        return Quantity(nanos: result.partialValue, format: format)
    }

    // MARK: Comparison and printing

    public static func == (lhs: Quantity, rhs: Quantity) -> Bool { lhs.nanos == rhs.nanos }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.nanos < rhs.nanos }

    public func hash(into hasher: inout Hasher) { hasher.combine(nanos) }

    /// The canonical form, the same as ``canonical``.
    public var description: String { canonical }
}
