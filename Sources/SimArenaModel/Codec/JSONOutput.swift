/// JSON text appended to a byte buffer, a token at a time, in ``JSONWriter``'s forms: integers
/// as exact decimals, doubles and floats in Swift's shortest round-trip form, strings escaped
/// minimally. ``JSONWriter`` writes a ``KValue`` with it; a typed document (a `step.jsonl` line)
/// writes its members straight into it, with the same bytes and without building the value.
///
/// Two levels:
/// - the `append…` methods write one token and nothing else; the caller places separators;
/// - ``key(_:)``, ``beginObject()``, ``beginArray()`` and the value methods (``int(_:)``,
///   ``double(_:at:)``, …) write compact JSON and place the commas themselves: a value or key
///   is preceded by a comma unless it opens the text, a container, or follows its key.
public struct JSONOutput {
    /// The text so far.
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    // MARK: Compact JSON with the commas placed

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
    }

    /// An object member's key and its colon; its value follows.
    public mutating func key(_ name: String) {
        separate()
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// A key encoded once, for a document written many times.
    public mutating func key(_ key: Key) {
        separate()
        bytes.append(contentsOf: key.text)
    }

    /// An object member's key with its quotes, escapes and colon, ready to append.
    public struct Key: Sendable {
        let text: [UInt8]

        public init(_ name: String) {
            var output = JSONOutput(capacity: name.utf8.count + 3)
            output.key(name)
            text = output.bytes
        }
    }

    public mutating func null() {
        separate()
        appendASCII("null")
    }

    public mutating func bool(_ flag: Bool) {
        separate()
        appendASCII(flag ? "true" : "false")
    }

    public mutating func int(_ number: Int64) {
        separate()
        appendInteger(number.magnitude, negative: number < 0)
    }

    public mutating func uint(_ number: UInt64) {
        separate()
        appendInteger(number, negative: false)
    }

    /// A double; NaN and infinity throw ``JSONWriter/nonFiniteError(at:)`` naming `place` (a JSON
    /// pointer such as `/reward`), built only then.
    public mutating func double(_ number: Double, at place: @autoclosure () -> String) throws(SimArenaError) {
        guard number.isFinite else { throw JSONWriter.nonFiniteError(at: place()) }
        separate()
        appendASCII(number.description)
    }

    /// A float, as ``double(_:at:)``.
    public mutating func float(_ number: Float, at place: @autoclosure () -> String) throws(SimArenaError) {
        guard number.isFinite else { throw JSONWriter.nonFiniteError(at: place()) }
        separate()
        appendASCII(number.description)
    }

    public mutating func string(_ text: String) {
        separate()
        appendString(text)
    }

    /// The string, or null.
    public mutating func string(_ text: String?) {
        if let text { string(text) } else { null() }
    }

    /// A comma unless the text, a container or a member's value starts here.
    public mutating func separate() {
        guard let last = bytes.last, last != UInt8(ascii: "{"), last != UInt8(ascii: "["), last != UInt8(ascii: ":") else { return }
        bytes.append(UInt8(ascii: ","))
    }

    // MARK: Single tokens

    public mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    public mutating func append(_ byte: UInt8, repeating count: Int) {
        bytes.append(contentsOf: repeatElement(byte, count: count))
    }

    /// Text known to need no escaping (literals, numbers).
    public mutating func appendASCII(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// An integer's decimal digits, after a minus sign when `negative`.
    public mutating func appendInteger(_ magnitude: UInt64, negative: Bool) {
        if negative { bytes.append(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = magnitude
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// A quoted string: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f` and other control characters
    /// as `\u00xx` escaped, everything else (`/` and non-ASCII too) as its UTF-8.
    public mutating func appendString(_ string: String) {
        var string = string
        string.withUTF8 { text in
            bytes.append(UInt8(ascii: "\""))
            var runStart = 0
            var index = 0
            while index < text.count {
                let byte = text[index]
                index += 1
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index - 1]))
                runStart = index
                appendEscape(byte)
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...]))
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// The escape for a byte a string may not hold as it is.
    private mutating func appendEscape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            appendASCII("u00")
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0xF)])
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let base64Digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// `data` as a quoted string of standard base64 with `=` padding.
    public mutating func appendBase64(_ data: [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var index = 0
        while index < data.count {
            let chunk = data[index..<min(index + 3, data.count)]
            var group = 0
            for (position, byte) in chunk.enumerated() { group |= Int(byte) << (16 - 8 * position) }
            for position in 0..<4 {
                bytes.append(
                    position <= chunk.count ? Self.base64Digits[(group >> (18 - 6 * position)) & 63] : UInt8(ascii: "=")
                )
            }
            index += 3
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
