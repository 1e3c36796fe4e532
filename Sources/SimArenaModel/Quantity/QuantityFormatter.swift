extension Quantity {
    /// The canonical form, as Kubernetes prints a quantity (`CanonicalizeBytes` in
    /// apimachinery's quantity.go): exact, and parsing it gives back the same value.
    ///
    /// - Zero prints `0` whatever the format.
    /// - ``Format/binarySI`` prints the largest power of 1024 that divides the value, up to `Ei`
    ///   (`1536Mi`, `1Gi`, or a plain `3000` if 1024 does not divide it). A value below 1024 in
    ///   magnitude, or not a whole number, prints as ``Format/decimalSI`` instead.
    /// - ``Format/decimalSI`` and ``Format/decimalExponent`` print a whole mantissa and an exponent
    ///   that is a multiple of 3, the largest one that keeps the mantissa whole (`1500m`, `1k`,
    ///   `1024`, `1200`): decimalSI as a suffix from `n` to `E` (beyond `E` the mantissa grows),
    ///   decimalExponent as `e<exponent>` (nothing for exponent 0).
    public var canonical: String {
        if isZero {
            return "0"
        }
        if format == .binarySI, let binary = binaryCanonical {
            return binary
        }
        return decimalCanonical
    }

    /// The binarySI form, or nil if the value is not a whole number of at least 1024 in magnitude.
    private var binaryCanonical: String? {
        let (units, remainder) = unitsAndRemainder
        guard remainder == 0, units.magnitude >= 1024 else {
            return nil
        }
        return Int64(exactly: units).map { Self.binaryCanonical(units: $0) } ?? Self.binaryCanonical(units: units)
    }

    /// The decimalSI or decimalExponent form of a non-zero value.
    private var decimalCanonical: String {
        let mantissa = UInt64(exactly: nanos.magnitude).map { Self.decimalCanonical(magnitude: $0, format: format) }
            ?? Self.decimalCanonical(magnitude: nanos.magnitude, format: format)
        return nanos < 0 ? "-" + mantissa : mantissa
    }

    // Written once for any width: run on `Int64` when the value fits (nearly always), in
    // hardware, and on `Int128`, whose arithmetic runs in software, only when it does not.

    /// `units` (at least 1024 in magnitude) as a mantissa and the largest binary suffix that
    /// keeps it whole.
    private static func binaryCanonical<N: FixedWidthInteger & SignedInteger>(units: N) -> String {
        var mantissa = units
        var power = 0
        while power < binarySuffixes.count - 1, mantissa.isMultiple(of: 1024) {
            mantissa /= 1024
            power += 1
        }
        return String(mantissa) + binarySuffixes[power]
    }

    /// `magnitude` nano-units without a sign.
    private static func decimalCanonical<M: FixedWidthInteger & UnsignedInteger>(magnitude: M, format: Format) -> String {
        // magnitude = mantissa × 10^(exponent + 9), with every factor of ten moved into the exponent.
        var mantissa = magnitude
        var exponent = -9
        while mantissa.isMultiple(of: 10) {
            mantissa /= 10
            exponent += 1
        }
        // Lower the exponent to a multiple of 3; it stays at or above -9, so the mantissa stays at
        // or below the magnitude and cannot overflow.
        var printedExponent = exponent - (exponent + 9) % 3
        let suffix: String
        if format == .decimalExponent {
            suffix = printedExponent == 0 ? "" : "e\(printedExponent)"
        } else {
            printedExponent = min(printedExponent, 3 * (decimalSuffixes.count - 1) - 9)
            suffix = decimalSuffixes[(printedExponent + 9) / 3]
        }
        for _ in printedExponent..<exponent {
            mantissa *= 10
        }
        return String(mantissa) + suffix
    }
}
