import CJansson
import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

/// Checks ``JSONReader`` and ``JSONWriter`` against the C library jansson on generated documents.
///
/// jansson cannot be the trace reader (it refuses integers above 2^63−1, and SimKube traces hold
/// u64 hashes), but on documents without such integers the two must agree: both accept with the
/// same value, or both reject. jansson runs with duplicate keys rejected and `\u0000` allowed,
/// as our reader does; its integers are our `.int` and its reals our `.double`.
final class JSONJanssonOracleTests: XCTestCase {
    func testGeneratedDocumentsAgreeWithJansson() throws {
        var documents = RandomDocuments(seed: 0xCAFE)
        for _ in 0..<3000 {
            let document = documents.next()
            XCTAssertEqual(try agreement(on: document), .bothAccept, String(decoding: document, as: UTF8.self))
        }
    }

    func testMutatedDocumentsAgreeWithJansson() throws {
        var documents = RandomDocuments(seed: 0xBAD)
        var outcomes: [Agreement: Int] = [:]
        for _ in 0..<10_000 {
            outcomes[try agreement(on: documents.mutate(documents.next())), default: 0] += 1
        }
        // The mix shows that the mutations exercise both paths.
        XCTAssertGreaterThan(outcomes[.bothAccept, default: 0], 500, "\(outcomes)")
        XCTAssertGreaterThan(outcomes[.bothReject, default: 0], 5000, "\(outcomes)")
    }

    func testFixturesAgreeWithJansson() throws {
        for path in try JSONCodecTests.jsonFixturePaths() {
            // large_trace.json holds u64 hashes, which jansson refuses.
            XCTAssertNotEqual(try agreement(on: try FileIO.read(path)), .disagree, path)
        }
    }

    // MARK: Comparing

    enum Agreement: Hashable {
        case bothAccept, bothReject, outsideJansson, disagree
    }

    /// Parses `document` with both readers and, when both accept, checks that the values are
    /// equal and that jansson reads what ``JSONWriter`` writes (and we read what jansson writes)
    /// as the same value. Failures are reported through XCTest and return `.disagree`.
    func agreement(on document: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws -> Agreement {
        let text = String(decoding: document, as: UTF8.self)
        let ours = Result { try JSONReader.parse(document) }
        switch (Jansson.parse(document), ours) {
        case (.success(let theirs), .success(let value)):
            XCTAssertEqual(value, theirs, "values differ for \(text)", file: file, line: line)
            for pretty in [false, true] {
                let written = try JSONWriter.encode(value, pretty: pretty)
                let reread = Jansson.parse(written)
                XCTAssertEqual(try reread.get(), value, "jansson reads our output differently", file: file, line: line)
            }
            XCTAssertEqual(
                try JSONReader.parse(Jansson.dump(document)), value, "jansson's output", file: file, line: line)
            return value == theirs ? .bothAccept : .disagree
        case (.failure, .failure):
            return .bothReject
        case (.failure(let error), .success) where error.isOutsideOracle:
            return .outsideJansson
        case (.failure(let error), .success):
            XCTFail("jansson rejects (\(error.text)) what we accept: \(text)", file: file, line: line)
        case (.success, .failure(let error)):
            XCTFail("we reject (\(error)) what jansson accepts: \(text)", file: file, line: line)
        }
        return .disagree
    }

    /// jansson, used through its C API.
    enum Jansson {
        static let decodeFlags = Int(JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL)

        struct ParseError: Error {
            var text: String

            /// Whether the document is valid JSON that jansson does not take: an integer outside
            /// `Int64`, or `\u0000` in a key.
            var isOutsideOracle: Bool {
                text.contains("too big") || text.contains("NUL byte in object key")
            }
        }

        static func parse(_ bytes: [UInt8]) -> Result<KValue, ParseError> {
            var error = json_error_t()
            let root = bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { json_loadb($0.baseAddress, $0.count, decodeFlags, &error) }
            }
            guard let root else {
                let text = withUnsafeBytes(of: error.text) {
                    String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
                }
                return .failure(ParseError(text: text))
            }
            defer { json_decref(root) }
            return .success(value(of: root))
        }

        /// jansson's compact JSON text for the document it parses from `bytes`.
        static func dump(_ bytes: [UInt8]) throws -> [UInt8] {
            let root = try bytes.withUnsafeBufferPointer { buffer in
                try XCTUnwrap(
                    buffer.withMemoryRebound(to: CChar.self) { json_loadb($0.baseAddress, $0.count, decodeFlags, nil) })
            }
            defer { json_decref(root) }
            let flags = Int(JSON_COMPACT | JSON_ENCODE_ANY) | 17 << 11  // JSON_REAL_PRECISION(17)
            let length = json_dumpb(root, nil, 0, flags)
            var text = [UInt8](repeating: 0, count: length)
            _ = text.withUnsafeMutableBytes { json_dumpb(root, $0.baseAddress, length, flags) }
            return text
        }

        static func value(of json: UnsafeMutablePointer<json_t>) -> KValue {
            switch json.pointee.type {
            case JSON_OBJECT:
                var entries: [KMap.Entry] = []
                var iterator = json_object_iter(json)
                while let current = iterator {
                    let key = UnsafeRawBufferPointer(
                        start: json_object_iter_key(current), count: json_object_iter_key_len(current))
                    entries.append(
                        KMap.Entry(
                            key: .string(String(decoding: key, as: UTF8.self)),
                            value: value(of: json_object_iter_value(current))))
                    iterator = json_object_iter_next(json, current)
                }
                return .map(KMap(entries))
            case JSON_ARRAY:
                return .array((0..<json_array_size(json)).map { value(of: json_array_get(json, $0)) })
            case JSON_STRING:
                let bytes = UnsafeRawBufferPointer(start: json_string_value(json), count: json_string_length(json))
                return .string(String(decoding: bytes, as: UTF8.self))
            case JSON_INTEGER: return .int(Int64(json_integer_value(json)))
            case JSON_REAL: return .double(json_real_value(json))
            case JSON_TRUE: return .bool(true)
            case JSON_FALSE: return .bool(false)
            default: return .null
            }
        }
    }

