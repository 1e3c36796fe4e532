/// Reads JSON text into a ``KValue``, strictly by RFC 8259.
///
/// - Integers keep their exact value: one that fits `Int64` becomes ``KValue/int(_:)`` (so `-0`
///   is `.int(0)`), a larger one up to `UInt64.max` becomes ``KValue/uint(_:)``, and any other
///   (above `UInt64.max` or below `Int64.min`) becomes the nearest ``KValue/double(_:)``. A
///   number with a fraction or an exponent is a correctly rounded ``KValue/double(_:)``; one
///   beyond `Double`'s range is an error.
/// - Objects become maps with their members in document order; a repeated key is an error. An
///   object whose only member is `"$kmap"` is a map with keys of any type (see ``JSONWriter``).
/// - The decoded value may take at most ``DecodedSizeBudget``'s multiple of the input's size.
/// - Rejected: trailing commas, comments, leading zeros, `NaN`/`Infinity`, single quotes,
///   unescaped control characters, invalid UTF-8, lone surrogates in `\u` escapes, anything
///   after the document, empty input, and nesting deeper than `maxDepth` arrays and objects.
///
/// Errors are ``SimArenaError`` of kind `.data` whose message is one line,
/// `line L, column C: problem`, with lines and columns counted from 1 and columns counting
/// Unicode scalars.
public enum JSONReader {
    /// The default limit on nested arrays and objects.
    public static let defaultMaxDepth = 256

    /// Parses one JSON document.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws -> KValue {
        try bytes.withUnsafeBytes { try parse($0, maxDepth: maxDepth) }
    }

    /// Parses one JSON document from memory the caller owns for the duration of the call.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws
        -> KValue
    {
        var parser = Parser(input: bytes.assumingMemoryBound(to: UInt8.self), maxDepth: maxDepth)
        return try parser.parseDocument()
    }
}

/// A recursive-descent parser over the input bytes. Recursion is bounded by `maxDepth`.
private struct Parser {
    let input: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    /// The offset of the next byte to read.
    var pos = 0
    /// Holds a string's bytes while its escapes are decoded; reused across strings.
    var scratch: [UInt8] = []
    /// What the values built so far take in memory.
    var budget: DecodedSizeBudget

    init(input: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.input = input
        self.maxDepth = maxDepth
        budget = DecodedSizeBudget(inputSize: input.count)
    }

    mutating func parseDocument() throws(SimArenaError) -> KValue {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard pos == input.count else { throw unexpected("expected end of input after the document", at: pos) }
        return value
    }

    // MARK: Values

