extension Quantity {
    /// Parses Kubernetes quantity notation, `<signedNumber><suffix>`, exactly.
    ///
    /// The number is an optional `+` or `-`, then digits with at most one `.` and at least one
    /// digit (`1`, `1.5`, `1.`, `.5`). The suffix is empty, a decimal SI suffix
    /// (`n u m k M G T P E`), a binary SI suffix (`Ki Mi Gi Ti Pi Ei`) or a decimal exponent
    /// (`e3`, `E-3`, `e+2`; `E` alone is exa). No whitespace is allowed.
    ///
    /// As in Kubernetes, a value finer than a nano-unit is rounded away from zero to the next
    /// nano-unit (`1e-10` is `1n`), and a non-zero binarySI value below 1 in magnitude takes the
    /// decimalSI format.
    ///
    /// - Throws: ``SimArenaError`` of kind `.data` if `text` is not a quantity or its value is out
    ///   of range.
    public init(parsing text: String) throws {
        func invalid(_ reason: String) -> SimArenaError {
            SimArenaError(.data, "invalid quantity \(String(reflecting: text)): \(reason)")
        }
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else {
            throw invalid("empty string")
        }
        guard let number = QuantityNumber(bytes) else {
            throw invalid("expected a number")
        }
        let suffixBytes = bytes[number.end...]
        guard let scale = QuantityScale(suffixBytes) else {
            throw invalid("unknown suffix \(String(reflecting: String(decoding: suffixBytes, as: UTF8.self)))")
        }
        let exponent = scale.decimalExponent + 9 - number.fractionDigitCount
        guard
            let magnitude = QuantityMagnitude.roundedUp(
                digits: number.digits, timesTenToThe: exponent, times: scale.multiplier),
            magnitude <= Int128.max.magnitude
        else {
            throw invalid("out of range")
        }
        let nanos = number.isNegative ? -Int128(magnitude) : Int128(magnitude)
        let isBelowOneUnit = magnitude < Self.nanosPerUnit.magnitude
        let format = scale.format == .binarySI && nanos != 0 && isBelowOneUnit ? .decimalSI : scale.format
        self.init(nanos: nanos, format: format)
    }
}

/// The `<signedNumber>` at the start of a quantity.
private struct QuantityNumber {
    var isNegative: Bool
    /// The decimal digits with the point removed, as digit values 0...9.
    var digits: [UInt8]
    /// How many of `digits` come after the point.
    var fractionDigitCount: Int
    /// The index just past the number, where the suffix starts.
    var end: Int

    /// Reads the number at the start of `text`, or returns nil if there is none.
    init?(_ text: [UInt8]) {
        var index = text.startIndex
        let sign = text.first
        isNegative = sign == UInt8(ascii: "-")
        if isNegative || sign == UInt8(ascii: "+") {
            index += 1
        }
        digits = []
        fractionDigitCount = 0
        var seenPoint = false
        scan: while index < text.endIndex {
            switch text[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(text[index] - UInt8(ascii: "0"))
                fractionDigitCount += seenPoint ? 1 : 0
            case UInt8(ascii: ".") where !seenPoint:
                seenPoint = true
            default:
                break scan
            }
            index += 1
        }
        guard !digits.isEmpty else {
            return nil
        }
        end = index
    }
}

/// What a quantity's suffix multiplies the number by, and the format it implies.
private struct QuantityScale {
    /// A power of ten: from a decimal SI suffix or an exponent.
    var decimalExponent: Int
    /// A power of 1024: from a binary SI suffix.
    var multiplier: UInt128
    var format: Quantity.Format

    /// Exponents are clamped to this magnitude while reading: far beyond any string's length, so
    /// clamping changes no result, and `Int` arithmetic on them cannot overflow.
    private static let exponentLimit = 1 << 50

    /// Interprets `suffix`, or returns nil if it is not a valid suffix.
    init?(_ suffix: ArraySlice<UInt8>) {
        let text = String(decoding: suffix, as: UTF8.self)
        if let index = Quantity.decimalSuffixes.firstIndex(of: text) {
            self.init(decimalExponent: 3 * index - 9, multiplier: 1, format: .decimalSI)
        } else if let index = Quantity.binarySuffixes.firstIndex(of: text), index > 0 {
            self.init(decimalExponent: 0, multiplier: 1 << (10 * index), format: .binarySI)
        } else if let exponent = Self.exponent(suffix) {
            self.init(decimalExponent: exponent, multiplier: 1, format: .decimalExponent)
        } else {
            return nil
        }
    }

    private init(decimalExponent: Int, multiplier: UInt128, format: Quantity.Format) {
        self.decimalExponent = decimalExponent
        self.multiplier = multiplier
        self.format = format
    }

