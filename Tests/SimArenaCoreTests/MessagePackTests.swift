import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class MessagePackTests: XCTestCase {
    func testRealTracesReencodeToTheSameBytes() throws {
        for name in Fixtures.messagePackTraces {
            let bytes = try FileIO.read(try Fixtures.simkube(name))
            let value = try MessagePackReader.decode(bytes)
            XCTAssertEqual(MessagePackWriter.encode(value), bytes, name)
        }
    }

    func testScalarsKeepTheirExactValues() throws {
        let value: KValue = [
            "small": 1, "negative": -33, "i64min": .int(Int64.min), "u64max": .uint(UInt64.max),
            "hash": .uint(17_156_035_354_639_895_998), "f32": .float(1.5), "f64": 0.1,
            "text": "héllo", "bin": .binary([0, 255]), "nil": nil, "yes": true,
            "nested": [[1, 2], ["k": "v"]],
        ]
        let decoded = try MessagePackReader.decode(MessagePackWriter.encode(value))
        XCTAssertEqual(decoded, value)
        XCTAssertEqual(decoded["hash"], .uint(17_156_035_354_639_895_998))
        XCTAssertEqual(decoded["small"], .int(1), "non-negative integers that fit Int64 decode as .int")
    }

    func testNonStringKeysAndOrderSurvive() throws {
        var map = KMap()
        map[.array(["v1.Pod", "ns/a"])] = .map(KMap([KMap.Entry(key: .uint(UInt64.max), value: ["Empty"])]))
        map["z"] = 1
        map["a"] = 2
        let value = KValue.map(map)
        XCTAssertEqual(try MessagePackReader.decode(MessagePackWriter.encode(value)), value)
    }

    func testSmallestEncodings() {
        XCTAssertEqual(MessagePackWriter.encode(.int(5)), [0x05])
        XCTAssertEqual(MessagePackWriter.encode(.int(-1)), [0xff])
        XCTAssertEqual(MessagePackWriter.encode(.int(200)), [0xcc, 200])
        XCTAssertEqual(MessagePackWriter.encode(.uint(UInt64.max)), [0xcf] + [UInt8](repeating: 0xff, count: 8))
        XCTAssertEqual(MessagePackWriter.encode("ab"), [0xa2, 0x61, 0x62])
        XCTAssertEqual(MessagePackWriter.encode([:]), [0x80])
    }

    private func assertRejected(_ bytes: [UInt8], containing text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try MessagePackReader.decode(bytes), file: file, line: line) { error in
            guard let error = error as? SimArenaError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(error.kind, .data, file: file, line: line)
            XCTAssertTrue(error.message.contains(text), "\(error.message)", file: file, line: line)
            XCTAssertFalse(error.message.contains("\n"), file: file, line: line)
        }
    }

    func testBadInputIsRejectedWithItsReason() throws {
        assertRejected([], containing: "empty")
        assertRejected([0x92, 0x01], containing: "claims 2 elements")
        assertRejected([0xa5, 0x61], containing: "claims 5 bytes")
        assertRejected([0xc1], containing: "invalid MessagePack type byte 0xc1")
        assertRejected([0x01, 0x02], containing: "trailing bytes")
        assertRejected([0xd4, 0x01, 0x00], containing: "extension type 1")
        assertRejected([0xa2, 0xff, 0xfe], containing: "not valid UTF-8")
        assertRejected([0xcd, 0x01], containing: "integer at byte 0 claims 2 bytes")
        assertRejected([0xdc, 0x01], containing: "truncated at byte 1")
        // {"a": 1, "a": 2}: refused, as JSON refuses it (it was read as two entries).
        assertRejected([0x82, 0xa1, 0x61, 0x01, 0xa1, 0x61, 0x02], containing: "duplicate key \"a\"")
        // The same for integer keys, and for a map of more than 16 keys (the hashed path).
        assertRejected([0x82, 0x01, 0x01, 0x01, 0x02], containing: "duplicate key 1")
        let many: [UInt8] = [0xde, 0x00, 0x12] + (0..<17).flatMap { [UInt8(0xa1), UInt8(0x61 + $0), 0xc0] } + [0xa1, 0x63, 0xc0]
        assertRejected(many, containing: "duplicate key \"c\"")
        let realTruncated = Array(try FileIO.read(try Fixtures.simkube("dsb-scaling.sktrace")).dropLast(100))
        assertRejected(realTruncated, containing: "bytes")
    }

    func testAbsurdLengthsDoNotAllocate() {
        // A 4 GB string length prefix in a 1 KB file.
        assertRejected([0xdb, 0xff, 0xff, 0xff, 0xff] + [UInt8](repeating: 0x61, count: 1019), containing: "claims 4294967295 bytes")
        // Four billion array elements, and a map of as many entries.
        assertRejected([0xdd, 0xff, 0xff, 0xff, 0xff] + [UInt8](repeating: 0xc0, count: 1019), containing: "claims 4294967295 elements")
        assertRejected([0xdf, 0xff, 0xff, 0xff, 0xff, 0xc0, 0xc0], containing: "claims 8589934590 elements")
    }

    func testDeepNestingIsRefused() {
        assertRejected([UInt8](repeating: 0x91, count: 100_000) + [0xc0], containing: "nesting deeper than 32")
        let deepest = [UInt8](repeating: 0x91, count: 32) + [0xc0]
        XCTAssertNoThrow(try MessagePackReader.decode(deepest))
    }
}