    /// Parses the value at `pos` (after whitespace); `depth` counts the enclosing containers.
    mutating func parseValue(depth: Int) throws(SimArenaError) -> KValue {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"):
            try parseLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try parseLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try parseLiteral("null")
            return .null
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw unexpected("expected a value", at: pos, hint: "NaN and Infinity are not allowed")
        default:
            throw unexpected("expected a value", at: pos)
        }
    }

    mutating func parseArray(depth: Int) throws(SimArenaError) -> KValue {
        try checkDepth(depth)
        pos += 1  // "["
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            pos += 1
            return .array([])
        }
        var items: [KValue] = []
        var charged = 0
        while true {
            let start = pos
            let item = try parseValue(depth: depth)
            try charge(&charged, growing: items, stride: DecodedSizeBudget.valueSlot, at: start)
            items.append(item)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): try skipComma(before: UInt8(ascii: "]"), expected: "expected a value")
            case UInt8(ascii: "]"):
                pos += 1
                return .array(items)
            default: throw unexpected("expected ',' or ']' after array element", at: pos)
            }
        }
    }

    mutating func parseObject(depth: Int) throws(SimArenaError) -> KValue {
        try checkDepth(depth)
        pos += 1  // "{"
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            pos += 1
            return .map(KMap())
        }
        var members: [KMap.Entry] = []
        var charged = 0
        var keys = KeyIndex()
        var lastValueStart = pos
        while true {
            guard peek() == UInt8(ascii: "\"") else {
                throw unexpected(members.isEmpty ? "expected a string key or '}'" : "expected a string key", at: pos)
            }
            let keyStart = pos
            let key = KValue.string(try parseString())
            guard keys.isNew(key, among: members) else {
                throw error("duplicate key \(KeyIndex.describe(key))", at: keyStart)
            }
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw unexpected("expected ':' after object key", at: pos) }
            pos += 1
            skipWhitespace()
            lastValueStart = pos
            let member = KMap.Entry(key: key, value: try parseValue(depth: depth))
            try charge(&charged, growing: members, stride: MemoryLayout<KMap.Entry>.stride, at: keyStart)
            members.append(member)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): try skipComma(before: UInt8(ascii: "}"), expected: "expected a string key")
            case UInt8(ascii: "}"):
                pos += 1
                return try makeMap(members, valueStart: lastValueStart)
            default: throw unexpected("expected ',' or '}' after object member", at: pos)
            }
        }
    }

    /// Charges the budget, before an element is appended to `elements`, for the storage the
    /// append will allocate when it is full (twice as many slots, and a header with the first),
    /// so that an input over the budget is refused before the allocation rather than after.
    mutating func charge<Element>(_ charged: inout Int, growing elements: [Element], stride: Int, at offset: Int)
        throws(SimArenaError)
    {
        guard elements.count == elements.capacity else { return }
        let capacity = max(2 * elements.capacity, 1)
        let added = max(capacity - charged, 0) * stride + (charged == 0 ? DecodedSizeBudget.allocation : 0)
        charged = max(charged, capacity)
        guard budget.spend(added) else { throw error(budget.exceeded, at: offset) }
    }

    /// The map for an object's members, decoding the `"$kmap"` pairs form.
    func makeMap(_ members: [KMap.Entry], valueStart: Int) throws(SimArenaError) -> KValue {
        guard JSONNonStringKeys.isPairsForm(members) else { return .map(KMap(members)) }
        switch JSONNonStringKeys.map(fromPairs: members[0].value) {
        case .success(let map): return .map(map)
        case .failure(.shape):
            throw error("\"\(JSONNonStringKeys.member)\" must hold an array of [key, value] pairs", at: valueStart)
        case .failure(.duplicateKey(let key)):
            throw error("duplicate key \(KeyIndex.describe(key))", at: valueStart)
        }
    }


    mutating func parseLiteral(_ word: StaticString) throws(SimArenaError) {
        let length = word.utf8CodeUnitCount
        guard pos + length <= input.count,
            UnsafeBufferPointer(rebasing: input[pos..<pos + length])
                .elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: length))
        else { throw error("invalid literal, expected '\(word)'", at: pos) }
        pos += length
    }

    // MARK: Numbers

    mutating func parseNumber() throws(SimArenaError) -> KValue {
        let start = pos
        var i = pos
        let negative = input[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard isDigit(at: i) else { throw unexpected("expected a digit after '-'", at: i) }
        var magnitude: UInt64 = 0
        var overflow = false
        if input[i] == UInt8(ascii: "0") {
            i += 1
            guard !isDigit(at: i) else { throw error("leading zeros are not allowed in numbers", at: start) }
        } else {
            while isDigit(at: i) {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(input[i] &- UInt8(ascii: "0")))
                magnitude = sum
                overflow = overflow || o1 || o2
                i += 1
            }
        }
        var isInteger = true
        if i < input.count && input[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard isDigit(at: i) else { throw unexpected("expected a digit after '.'", at: i) }
            while isDigit(at: i) { i += 1 }
        }
        if i < input.count && input[i] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            i += 1
            if i < input.count && (input[i] == UInt8(ascii: "+") || input[i] == UInt8(ascii: "-")) { i += 1 }
            guard isDigit(at: i) else { throw unexpected("expected a digit in the exponent", at: i) }
            while isDigit(at: i) { i += 1 }
        }
        pos = i
        if isInteger && !overflow {
            if !negative { return .integer(magnitude) }
            if magnitude <= Int64.min.magnitude { return .int(Int64(truncatingIfNeeded: 0 &- magnitude)) }
        }
        // Swift's conversion is correctly rounded and ignores the C locale.
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<i]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error("number \(text) is out of range", at: start)
        }
        return .double(value)
    }

    func isDigit(at offset: Int) -> Bool {
        offset < input.count && input[offset] &- UInt8(ascii: "0") < 10
    }

    // MARK: Strings

    /// Parses the string whose opening quote is at `pos`.
    mutating func parseString() throws(SimArenaError) -> String {
        let open = pos
        var i = open + 1
        var unionOfBytes: UInt8 = 0  // bit 7 set when a raw byte is non-ASCII
        var escaped = false  // whether the string so far is in `scratch`
        var runStart = i  // the first raw byte not yet copied to `scratch`
        while i < input.count {
            let byte = input[i]
            if byte == UInt8(ascii: "\"") {
                pos = i + 1
                guard budget.spend(text: escaped ? scratch.count + i - runStart : i - runStart) else {
                    throw error(budget.exceeded, at: open)
                }
                guard escaped else {
                    return try makeString(
                        UnsafeBufferPointer(rebasing: input[runStart..<i]), from: open, to: i,
                        checkUTF8: unionOfBytes >= 0x80)
                }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<i]))
                return try scratch.withUnsafeBufferPointer { bytes throws(SimArenaError) in
                    try makeString(bytes, from: open, to: i, checkUTF8: unionOfBytes >= 0x80)
                }
            } else if byte == UInt8(ascii: "\\") {
                if !escaped {
                    escaped = true
                    scratch.removeAll(keepingCapacity: true)
                }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<i]))
                i = try decodeEscape(at: i, stringStart: open)
                runStart = i
            } else if byte < 0x20 {
                throw error(
                    "control character \(Self.hex(byte, prefix: "U+", width: 4)) in string must be escaped", at: i)
            } else {
                unionOfBytes |= byte
                i += 1
            }
        }
        throw error("unterminated string", at: open)
    }

    /// A string from its decoded bytes; when `checkUTF8`, invalid UTF-8 between the quotes at
    /// `open` and `close` is an error.
    func makeString(_ bytes: UnsafeBufferPointer<UInt8>, from open: Int, to close: Int, checkUTF8: Bool)
        throws(SimArenaError) -> String
    {
        guard checkUTF8 else { return String(decoding: bytes, as: UTF8.self) }
        if let string = String(validating: bytes, as: UTF8.self) { return string }
        // Escapes are ASCII and decode to whole scalars, so the raw bytes hold the bad sequence.
        var offset = open + 1
        var iterator = UnsafeBufferPointer(rebasing: input[offset..<close]).makeIterator()
        var decoder = Unicode.UTF8.ForwardParser()
        while case .valid(let scalar) = decoder.parseScalar(from: &iterator) { offset += scalar.count }
        throw error("invalid UTF-8 in string", at: offset)
    }

    /// Appends the character that the escape at `offset` stands for to `scratch` and returns the
    /// offset after the escape.
    mutating func decodeEscape(at offset: Int, stringStart: Int) throws(SimArenaError) -> Int {
        guard offset + 1 < input.count else { throw error("unterminated string", at: stringStart) }
        let decoded: UInt8
        switch input[offset + 1] {
        case UInt8(ascii: "\""): decoded = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): decoded = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): decoded = UInt8(ascii: "/")
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"): return try decodeUnicodeEscape(at: offset)
        default:
            throw error("invalid escape '\\' followed by \(describe(at: offset + 1)) in string", at: offset)
        }
        scratch.append(decoded)
        return offset + 2
    }

    /// Decodes `\uXXXX` at `offset`, with the `\uXXXX` low surrogate that must follow a high one.
    mutating func decodeUnicodeEscape(at offset: Int) throws(SimArenaError) -> Int {
        var value = try hexQuad(at: offset)
        var end = offset + 6
        switch value {
        case 0xD800...0xDBFF:
            guard end + 1 < input.count, input[end] == UInt8(ascii: "\\"), input[end + 1] == UInt8(ascii: "u")
            else { throw loneSurrogate(value, at: offset) }
            let low = try hexQuad(at: end)
            guard (0xDC00...0xDFFF).contains(low) else { throw loneSurrogate(value, at: offset) }
            value = 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00)
            end += 6
        case 0xDC00...0xDFFF:
            throw loneSurrogate(value, at: offset)
        default:
            break
        }
        // Surrogates are excluded above, so the value is a scalar.
        UTF8.encode(Unicode.Scalar(value)!) { scratch.append($0) }
        return end
    }

    func loneSurrogate(_ value: UInt32, at offset: Int) -> SimArenaError {
        error("lone surrogate \(Self.hex(value, prefix: "\\u", width: 4)) in string", at: offset)
    }

    /// The four hex digits of the `\u` escape at `offset`.
    func hexQuad(at offset: Int) throws(SimArenaError) -> UInt32 {
        guard offset + 6 <= input.count else { throw error("expected 4 hex digits after '\\u'", at: offset) }
        var value: UInt32 = 0
        for byte in input[offset + 2..<offset + 6] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("expected 4 hex digits after '\\u'", at: offset)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    // MARK: Tokens

    /// The byte at `pos`, or 0 (never valid outside a string) at the end of the input.
    func peek() -> UInt8 {
        pos < input.count ? input[pos] : 0
    }

    mutating func skipWhitespace() {
        while pos < input.count {
            switch input[pos] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): pos += 1
            default: return
            }
        }
    }

    /// Consumes the `,` at `pos` and rejects a `closer` right after it.
    mutating func skipComma(before closer: UInt8, expected: String) throws(SimArenaError) {
        pos += 1
        skipWhitespace()
        if peek() == closer { throw unexpected(expected, at: pos, hint: "trailing commas are not allowed") }
    }

    func checkDepth(_ depth: Int) throws(SimArenaError) {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels", at: pos) }
    }

    // MARK: Errors

    /// `line L, column C: message` for the byte at `offset`.
    func error(_ message: String, at offset: Int) -> SimArenaError {
        var line = 1
        var column = 1
        for byte in input[..<min(offset, input.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SimArenaError(.data, "line \(line), column \(column): \(message)")
    }

    /// `expected ..., found ...` at `offset`, with a hint about common non-JSON syntax.
    func unexpected(_ expected: String, at offset: Int, hint: String? = nil) -> SimArenaError {
        var message = "\(expected), found \(describe(at: offset))"
        let byte = offset < input.count ? input[offset] : 0
        if let hint = hint
            ?? (byte == UInt8(ascii: "/") ? "comments are not allowed" : nil)
            ?? (byte == UInt8(ascii: "'") ? "strings take double quotes" : nil)
        {
            message += " (\(hint))"
        }
        return error(message, at: offset)
    }

    /// The character at `offset` for a message: `'x'`, `"'"`, `U+000A`, `byte 0xFF` or
    /// `end of input`.
    func describe(at offset: Int) -> String {
        guard offset < input.count else { return "end of input" }
        let byte = input[offset]
        if byte < 0x20 || byte == 0x7F { return Self.hex(byte, prefix: "U+", width: 4) }
        if byte == UInt8(ascii: "'") { return "\"'\"" }
        var iterator = UnsafeBufferPointer(rebasing: input[offset...]).makeIterator()
        var decoder = Unicode.UTF8.ForwardParser()
        guard case .valid(let scalar) = decoder.parseScalar(from: &iterator) else {
            return Self.hex(byte, prefix: "byte 0x", width: 2)
        }
        return "'\(Character(UTF8.decode(scalar)))'"
    }

    static func hex(_ value: some BinaryInteger, prefix: String, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
