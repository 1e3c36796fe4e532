import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class JSONCodecTests: XCTestCase {
    // MARK: Reading

    func testParsesScalarsAndContainers() throws {
        XCTAssertEqual(try parse("null"), .null)
        XCTAssertEqual(try parse(" true "), .bool(true))
        XCTAssertEqual(try parse("\tfalse\r\n"), .bool(false))
        XCTAssertEqual(try parse(#""hi""#), .string("hi"))
        XCTAssertEqual(try parse("[]"), .array([]))
        XCTAssertEqual(try parse("{}"), .map(KMap()))
        XCTAssertEqual(try parse(#"[1, "a", [null], {"b": false}]"#), [1, "a", [nil], ["b": false]])
    }

    func testIntegersAreExact() throws {
        XCTAssertEqual(try parse("0"), .int(0))
        XCTAssertEqual(try parse("-0"), .int(0), "JSON -0 is the integer 0")
        XCTAssertEqual(try parse("9223372036854775807"), .int(Int64.max))
        XCTAssertEqual(try parse("9223372036854775808"), .uint(9_223_372_036_854_775_808))
        XCTAssertEqual(try parse("-9223372036854775808"), .int(Int64.min))
        XCTAssertEqual(try parse("17156035354639895998"), .uint(17_156_035_354_639_895_998))
        XCTAssertEqual(try parse("18446744073709551615"), .uint(UInt64.max))
    }

    func testNumbersWithFractionOrExponentAreCorrectlyRoundedDoubles() throws {
        XCTAssertEqual(try parse("0.1"), .double(0.1))
        XCTAssertEqual(try parse("-2.5"), .double(-2.5))
        XCTAssertEqual(try parse("1e2"), .double(100))
        XCTAssertEqual(try parse("1E+2"), .double(100))
        XCTAssertEqual(try parse("25e-1"), .double(2.5))
        XCTAssertEqual(try parse("5e-324"), .double(Double.leastNonzeroMagnitude))
        XCTAssertEqual(try parse("1.7976931348623157e308"), .double(Double.greatestFiniteMagnitude))
        XCTAssertEqual(try parse("0.30000000000000004"), .double(0.1 + 0.2))
        XCTAssertEqual(try parse("-0.0").doubleValue?.sign, .minus)
    }

    func testIntegersBeyondUInt64AreDoubles() throws {
        XCTAssertEqual(try parse("18446744073709551616"), .double(18_446_744_073_709_551_616))
        XCTAssertEqual(try parse("-9223372036854775809"), .double(-0x1p63))
    }

    func testStringEscapesAndUnicode() throws {
        XCTAssertEqual(try parse(#""\"\\\/\b\f\n\r\t""#), .string("\"\\/\u{8}\u{C}\n\r\t"))
        XCTAssertEqual(try parse(#""caf\u00e9 \u20AC \uD83D\uDE00 \u0000""#), .string("café € 😀 \u{0}"))
        XCTAssertEqual(try parse(#""café € 😀""#), .string("café € 😀"))
        XCTAssertEqual(try parse(#""a\nb" "#), .string("a\nb"))
    }

    func testKeyOrderIsPreserved() throws {
        let keys = (0..<40).map { "k\(($0 * 17) % 40)" }
        let text = "{" + keys.map { #""\#($0)": 1"# }.joined(separator: ",") + "}"
        XCTAssertEqual(try parse(text).mapValue?.stringKeys, keys)
    }

    // MARK: Rejections

    func testRejectsEmptyInput() {
        assertRejects("", "line 1, column 1: expected a value, found end of input")
        assertRejects(" \n  ", "line 2, column 3: expected a value, found end of input")
    }

    func testRejectsTrailingCommas() {
        assertRejects("[1,]", "line 1, column 4: expected a value, found ']' (trailing commas are not allowed)")
        assertRejects(
            #"{"a": 1, }"#, "line 1, column 10: expected a string key, found '}' (trailing commas are not allowed)")
    }

    func testRejectsComments() {
        assertRejects("// note\n1", "line 1, column 1: expected a value, found '/' (comments are not allowed)")
        assertRejects(
            "[1] /* note */",
            "line 1, column 5: expected end of input after the document, found '/' (comments are not allowed)")
        assertRejects(
            #"{"a": 1 // note"#,
            "line 1, column 9: expected ',' or '}' after object member, found '/' (comments are not allowed)")
    }

    func testRejectsLeadingZeros() {
        assertRejects("01", "line 1, column 1: leading zeros are not allowed in numbers")
        assertRejects("[-012]", "line 1, column 2: leading zeros are not allowed in numbers")
        assertRejects("00.5", "line 1, column 1: leading zeros are not allowed in numbers")
    }

    func testRejectsNaNAndInfinity() {
        assertRejects("NaN", "line 1, column 1: expected a value, found 'N' (NaN and Infinity are not allowed)")
        assertRejects("[Infinity]", "line 1, column 2: expected a value, found 'I' (NaN and Infinity are not allowed)")
        assertRejects("-Infinity", "line 1, column 2: expected a digit after '-', found 'I'")
        assertRejects("nan", "line 1, column 1: invalid literal, expected 'null'")
    }

    func testRejectsMalformedNumbers() {
        assertRejects("-", "line 1, column 2: expected a digit after '-', found end of input")
        assertRejects("1.", "line 1, column 3: expected a digit after '.', found end of input")
        assertRejects("1.e5", "line 1, column 3: expected a digit after '.', found 'e'")
        assertRejects("[1e]", "line 1, column 4: expected a digit in the exponent, found ']'")
        assertRejects("1E+", "line 1, column 4: expected a digit in the exponent, found end of input")
        assertRejects(".5", "line 1, column 1: expected a value, found '.'")
        assertRejects("+1", "line 1, column 1: expected a value, found '+'")
        assertRejects("0x1F", "line 1, column 2: expected end of input after the document, found 'x'")
        assertRejects("[1e400]", "line 1, column 2: number 1e400 is out of range")
        assertRejects("-1e309", "line 1, column 1: number -1e309 is out of range")
    }

    func testRejectsSingleQuotes() {
        assertRejects("'a'", #"line 1, column 1: expected a value, found "'" (strings take double quotes)"#)
        assertRejects(
            "{'a': 1}", #"line 1, column 2: expected a string key or '}', found "'" (strings take double quotes)"#)
    }

    func testRejectsBadLiterals() {
        assertRejects("tru", "line 1, column 1: invalid literal, expected 'true'")
        assertRejects("[fals]", "line 1, column 2: invalid literal, expected 'false'")
        assertRejects("True", "line 1, column 1: expected a value, found 'T'")
    }

    func testRejectsUnescapedControlCharacters() {
        assertRejects("\"a\tb\"", "line 1, column 3: control character U+0009 in string must be escaped")
        assertRejects("[\"a\nb\"]", "line 1, column 4: control character U+000A in string must be escaped")
        assertRejects([0x22, 0x00, 0x22], "line 1, column 2: control character U+0000 in string must be escaped")
    }

    func testRejectsInvalidUTF8() {
        let quote: UInt8 = 0x22
        assertRejects([quote, 0x61, 0xFF, quote], "line 1, column 3: invalid UTF-8 in string")
        assertRejects([quote, 0x80, quote], "line 1, column 2: invalid UTF-8 in string")  // lone continuation
        assertRejects([quote, 0xC0, 0xAF, quote], "line 1, column 2: invalid UTF-8 in string")  // overlong
        assertRejects([quote, 0xED, 0xA0, 0x80, quote], "line 1, column 2: invalid UTF-8 in string")  // surrogate
        // Above U+10FFFF.
        assertRejects([quote, 0xF4, 0x90, 0x80, 0x80, quote], "line 1, column 2: invalid UTF-8 in string")
        assertRejects([quote, 0x61, 0xE2, 0x82, quote], "line 1, column 3: invalid UTF-8 in string")  // truncated
        // After an escape, and after valid non-ASCII text (columns count scalars).
        assertRejects(Array(#""\n é"#.utf8) + [0xC3, quote], "line 1, column 6: invalid UTF-8 in string")
        assertRejects([0xFF], "line 1, column 1: expected a value, found byte 0xFF")
    }

    func testRejectsLoneSurrogates() {
        assertRejects(#""\uD800""#, #"line 1, column 2: lone surrogate \uD800 in string"#)
        assertRejects(#""ab\udc00""#, #"line 1, column 4: lone surrogate \uDC00 in string"#)
        assertRejects(#""\uD83Dx""#, #"line 1, column 2: lone surrogate \uD83D in string"#)
        assertRejects(#""\uD83D\u0041""#, #"line 1, column 2: lone surrogate \uD83D in string"#)
        assertRejects(#""\uD83D\uD83D""#, #"line 1, column 2: lone surrogate \uD83D in string"#)
    }

    func testRejectsBadEscapesAndUnterminatedStrings() {
        assertRejects(#""a\x""#, #"line 1, column 3: invalid escape '\' followed by 'x' in string"#)
        assertRejects(#""\u12""#, #"line 1, column 2: expected 4 hex digits after '\u'"#)
        assertRejects(#""\u12G4""#, #"line 1, column 2: expected 4 hex digits after '\u'"#)
        assertRejects(#""\uD83D\uDE0""#, #"line 1, column 8: expected 4 hex digits after '\u'"#)
        assertRejects(#"["abc"#, "line 1, column 2: unterminated string")
        assertRejects(#""abc\"#, "line 1, column 1: unterminated string")
    }

    func testRejectsTrailingGarbage() {
        assertRejects("{} {}", "line 1, column 4: expected end of input after the document, found '{'")
        assertRejects("1 2", "line 1, column 3: expected end of input after the document, found '2'")
        assertRejects("truex", "line 1, column 5: expected end of input after the document, found 'x'")
        assertRejects("[1]]", "line 1, column 4: expected end of input after the document, found ']'")
    }

    func testRejectsMalformedContainers() {
        assertRejects("[1 2]", "line 1, column 4: expected ',' or ']' after array element, found '2'")
        assertRejects("[", "line 1, column 2: expected a value, found end of input")
        assertRejects("{1: 2}", "line 1, column 2: expected a string key or '}', found '1'")
        assertRejects(#"{"a" 1}"#, "line 1, column 6: expected ':' after object key, found '1'")
        assertRejects(#"{"a": 1 "b": 2}"#, "line 1, column 9: expected ',' or '}' after object member, found '\"'")
        assertRejects(#"{"a": }"#, "line 1, column 7: expected a value, found '}'")
    }

    func testErrorsNameLineAndColumn() {
        assertRejects(
            "{\n  \"a\": [1],\n  \"b\":2 \"c\": 3\n}",
            "line 3, column 9: expected ',' or '}' after object member, found '\"'")
        assertRejects("{\"é€😀\": 1 x}", "line 1, column 11: expected ',' or '}' after object member, found 'x'")
        assertRejects("[1,\r\n ×]", "line 2, column 2: expected a value, found '×'")
    }

    func testRejectsDuplicateKeys() {
        assertRejects(#"{"x": 1, "x": 2}"#, #"line 1, column 10: duplicate key "x""#)
        assertRejects(#"{"a": {"q\"": 1, "q\u0022": 2}}"#, #"line 1, column 18: duplicate key "q\"""#)
        // Beyond the size where duplicates are found by hashing.
        let members = (0..<40).map { #""k\#($0)": \#($0)"# } + [#""k7": 0"#]
        assertRejects("{" + members.joined(separator: ",") + "}", #"line 1, column 382: duplicate key "k7""#)
    }

    func testDepthLimit() throws {
        let deepest = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        XCTAssertNoThrow(try parse(deepest))
        assertRejects("[" + deepest + "]", "line 1, column 257: nesting deeper than 256 levels")
        assertRejects(
            String(repeating: #"{"a":"#, count: 257) + "1" + String(repeating: "}", count: 257),
            "line 1, column 1281: nesting deeper than 256 levels")
        assertRejects("[[[]]]", "line 1, column 3: nesting deeper than 2 levels", maxDepth: 2)
        XCTAssertEqual(try JSONReader.parse(Array("[[]]".utf8), maxDepth: 2), [[]])
    }

    func testHundredThousandNestedContainersFailCleanlyAndQuickly() {
        let elapsed = ContinuousClock().measure {
            assertRejects(String(repeating: "[", count: 100_000), "line 1, column 257: nesting deeper than 256 levels")
            assertRejects(
                String(repeating: #"{"a":"#, count: 100_000), "line 1, column 1281: nesting deeper than 256 levels")
        }
        XCTAssertLessThan(elapsed, .seconds(1))
    }

    // MARK: Writing

    func testWritesCompactAndPretty() throws {
        let value: KValue = ["a": [1, 2.5, "x"], "b": .map(KMap()), "c": [], "d": nil, "e": true, "f": [[]]]
        XCTAssertEqual(try text(value, pretty: false), #"{"a":[1,2.5,"x"],"b":{},"c":[],"d":null,"e":true,"f":[[]]}"#)
        XCTAssertEqual(
            try text(value, pretty: true),
            """
            {
              "a": [
                1,
                2.5,
                "x"
              ],
              "b": {},
              "c": [],
              "d": null,
              "e": true,
              "f": [
                []
              ]
            }

            """)
        XCTAssertEqual(try text(7, pretty: true), "7\n")
        XCTAssertEqual(try text([], pretty: true), "[]\n")
    }

    func testWritesStringsEscapedMinimally() throws {
        let value = KValue.string("q\"b\\s/n\nr\rt\tb\u{8}f\u{C}c\u{1}\u{1F}\u{0} é😀\u{7F}")
        XCTAssertEqual(try text(value, pretty: false), #""q\"b\\s/n\nr\rt\tb\bf\fc\u0001\u001f\u0000 é😀"# + "\u{7F}\"")
        XCTAssertEqual(try roundTrip(value, pretty: false), value)
    }

    func testWritesNumbers() throws {
        let cases: [(KValue, String)] = [
            (.int(0), "0"), (.int(-42), "-42"),
            (.int(Int64.min), "-9223372036854775808"), (.int(Int64.max), "9223372036854775807"),
            (.uint(17_156_035_354_639_895_998), "17156035354639895998"), (.uint(UInt64.max), "18446744073709551615"),
            (.double(0.1), "0.1"), (.double(1e-5), "1e-05"), (.double(5), "5.0"), (.double(-0.0), "-0.0"),
            (.double(1e300), "1e+300"), (.double(Double.leastNonzeroMagnitude), "5e-324"),
            (.float(0.1), "0.1"), (.float(16_777_216), "16777216.0"), (.float(-1.5e-7), "-1.5e-07"),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(try text(value, pretty: false), expected)
        }
        // A float reads back as the double nearest its shortest decimal form.
        XCTAssertEqual(try roundTrip(.float(0.1), pretty: false), .double(0.1))
    }

    func testRefusesNaNAndInfinity() {
        let cases: [(KValue, String)] = [
            (.double(.nan), "the document"), (.double(.infinity), "the document"), (.float(-.infinity), "the document"),
            (["a": [1, .double(-.infinity)]], "/a/1"),
        ]
        for (value, place) in cases {
            XCTAssertThrowsError(try JSONWriter.encode(value, pretty: false)) { error in
                XCTAssertEqual(
                    error as? SimArenaError,
                    SimArenaError(.data, "\(place): NaN or infinity cannot be written as JSON (MessagePack can hold it)"))
            }
        }
    }

    func testWritesBinaryAsBase64String() throws {
        let vectors = [
            "": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
            "foobar": "Zm9vYmFy",
        ]
        for (plain, encoded) in vectors {
            XCTAssertEqual(try text(.binary(Array(plain.utf8)), pretty: false), "\"\(encoded)\"")
        }
        XCTAssertEqual(try text(.binary([0xFB, 0xFF, 0x00]), pretty: false), #""+/8A""#)
        XCTAssertEqual(try roundTrip(.binary([0x66]), pretty: true), .string("Zg=="))
    }

    // MARK: Non-string keys

    func testNonStringKeysUseKmapPairs() throws {
        let lifecycles = KValue.map(
            KMap([
                KMap.Entry(
                    key: ["v1.Pod", "ns/a"],
                    value: .map(
                        KMap([
                            KMap.Entry(key: .uint(17_156_035_354_639_895_998), value: ["Empty"]),
                            KMap.Entry(key: .int(3), value: [["Finished": [1, 2]]]),
                        ]))),
                KMap.Entry(key: "plain", value: nil),
            ]))
        XCTAssertEqual(
            try text(lifecycles, pretty: false),
            #"{"$kmap":[[["v1.Pod","ns/a"],{"$kmap":[[17156035354639895998,["Empty"]],[3,[{"Finished":[1,2]}]]]}],["plain",null]]}"#
        )
        for pretty in [false, true] {
            XCTAssertEqual(try roundTrip(lifecycles, pretty: pretty), lifecycles)
        }
        let mapKeyed = KValue.map(KMap([KMap.Entry(key: ["a": 1], value: 1), KMap.Entry(key: nil, value: 2)]))
        XCTAssertEqual(try roundTrip(mapKeyed, pretty: true), mapKeyed)
    }

    func testLoneKmapStringKeyIsWrittenAsPairs() throws {
        let lone: KValue = ["$kmap": 1]
        XCTAssertEqual(try text(lone, pretty: false), #"{"$kmap":[["$kmap",1]]}"#)
        XCTAssertEqual(try roundTrip(lone, pretty: false), lone)
        let nested: KValue = ["$kmap": ["$kmap": []]]
        XCTAssertEqual(try roundTrip(nested, pretty: true), nested)
        // With other members, "$kmap" is an ordinary key.
        let withOthers: KValue = ["$kmap": 1, "b": 2]
        XCTAssertEqual(try text(withOthers, pretty: false), #"{"$kmap":1,"b":2}"#)
        XCTAssertEqual(try roundTrip(withOthers, pretty: false), withOthers)
    }

    func testReadsKmapPairs() throws {
        XCTAssertEqual(try parse(#"{"$kmap": []}"#), .map(KMap()))
        XCTAssertEqual(
            try parse(#"[{"$kmap": [[1, "a"], [[2], "b"]]}]"#),
            [.map(KMap([KMap.Entry(key: 1, value: "a"), KMap.Entry(key: [2], value: "b")]))])
    }

    func testRejectsMalformedKmapPairs() {
        let shape = #"must hold an array of [key, value] pairs"#
        assertRejects(#"{"$kmap": 1}"#, #"line 1, column 11: "$kmap" \#(shape)"#)
        assertRejects(#"{"$kmap": {}}"#, #"line 1, column 11: "$kmap" \#(shape)"#)
        assertRejects(#"{"$kmap": [[1]]}"#, #"line 1, column 11: "$kmap" \#(shape)"#)
        assertRejects("{\"$kmap\":\n [[1, 2], 3]}", #"line 2, column 2: "$kmap" \#(shape)"#)
        assertRejects(#"{"$kmap": [[1, 2, 3]]}"#, #"line 1, column 11: "$kmap" \#(shape)"#)
        assertRejects(#"{"$kmap": [[[1, "x"], 2], [[1, "x"], 3]]}"#, #"line 1, column 11: duplicate key [1,"x"]"#)
    }

    // MARK: Round trips

    func testRandomValuesRoundTrip() throws {
        var values = RandomValues(seed: 0x5EED)
        for _ in 0..<1000 {
            let value = values.next()
            for pretty in [false, true] {
                XCTAssertEqual(try roundTrip(value, pretty: pretty), value, "pretty: \(pretty)")
            }
        }
    }

    func testSimKubeFixturesRoundTrip() throws {
        for path in try Self.jsonFixturePaths() {
            let value = try JSONReader.parse(try FileIO.read(path))
            for pretty in [false, true] {
                XCTAssertEqual(try roundTrip(value, pretty: pretty), value, "\(path), pretty: \(pretty)")
            }
        }
    }

    func testLargeTraceKeepsU64Hashes() throws {
        let trace = try JSONReader.parse(try FileIO.read(try Fixtures.simkube("large_trace.json")))
        let hashes = try XCTUnwrap(trace["index"]?["apps/v1.Deployment"]?.mapValue)
        XCTAssertEqual(hashes["dsb/jaeger"], .uint(17_146_943_970_771_433_564))
        XCTAssertEqual(hashes["dsb/nginx-thrift"], .int(8_615_945_982_318_756_151))
        XCTAssertEqual(hashes.count, 27)
    }

    // MARK: Helpers

    func parse(_ text: String) throws -> KValue {
        try JSONReader.parse(Array(text.utf8))
    }

    func text(_ value: KValue, pretty: Bool) throws -> String {
        String(decoding: try JSONWriter.encode(value, pretty: pretty), as: UTF8.self)
    }

    func roundTrip(_ value: KValue, pretty: Bool) throws -> KValue {
        try JSONReader.parse(JSONWriter.encode(value, pretty: pretty))
    }

    func assertRejects(
        _ text: String, _ message: String, maxDepth: Int = JSONReader.defaultMaxDepth,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        assertRejects(Array(text.utf8), message, maxDepth: maxDepth, file: file, line: line)
    }

    func assertRejects(
        _ bytes: [UInt8], _ message: String, maxDepth: Int = JSONReader.defaultMaxDepth,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try JSONReader.parse(bytes, maxDepth: maxDepth), file: file, line: line) { error in
            XCTAssertEqual(error as? SimArenaError, SimArenaError(.data, message), file: file, line: line)
        }
    }
}

// MARK: - Test support

extension JSONCodecTests {
    /// Every `*.json` file among the SimKube fixtures, or a skip when they are absent.
    static func jsonFixturePaths() throws -> [String] {
        let directory = Fixtures.simkubeDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw XCTSkip("SimKube fixtures not found at \(directory)")
        }
        return names.filter { $0.hasSuffix(".json") }.sorted().map { directory + "/" + $0 }
    }

    /// Random values that JSON holds exactly: every case but floats and binary, no NaN or
    /// infinity, and maps with keys of every type, `"$kmap"` among them.
    struct RandomValues {
        var random: SeededGenerator
        static let maxDepth = 4
        static let stringPieces = [
            "a", "Zz", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "é", "€", "😀",
            "$kmap", "\u{7F}", "0",
        ]

        init(seed: UInt64) {
            random = SeededGenerator(seed: seed)
        }

        mutating func next() -> KValue {
            value(depth: 0)
        }

        mutating func value(depth: Int) -> KValue {
            switch Int.random(in: 0..<(depth < Self.maxDepth ? 10 : 7), using: &random) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &random))
            case 2: return integer()
            case 3: return double()
            case 4, 5, 6: return .string(string())
            case 7, 8: return .array((0..<Int.random(in: 0...5, using: &random)).map { _ in value(depth: depth + 1) })
            default: return .map(map(depth: depth))
            }
        }

        mutating func integer() -> KValue {
            switch Int.random(in: 0..<4, using: &random) {
            case 0: return .int([0, -1, 1, Int64.min, Int64.max].randomElement(using: &random)!)
            case 1: return .int(Int64.random(in: -1000...1000, using: &random))
            case 2: return .int(Int64.random(in: Int64.min...Int64.max, using: &random))
            default: return .uint(UInt64.random(in: UInt64(Int64.max) + 1...UInt64.max, using: &random))
            }
        }

        mutating func double() -> KValue {
            switch Int.random(in: 0..<3, using: &random) {
            case 0: return .double(Double(Int.random(in: -100_000...100_000, using: &random)) / 1000)
            case 1:
                return .double([0.1, -0.0, 1e-5, .leastNonzeroMagnitude, 1e300, 2.5e15].randomElement(using: &random)!)
            default:
                while true {
                    let number = Double(bitPattern: random.next())
                    if number.isFinite { return .double(number) }
                }
            }
        }

        mutating func string() -> String {
            (0..<Int.random(in: 0...6, using: &random)).map { _ in Self.stringPieces.randomElement(using: &random)! }
                .joined()
        }

        mutating func map(depth: Int) -> KMap {
            var map = KMap()
            let stringKeysOnly = Bool.random(using: &random)
            for _ in 0..<Int.random(in: 0...5, using: &random) {
                let key: KValue
                switch Int.random(in: 0..<(stringKeysOnly ? 2 : 4), using: &random) {
                case 0: key = "$kmap"
                case 1: key = .string(string())
                case 2: key = integer()
                default: key = value(depth: depth + 1)
                }
                if map[key] == nil { map[key] = value(depth: depth + 1) }
            }
            return map
        }
    }
}
