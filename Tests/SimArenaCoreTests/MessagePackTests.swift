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
    /// A value at or beside every boundary between two MessagePack encodings.
    static let boundaryValues: [KValue] = {
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
        return values
    }()

    func testEncodingsMatchMsgpackCsPackerAtEveryBoundary() {
        for value in Self.boundaryValues {
            XCTAssertEqual(MessagePackWriter.encode(value), Self.msgpackC(value), "\(value.typeDescription)")
        }
        let stream = MessagePackWriter.Stream()
        stream.mapHeader(70_000)
        stream.arrayHeader(3)
        stream.pack("x")
        XCTAssertEqual(stream.bytes, [0xdf, 0, 1, 0x11, 0x70, 0x93, 0xa1, 0x78])
    }

    /// The reader against msgpack-c's unpacker: the real traces, every boundary value, forms the
    /// writer never picks, and random documents whose short strings repeat and share the reader's
    /// table slots (``ShortStrings``).
    func testDecodingMatchesMsgpackCsUnpacker() throws {
        var documents = try Fixtures.messagePackTraces.map { try FileIO.read(try Fixtures.simkube($0)) }
        documents += Self.boundaryValues.filter { $0.doubleValue?.isNaN != true }.map(Self.msgpackC)
        // "ab" as str8 and "a" as str16; 5 as uint64 and as int8; -2 as int64; 1.5 as float32.
        documents += [[0xd9, 0x02, 0x61, 0x62], [0xda, 0x00, 0x01, 0x61], [0xcf, 0, 0, 0, 0, 0, 0, 0, 5], [0xd0, 0x05],
                      [0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe], [0xca, 0x3f, 0xc0, 0x00, 0x00]]
        var random = SeededGenerator(seed: 11)
        for _ in 0..<200 { documents.append(Self.msgpackC(Self.randomValue(depth: 0, random: &random))) }
        for bytes in documents {
            XCTAssertEqual(try MessagePackReader.decode(bytes), try Self.unpackedByMsgpackC(bytes))
        }
        // Where the two differ on purpose: a float32 keeps its bits, a signalling NaN included.
        let signalling: UInt32 = 0x7fa0_0001
        let decoded = try MessagePackReader.decode([0xca] + withUnsafeBytes(of: signalling.bigEndian, Array.init))
        guard case .float(let number) = decoded else { return XCTFail("\(decoded)") }
        XCTAssertEqual(number.bitPattern, signalling)
    }

    /// A random document of maps, arrays, numbers and strings of up to 20 bytes over a small
    /// alphabet (so that many repeat; NUL, so that some differ only in length), some of them not
    /// ASCII.
    private static func randomValue(depth: Int, random: inout SeededGenerator) -> KValue {
        func text() -> String {
            let length = Int(random.next(below: 21))
            let letters = (0..<length).map { _ in random.next(below: 3) }
            return String(letters.map { ["a", "\u{0}", random.next(below: 50) == 0 ? "é" : "c"][Int($0)] })
        }
        switch random.next(below: depth < 4 ? 6 : 4) {
        case 0: return .int(Int64(bitPattern: random.next()) >> random.next(below: 64))
        case 1: return .double(random.unitDouble())
        case 2, 3: return .string(text())
        case 4: return .array((0..<random.next(below: 9)).map { _ in randomValue(depth: depth + 1, random: &random) })
        default:
            var map = KMap()
            for _ in 0..<random.next(below: 9) { map[text()] = randomValue(depth: depth + 1, random: &random) }
            return .map(map)
        }
    }

    /// `bytes` unpacked by msgpack-c, as a ``KValue``.
    private static func unpackedByMsgpackC(_ bytes: [UInt8]) throws -> KValue {
        var unpacked = msgpack_unpacked()
        msgpack_unpacked_init(&unpacked)
        defer { msgpack_unpacked_destroy(&unpacked) }
        var offset = 0
        let status = bytes.withUnsafeBytes {
            msgpack_unpack_next(&unpacked, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count, &offset)
        }
        guard status == MSGPACK_UNPACK_SUCCESS, offset == bytes.count else { throw SimArenaError(.data, "msgpack-c: \(status)") }
        func value(_ object: msgpack_object) -> KValue {
            switch object.type {
            case MSGPACK_OBJECT_BOOLEAN: return .bool(object.via.boolean)
            case MSGPACK_OBJECT_POSITIVE_INTEGER: return .integer(object.via.u64)
            case MSGPACK_OBJECT_NEGATIVE_INTEGER: return .int(object.via.i64)
            case MSGPACK_OBJECT_FLOAT32: return .float(Float(object.via.f64))
            case MSGPACK_OBJECT_FLOAT64: return .double(object.via.f64)
            case MSGPACK_OBJECT_STR:
                let body = UnsafeRawBufferPointer(start: object.via.str.ptr, count: Int(object.via.str.size))
                return .string(String(decoding: body, as: UTF8.self))
            case MSGPACK_OBJECT_BIN: return .binary(Array(UnsafeRawBufferPointer(start: object.via.bin.ptr, count: Int(object.via.bin.size))))
            case MSGPACK_OBJECT_ARRAY:
                return .array(UnsafeBufferPointer(start: object.via.array.ptr, count: Int(object.via.array.size)).map(value))
            case MSGPACK_OBJECT_MAP:
                let pairs = UnsafeBufferPointer(start: object.via.map.ptr, count: Int(object.via.map.size))
                return .map(KMap(pairs.map { KMap.Entry(key: value($0.key), value: value($0.val)) }))
            default: return .null
            }
        }
        return value(unpacked.data)
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
        // As msgpack-c: a 33rd level is refused even when it is an empty array or map.
        assertRejected([UInt8](repeating: 0x91, count: 32) + [0x90], containing: "nesting deeper than 32")
        assertRejected([UInt8](repeating: 0x91, count: 32) + [0x80], containing: "nesting deeper than 32")
    }
}
