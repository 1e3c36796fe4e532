import CMsgPack
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

    /// The writer against msgpack-c's own packer (the oracle: SimKube's traces are written by an
    /// encoder that picks the same forms), at every boundary between two encodings.
    func testEncodingsMatchMsgpackCsPackerAtEveryBoundary() {
        var values: [KValue] = [nil, true, false, .float(1.5), .float(-0.0), .float(.infinity), .double(0.1), .double(-0.0),
                                .double(.nan), .double(Double.greatestFiniteMagnitude)]
        for bound: Int64 in [0, 1 << 5, 1 << 7, 1 << 8, 1 << 15, 1 << 16, 1 << 31, 1 << 32, 1 << 62] {
            for number in [bound - 1, bound, bound + 1, -bound - 1, -bound, -bound + 1] { values.append(.int(number)) }
        }
        values += [.int(Int64.min), .int(Int64.max), .uint(UInt64(Int64.max) + 1), .uint(UInt64.max), .uint(0), .uint(200)]
        for length in [0, 1, 31, 32, 255, 256, 65535, 65536] {
            values.append(.string(String(repeating: "é", count: length / 2) + String(repeating: "a", count: length % 2)))
            values.append(.string(String(repeating: "x", count: length)))
            values.append(.binary([UInt8](repeating: 7, count: length)))
        }
        for count in [0, 15, 16, 65535, 65536] {
            values.append(.array([KValue](repeating: 1, count: count)))
            values.append(.map(KMap((0..<count).map { KMap.Entry(key: .int(Int64($0)), value: "v") })))
        }
        values.append(["nested": [["k": .uint(UInt64.max)], [1, -1, "s"]], "n": nil])
        for value in values {
            XCTAssertEqual(MessagePackWriter.encode(value), Self.msgpackC(value), "\(value.typeDescription)")
        }
        let stream = MessagePackWriter.Stream()
        stream.mapHeader(70_000)
        stream.arrayHeader(3)
        stream.pack("x")
        XCTAssertEqual(stream.bytes, [0xdf, 0, 1, 0x11, 0x70, 0x93, 0xa1, 0x78])
    }

    /// `value` packed by msgpack-c.
    private static func msgpackC(_ value: KValue) -> [UInt8] {
        let buffer = msgpack_sbuffer_new()!
        defer { msgpack_sbuffer_free(buffer) }
        let packer = msgpack_packer_new(buffer, msgpack_sbuffer_write)!
        defer { msgpack_packer_free(packer) }
        func pack(_ value: KValue) {
            switch value {
            case .null: msgpack_pack_nil(packer)
            case .bool(let flag): _ = flag ? msgpack_pack_true(packer) : msgpack_pack_false(packer)
            case .int(let number): msgpack_pack_int64(packer, number)
            case .uint(let number): msgpack_pack_uint64(packer, number)
            case .float(let number): msgpack_pack_float(packer, number)
            case .double(let number): msgpack_pack_double(packer, number)
            case .string(var text):
                text.withUTF8 { utf8 in
                    msgpack_pack_str(packer, utf8.count)
                    msgpack_pack_str_body(packer, utf8.baseAddress, utf8.count)
                }
            case .binary(let data):
                data.withUnsafeBytes { raw in
                    msgpack_pack_bin(packer, raw.count)
                    msgpack_pack_bin_body(packer, raw.baseAddress, raw.count)
                }
            case .array(let items):
                msgpack_pack_array(packer, items.count)
                items.forEach(pack)
            case .map(let map):
                msgpack_pack_map(packer, map.count)
                for entry in map.entries {
                    pack(entry.key)
                    pack(entry.value)
                }
            }
        }
        pack(value)
        return Array(UnsafeRawBufferPointer(start: buffer.pointee.data, count: buffer.pointee.size))
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
