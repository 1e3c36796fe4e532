/// Writes a ``KValue`` as JSON text (RFC 8259), deterministically: the same value always gives
/// the same bytes, with map entries in their stored order.
///
/// - Pretty output indents by two spaces, writes members as `"key": value`, keeps empty arrays
///   and maps as `[]` and `{}`, and ends with a newline. Compact output has no whitespace at all.
/// - Strings are escaped minimally: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other control
///   characters as `\u00xx`; everything else, `/` and non-ASCII included, is written as UTF-8.
/// - Integers (``KValue/int(_:)``, ``KValue/uint(_:)``) are exact decimals. Doubles and floats
///   take Swift's shortest round-trip form (`0.1`, `5.0`, `1e-05`), so a double reads back as
///   the same double; a float reads back as the double nearest its decimal form. NaN and
///   infinity cannot be written and throw a ``SimArenaError`` of kind `.data`.
/// - ``KValue/binary(_:)`` is written as a string of standard padded base64; it does not round
///   trip and reads back as a string.
///
/// Maps whose keys are not all strings (MessagePack allows any key; SimKube traces key
/// `pod_lifecycles` by `["v1.Pod", "ns/name"]` arrays and its inner maps by u64 hashes) use the
/// `"$kmap"` convention: such a map is written as an object with the single member `"$kmap"`
/// whose value is the array of its `[key, value]` pairs in order, e.g.
/// `{"$kmap":[[["v1.Pod","ns/a"],{"$kmap":[[17156035354639895998,[]]]}]]}`. A map of string keys
/// whose only key is `"$kmap"` is written in the pairs form as well, so reading is unambiguous:
/// ``JSONReader`` turns every object whose only member is `"$kmap"` back into the map of those
/// pairs, and rejects any other value under that member. Every other map is a plain object.
public enum JSONWriter {
    /// The JSON text of `value`, two-space indented with a final newline when `pretty`.
    public static func encode(_ value: KValue, pretty: Bool) throws -> [UInt8] {
        var writer = Writer(pretty: pretty)
        do throws(SimArenaError) {
            try writer.write(value, depth: 0)
        } catch {
            // Where the number is, found again only now that writing failed.
            throw error.message == Writer.nonFinite.message ? nonFiniteError(in: value) : error
        }
        if pretty { writer.out.append(UInt8(ascii: "\n")) }
        return writer.out
    }

    /// `/spec/x: NaN or infinity cannot be written as JSON`, naming the first such number.
    public static func nonFiniteError(in value: KValue) -> SimArenaError {
        let place = value.firstNonFiniteNumber.map { "\($0.description.isEmpty ? "the document" : $0.description): " } ?? ""
        return SimArenaError(.data, place + "NaN or infinity cannot be written as JSON (MessagePack can hold it)")
    }
}

/// Appends JSON text to one growing buffer.
private struct Writer {
    let pretty: Bool
    var out: [UInt8] = []

    init(pretty: Bool) {
        self.pretty = pretty
        out.reserveCapacity(1 << 16)
    }

    /// Writes `value`, which sits inside `depth` containers.
    mutating func write(_ value: KValue, depth: Int) throws(SimArenaError) {
        switch value {
        case .null: appendASCII("null")
        case .bool(let flag): appendASCII(flag ? "true" : "false")
        case .int(let number): writeInteger(number.magnitude, negative: number < 0)
        case .uint(let number): writeInteger(number, negative: false)
        case .float(let number):
            guard number.isFinite else { throw Self.nonFinite }
            appendASCII(number.description)
        case .double(let number):
            guard number.isFinite else { throw Self.nonFinite }
            appendASCII(number.description)
        case .string(let string): writeString(string)
        case .binary(let bytes): writeBase64(bytes)
        case .array(let items):
            try writeContainer(items, open: UInt8(ascii: "["), close: UInt8(ascii: "]"), depth: depth) {
                (writer, item, depth) throws(SimArenaError) in try writer.write(item, depth: depth)
            }
        case .map(let map):
            if JSONNonStringKeys.needsPairs(map) {
                try writeObject(CollectionOfOne(JSONNonStringKeys.pairsMember(map)), depth: depth)
            } else {
                try writeObject(map.entries, depth: depth)
            }
        }
    }

    static let nonFinite = SimArenaError(.data, "cannot write NaN/infinity as JSON")

    /// Writes members whose keys are all strings as an object.
    mutating func writeObject(_ members: some Collection<KMap.Entry>, depth: Int) throws(SimArenaError) {
        try writeContainer(members, open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), depth: depth) {
            (writer, member, depth) throws(SimArenaError) in
            try writer.write(member.key, depth: depth)
            writer.out.append(UInt8(ascii: ":"))
            if writer.pretty { writer.out.append(UInt8(ascii: " ")) }
            try writer.write(member.value, depth: depth)
        }
    }

    /// Writes `open`, the elements separated by commas (one a line when pretty), and `close`.
    mutating func writeContainer<Elements: Collection>(
        _ elements: Elements, open: UInt8, close: UInt8, depth: Int,
        _ writeElement: (inout Writer, Elements.Element, Int) throws(SimArenaError) -> Void
    ) throws(SimArenaError) {
        out.append(open)
        if !elements.isEmpty {
            var first = true
            for element in elements {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                newline(indent: depth + 1)
                try writeElement(&self, element, depth + 1)
            }
            newline(indent: depth)
        }
        out.append(close)
    }

    mutating func newline(indent: Int) {
        guard pretty else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    mutating func appendASCII(_ text: String) {
        out.append(contentsOf: text.utf8)
    }

    mutating func writeInteger(_ magnitude: UInt64, negative: Bool) {
        if negative { out.append(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = magnitude
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { bytes in
            out.append(UInt8(ascii: "\""))
            var runStart = 0
            for (index, byte) in bytes.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                default:
                    appendASCII("u00")
                    out.append(Self.hexDigits[Int(byte >> 4)])
                    out.append(Self.hexDigits[Int(byte & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            out.append(UInt8(ascii: "\""))
        }
    }

    static let hexDigits = Array("0123456789abcdef".utf8)
    static let base64Digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Writes `bytes` as a string of standard base64 with `=` padding.
    mutating func writeBase64(_ bytes: [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var group = 0
            for (position, byte) in chunk.enumerated() { group |= Int(byte) << (16 - 8 * position) }
            for position in 0..<4 {
                out.append(
                    position <= chunk.count ? Self.base64Digits[(group >> (18 - 6 * position)) & 63] : UInt8(ascii: "=")
                )
            }
            index += 3
        }
        out.append(UInt8(ascii: "\""))
    }
}