    /// The exponent of an `e<int>` or `E<int>` suffix, clamped to ±``exponentLimit``.
    private static func exponent(_ suffix: ArraySlice<UInt8>) -> Int? {
        guard suffix.first == UInt8(ascii: "e") || suffix.first == UInt8(ascii: "E") else {
            return nil
        }
        var digits = suffix.dropFirst()
        let isNegative = digits.first == UInt8(ascii: "-")
        if isNegative || digits.first == UInt8(ascii: "+") {
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else {
            return nil
        }
        var magnitude = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
                return nil
            }
            magnitude = min(magnitude * 10 + Int(byte - UInt8(ascii: "0")), exponentLimit)
        }
        return isNegative ? -magnitude : magnitude
    }
}

/// Exact products of a decimal digit string with powers of ten and 1024, in `UInt128`.
private enum QuantityMagnitude {
    /// `digits × 10^exponent × multiplier`, rounded up to a whole number; nil if that exceeds
    /// `UInt128`. `multiplier` is at most 2⁶⁰.
    static func roundedUp(
        digits: [UInt8], timesTenToThe exponent: Int, times multiplier: UInt128
    ) -> UInt128? {
        let significant = digits.drop(while: { $0 == 0 })
        guard let lastNonZero = significant.lastIndex(where: { $0 != 0 }) else {
            return 0
        }
        // Trailing zeros move into the exponent, so the fraction below is never zero-padded.
        let trimmed = significant[...lastNonZero]
        let exponent = exponent + (significant.endIndex - 1 - lastNonZero)
        // With a negative exponent, the last -exponent digits (and any zeros before them) are a
        // fraction; the digits before those are whole.
        let wholeCount = max(0, trimmed.count + min(exponent, 0))
        guard
            let whole = wholeNumber(trimmed.prefix(wholeCount)),
            let scaled = multiply(whole, byTenToThe: max(exponent, 0)),
            let wholePart = multiply(scaled, by: multiplier)
        else {
            return nil
        }
        let fraction = trimmed.dropFirst(wholeCount)
        guard !fraction.isEmpty else {
            return wholePart
        }
        let (floor, isExact) = fractionTimes(
            multiplier, digits: fraction, leadingZeros: -exponent - fraction.count)
        let (sum, overflow) = wholePart.addingReportingOverflow(isExact ? floor : floor + 1)
        return overflow ? nil : sum
    }

    /// The whole number the digits spell, or nil if it exceeds `UInt128`.
    private static func wholeNumber(_ digits: ArraySlice<UInt8>) -> UInt128? {
        var value: UInt128 = 0
        for digit in digits {
            guard let shifted = multiply(value, by: 10) else {
                return nil
            }
            value = shifted + UInt128(digit)
        }
        return value
    }

    /// `value × 10^exponent`, or nil if it exceeds `UInt128`; quick for any exponent.
    private static func multiply(_ value: UInt128, byTenToThe exponent: Int) -> UInt128? {
        guard value != 0 else {
            return 0
        }
        var value = value
        for _ in 0..<exponent {
            guard let shifted = multiply(value, by: 10) else {
                return nil
            }
            value = shifted
        }
        return value
    }

    private static func multiply(_ value: UInt128, by factor: UInt128) -> UInt128? {
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        return overflow ? nil : product
    }

    /// The floor of `0.<leadingZeros zeros><digits> × multiplier`, and whether it is exact.
    ///
    /// Works from the last digit up (Horner's rule), keeping only the floor of each partial value
    /// and whether anything was dropped: floor((d·m + x) / 10) equals floor((d·m + ⌊x⌋) / 10) for
    /// whole d·m, and the partial value stays below `multiplier`, so nothing can overflow.
    private static func fractionTimes(
        _ multiplier: UInt128, digits: ArraySlice<UInt8>, leadingZeros: Int
    ) -> (floor: UInt128, isExact: Bool) {
        var floor: UInt128 = 0
        var isExact = true
        func shiftIn(_ digit: UInt8) {
            let (quotient, remainder) = (UInt128(digit) * multiplier + floor).quotientAndRemainder(dividingBy: 10)
            isExact = isExact && remainder == 0
            floor = quotient
        }
        digits.reversed().forEach(shiftIn)
        // Zeros only shift the partial value right; once it reaches zero nothing changes, so a
        // huge count of them (from an exponent like e-999999999999) ends after a few steps.
        var zerosLeft = leadingZeros
        while zerosLeft > 0, floor != 0 {
            shiftIn(0)
            zerosLeft -= 1
        }
        return (floor, isExact)
    }
}