    // MARK: Generating

    /// Random JSON text with the spellings that a value can take (whitespace, escapes, number
    /// forms), without integers outside `Int64` and without a lone `"$kmap"` member; and
    /// byte-level mutations of such text.
    struct RandomDocuments {
        var random: SeededGenerator
        var text: [UInt8] = []
        static let maxDepth = 4
        static let whitespace = Array(" \t\n\r".utf8)
        static let plainPieces = ["a", "key", "Zz9", " ", "$kmap", "é", "€", "😀", "\u{7F}", "'", "/"]
        static let escapes = [
            #"\""#, #"\\"#, #"\/"#, #"\b"#, #"\f"#, #"\n"#, #"\r"#, #"\t"#, #"\u0000"#, #"\u001F"#,
            #"\u00e9"#, #"\u20AC"#, #"\uD83D\uDE00"#, #"\udbff\udfff"#, #"\uFFFF"#,
        ]
        static let keyEscapes = escapes.filter { $0 != #"\u0000"# }
        /// Bytes that mutations insert: structure, number and escape characters, and bytes that
        /// are never valid (control characters, broken UTF-8). Not NUL: jansson accepts a NUL
        /// byte right after a number or literal (`[1\0]`), which RFC 8259 and our reader reject.
        static let mutationBytes =
            Array(",:[]{}\"\\0123456789-+.eEuDd/'tfnx \n".utf8) + [0x01, 0x1F, 0x80, 0xC3, 0xED, 0xF0, 0xFF]

        init(seed: UInt64) {
            random = SeededGenerator(seed: seed)
        }

        mutating func next() -> [UInt8] {
            text = []
            space()
            value(depth: 0)
            space()
            return text
        }

        /// `document` with one random deletion, insertion, replacement, duplication or cut.
        mutating func mutate(_ document: [UInt8]) -> [UInt8] {
            var bytes = document
            let index = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: bytes.remove(at: index)
            case 1: bytes.insert(Self.mutationBytes.randomElement(using: &random)!, at: index)
            case 2: bytes[index] = Self.mutationBytes.randomElement(using: &random)!
            case 3: bytes.insert(contentsOf: bytes[index..<min(index + 4, bytes.count)], at: index)
            default: bytes.removeSubrange(index...)
            }
            return bytes
        }

        mutating func value(depth: Int) {
            switch Int.random(in: 0..<(depth < Self.maxDepth ? 9 : 6), using: &random) {
            case 0: append(["null", "true", "false"].randomElement(using: &random)!)
            case 1, 2: number()
            case 3, 4, 5: string(unique: "")
            case 6, 7: container("[", "]", depth: depth) { generator, _ in generator.value(depth: depth + 1) }
            default:
                container("{", "}", depth: depth) { generator, index in
                    // "#index" keeps keys distinct, so a "$kmap" key never stands alone.
                    generator.string(unique: "#\(index)")
                    generator.space()
                    generator.append(":")
                    generator.space()
                    generator.value(depth: depth + 1)
                }
            }
        }

        mutating func container(
            _ open: String, _ close: String, depth: Int, element: (inout RandomDocuments, Int) -> Void
        ) {
            append(open)
            space()
            for index in 0..<Int.random(in: 0...4, using: &random) {
                if index > 0 {
                    space()
                    append(",")
                    space()
                }
                element(&self, index)
            }
            space()
            append(close)
        }

        mutating func number() {
            switch Int.random(in: 0..<4, using: &random) {
            case 0: append(String(Int64.random(in: Int64.min...Int64.max, using: &random)))
            case 1:
                append(
                    ["0", "-0", "9223372036854775807", "-9223372036854775808", "1", "-1"].randomElement(using: &random)!
                )
            default:
                if Bool.random(using: &random) { append("-") }
                append(Bool.random(using: &random) ? "0" : String(Int.random(in: 1...999_999, using: &random)))
                if Bool.random(using: &random) {
                    append(".")
                    append(digits(count: Int.random(in: 1...20, using: &random)))
                }
                if Bool.random(using: &random) {
                    // Up to 1e306 stays finite; down to 1e-340 reaches subnormals and zero.
                    let sign = ["", "+", "-"].randomElement(using: &random)!
                    append((Bool.random(using: &random) ? "e" : "E") + sign)
                    append(String(Int.random(in: 0...(sign == "-" ? 340 : 300), using: &random)))
                }
            }
        }

        mutating func digits(count: Int) -> String {
            String((0..<count).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0x30...0x39, using: &random))) })
        }

        /// A string; a key when `suffix` is not empty (it keeps keys distinct).
        mutating func string(unique suffix: String) {
            // jansson refuses keys with NUL in them.
            let escapes = suffix.isEmpty ? Self.escapes : Self.keyEscapes
            append("\"")
            for _ in 0..<Int.random(in: 0...5, using: &random) {
                append(
                    Bool.random(using: &random)
                        ? Self.plainPieces.randomElement(using: &random)!
                        : escapes.randomElement(using: &random)!)
            }
            append(suffix)
            append("\"")
        }

        mutating func space() {
            for _ in 0..<Int.random(in: 0...2, using: &random) {
                text.append(Self.whitespace.randomElement(using: &random)!)
            }
        }

        mutating func append(_ piece: String) {
            text.append(contentsOf: piece.utf8)
        }
    }
}
