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
        return writer.out.bytes
    }

    /// Appends `value` as compact JSON to `out`, as a value of ``JSONOutput``'s (a comma before
    /// it where one is due); a NaN or infinity throws naming its place under `place`.
    public static func write(_ value: KValue, to out: inout JSONOutput, at place: @autoclosure () -> String) throws(SimArenaError) {
        switch value {
        case .null: return out.null()
        case .bool(let flag): return out.bool(flag)
        case .int(let number): return out.int(number)
        case .uint(let number): return out.uint(number)
        case .string(let text): return out.string(text)
        case .double(let number): return try out.double(number, at: place())
        case .float(let number): return try out.float(number, at: place())
        case .binary, .array, .map: break
        }
        var writer = Writer(pretty: false, out: JSONOutput(capacity: 0))
        swap(&writer.out, &out)
        defer { swap(&writer.out, &out) }
        writer.out.separate()
        do throws(SimArenaError) {
            try writer.write(value, depth: 0)
        } catch {
            throw error.message == Writer.nonFinite.message ? nonFiniteError(at: place() + (value.firstNonFiniteNumber?.description ?? "")) : error
        }
    }

    /// `/spec/x: NaN or infinity cannot be written as JSON`, naming the first such number.
    public static func nonFiniteError(in value: KValue) -> SimArenaError {
        nonFiniteError(at: value.firstNonFiniteNumber?.description)
    }

    /// The same for the number at `place`, a JSON pointer ("" for the whole document; nil when
    /// not known).
    public static func nonFiniteError(at place: String?) -> SimArenaError {
        let prefix = place.map { "\($0.isEmpty ? "the document" : $0): " } ?? ""
        return SimArenaError(.data, prefix + "NaN or infinity cannot be written as JSON (MessagePack can hold it)")
    }
}

/// Writes a ``KValue``'s tokens, with the line breaks and indents of pretty output.
private struct Writer {
    let pretty: Bool
    var out: JSONOutput

    init(pretty: Bool, out: JSONOutput = JSONOutput(capacity: 1 << 16)) {
        self.pretty = pretty
        self.out = out
    }

    /// Writes `value`, which sits inside `depth` containers.
    mutating func write(_ value: KValue, depth: Int) throws(SimArenaError) {
        switch value {
        case .null: out.appendASCII("null")
        case .bool(let flag): out.appendASCII(flag ? "true" : "false")
        case .int(let number): out.appendInteger(number.magnitude, negative: number < 0)
        case .uint(let number): out.appendInteger(number, negative: false)
        case .float(let number):
            guard number.isFinite else { throw Self.nonFinite }
            out.appendASCII(number.description)
        case .double(let number):
            guard number.isFinite else { throw Self.nonFinite }
            out.appendASCII(number.description)
        case .string(let string): out.appendString(string)
        case .binary(let bytes): out.appendBase64(bytes)
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
        out.append(UInt8(ascii: " "), repeating: 2 * indent)
    }
}
