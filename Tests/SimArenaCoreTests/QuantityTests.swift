import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class QuantityTests: XCTestCase {
    private func q(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> Quantity {
        try Quantity(parsing: text)
    }

    func testCanonicalFormsAsKubernetesPrintsThem() throws {
        let cases: [(String, String)] = [
            ("1.5", "1500m"), ("1.5Gi", "1536Mi"), ("1000m", "1"), ("0.1", "100m"), ("0.5Gi", "512Mi"),
            ("1024", "1024"), ("1000", "1k"), ("100Mi", "100Mi"), ("1024Mi", "1Gi"), ("512", "512"),
            ("0.5Ki", "512"), ("1.5Ki", "1536"), ("1e3", "1e3"), ("1E-3", "1e-3"), ("12e2", "1200"),
            ("-1.5", "-1500m"), ("0", "0"), ("0Gi", "0"), ("1n", "1n"), ("500m", "500m"), ("2000m", "2"),
            ("17000m", "17"), ("1.1e-10", "1e-9"), ("33Gi", "33Gi"), ("256Mi", "256Mi"), ("64Mi", "64Mi"),
            ("32Gi", "32Gi"), ("1M", "1M"), ("1500k", "1500k"), ("+5", "5"), ("5.", "5"), (".5", "500m"),
            ("1E", "1E"), ("2e+2", "200"), ("1000E", "1000E"), ("1536Ki", "1536Ki"), ("3000Ki", "3000Ki"),
            ("0.000001", "1u"), ("1Ei", "1Ei"), ("1024Ei", "1024Ei"), ("-1Gi", "-1Gi"), ("1e-9", "1e-9"), ("0.0000000011", "2n"),
        ]
        for (input, canonical) in cases {
            XCTAssertEqual(try q(input).description, canonical, input)
        }
    }

    func testInvalidQuantitiesQuoteTheInput() {
        for input in ["1K", "gi", "1.2.3", "", "--1", "1e", "abc", "1 Gi", ".", "+", "1Mi2", "Mi", "1e1.5", " 1", "1ki"] {
            XCTAssertThrowsError(try Quantity(parsing: input), input) { error in
                let error = error as? SimArenaError
                XCTAssertEqual(error?.kind, .data)
                XCTAssertTrue(error?.message.contains("\"\(input)\"") == true, "\(String(describing: error))")
            }
        }
    }

    func testValuesAreExact() throws {
        XCTAssertEqual(try q("0.1").nanos, 100_000_000)
        XCTAssertEqual(try q("0.5Gi").nanos, 536_870_912 * 1_000_000_000)
        XCTAssertEqual(try q("0.1").adding(try q("0.2")), try q("300m"))
        XCTAssertEqual(try q("1e-10").nanos, 1, "finer than a nano-unit rounds up")
        XCTAssertEqual(try q("-1e-10").nanos, -1, "rounds away from zero")
        XCTAssertEqual(try q("1.0000000001").nanos, 1_000_000_001)
    }

    func testComparisonIsByValueAcrossFormats() throws {
        XCTAssertEqual(try q("1"), try q("1000m"))
        XCTAssertEqual(try q("1Ki"), try q("1024"))
        XCTAssertGreaterThan(try q("1Gi"), try q("1G"))
        XCTAssertLessThan(try q("-1"), try q("1n"))
        XCTAssertEqual(Set([try q("1"), try q("1000m"), try q("1e0")]).count, 1)
    }

    func testArithmetic() throws {
        let cpu = try q("500m")
        XCTAssertEqual(try cpu.adding(try q("500m")).description, "1")
        XCTAssertEqual(try cpu.subtracting(try q("1")).description, "-500m")
        XCTAssertEqual(try q("256Mi").multiplied(by: 4).description, "1Gi")
        XCTAssertEqual(try q("2Gi").subtracting(try q("256Mi")).description, "1792Mi")
        XCTAssertEqual(try Quantity(nanos: 0, format: .decimalSI).adding(try q("1Gi")).format, .binarySI, "zero takes the other's format")
        XCTAssertEqual(cpu.negated().description, "-500m")
        XCTAssertTrue(try q("0m").isZero)
        XCTAssertEqual(try q("-3").sign, -1)
        let huge = try q("100000000000000000000000000000")  // 1e29 units
        XCTAssertThrowsError(try huge.multiplied(by: 10))
        XCTAssertThrowsError(try huge.adding(huge))
        XCTAssertThrowsError(try huge.negated().subtracting(huge))
    }

    func testOutOfRangeFailsCleanly() {
        for input in ["1e40", "1e999999999999", "999999999999999999999999999999999999999", "1000000000000Ei"] {
            XCTAssertThrowsError(try Quantity(parsing: input), input) { error in
                XCTAssertTrue(String(describing: error).contains("out of range"), "\(error)")
            }
        }
        XCTAssertEqual(try q("1e-999999999999").nanos, 1)
    }

    func testRoundedConversions() throws {
        XCTAssertEqual(try q("1.0001").value, 2)
        XCTAssertEqual(try q("0.1m").milliValue, 1)
        XCTAssertEqual(try q("1.5Gi").value, 1_610_612_736)
        XCTAssertEqual(try q("250m").milliValue, 250)
        XCTAssertEqual(try q("2").milliValue, 2000)
        XCTAssertEqual(try q("1e20").value, Int64.max, "clamped")
        XCTAssertEqual(try q("1.5").doubleValue, 1.5)
        XCTAssertEqual(Quantity.millis(250).description, "250m")
        XCTAssertEqual(Quantity.bytes(1 << 30).description, "1Gi")
    }

    /// Whole units and the nano-units left, by 64-bit long division past the `Int64` range: the
    /// `Int128` division's own results, and the doubles, rounded units and milli-units and the
    /// canonical forms made from them.
    func testUnitsSplitAsInt128DivisionDoesPastTheInt64Range() throws {
        var random = SeededGenerator(seed: 11)
        let edges: [Int128] = [0, 1, 999_999_999, 1_000_000_000, Int128(Int64.max), Int128(Int64.max) + 1, Int128(UInt64.max),
                               Int128(UInt64.max) + 1, (Int128(1) << 96) + 12_345, Int128.max, 16 << 30 * 1_000_000_000]
        let randoms = (0..<2_000).map { _ -> Int128 in
            let wide = Int128(truncatingIfNeeded: UInt128(random.next()) << 64 | UInt128(random.next()))
            return wide >> Int128(random.next(below: 127))
        }
        for nanos in edges + edges.map({ -$0 }) + randoms where nanos != .min {
            let quantity = Quantity(nanos: nanos, format: .binarySI)
            let (units, remainder) = nanos.quotientAndRemainder(dividingBy: 1_000_000_000)
            XCTAssertTrue(quantity.unitsAndRemainder == (units, Int64(remainder)), "\(nanos)")
            XCTAssertEqual(quantity.doubleValue, Double(units) + Double(remainder) / 1_000_000_000, "\(nanos)")
            XCTAssertEqual(quantity.value, Int64(clamping: remainder == 0 ? units : units + nanos.signum()), "\(nanos)")
            let (millis, milliRemainder) = nanos.quotientAndRemainder(dividingBy: 1_000_000)
            XCTAssertEqual(quantity.milliValue, Int64(clamping: milliRemainder == 0 ? millis : millis + nanos.signum()), "\(nanos)")
        }
        XCTAssertEqual(try q("16Gi").description, "16Gi")
        XCTAssertEqual(try q("16Gi").doubleValue, 17_179_869_184)
        XCTAssertEqual(try q("-12Ei").description, "-12Ei")
        XCTAssertEqual(try q("10000000000000Ki").description, "9765625000Mi")
    }

    func testCanonicalFormsParseBackToTheSameValue() throws {
        var generator = SeededGenerator(seed: 7)
        let suffixes = ["", "n", "u", "m", "k", "M", "G", "T", "Ki", "Mi", "Gi", "Ti", "e-3", "e2", "E6"]
        for _ in 0..<5000 {
            let whole = generator.next() % 100_000
            let fraction = generator.next() % 1000
            let sign = generator.next() % 5 == 0 ? "-" : ""
            let suffix = suffixes[Int(generator.next() % UInt64(suffixes.count))]
            let text = "\(sign)\(whole).\(fraction)\(suffix)"
            let quantity = try q(text)
            let again = try q(quantity.description)
            XCTAssertEqual(again, quantity, "\(text) -> \(quantity)")
            XCTAssertEqual(again.description, quantity.description, text)
        }
    }
}
