/// Reads the subset of YAML that kubeconfig files use into a ``KValue``.
///
/// Supported: block mappings and sequences (a sequence may sit at the same indentation as the key
/// that owns it, as kubectl writes them), plain, single-quoted and double-quoted scalars (with
/// YAML's escapes and line folding), flow mappings and sequences (`{}`, `[]`, so JSON documents
/// parse too), comments, one optional `---` document start and `...` end, and literal (`|`) and
/// folded (`>`) block scalars with chomping and indentation indicators.
///
/// Scalars are kept as text: a plain `true` or `6443` is the string `"true"` or `"6443"`, and the
/// reader of a field decides what it means. Only an empty value, `~` and `null` become
/// ``KValue/null``.
///
/// Refused with an error: anchors, aliases, tags, directives, complex keys, more than one
/// document, duplicate keys, tabs in indentation, invalid UTF-8 and nesting deeper than
/// `maxDepth`. Errors are ``SimArenaError`` of kind `.data` with the one-line message
/// `SOURCE:LINE: problem`.
public enum YAMLReader {
    /// The default limit on nested collections.
    public static let defaultMaxDepth = 64

    /// Parses one YAML document; `source` names it in error messages (usually the file path).
    public static func parse(_ bytes: [UInt8], source: String, maxDepth: Int = defaultMaxDepth) throws -> KValue {
        var parser = YAMLParser(text: bytes, source: source, maxDepth: maxDepth)
        return try parser.parseDocument()
    }
}

/// A recursive-descent parser over lines of bytes.
///
/// Every block-level parse function returns with `pos` at the first content byte of the next
/// line that has content (or at the end of the input), so its column is that line's indentation.
private struct YAMLParser {
    let text: [UInt8]
    let source: String
    let maxDepth: Int
    var pos = 0
    var line = 1
    /// The offset where the current line starts.
    var lineStart = 0

    init(text: [UInt8], source: String, maxDepth: Int) {
        self.text = text
        self.source = source
        self.maxDepth = maxDepth
    }

    // MARK: Document

    mutating func parseDocument() throws(SimArenaError) -> KValue {
        guard String(validating: text, as: UTF8.self) != nil else { throw fail("the file is not valid UTF-8") }
        if text.starts(with: [0xEF, 0xBB, 0xBF]) {
            pos = 3
            lineStart = 3
        }
        try advanceToContent()
        if peek() == UInt8(ascii: "%") { throw fail("YAML directives are not supported") }
        var root = KValue.null
        if atDocumentMarker("---") {
            pos += 3
            skipSpaces()
            if atLineEnd() { try endLine() } else { root = try parseBlockNode(depth: 0, parentIndent: -1) }
        }
        if !atEnd && !atDocumentMarker("---") && !atDocumentMarker("...") {
            root = try parseBlockNode(depth: 0, parentIndent: -1)
        }
        if atDocumentMarker("...") {
            pos += 3
            try endLine()
        }
        if atDocumentMarker("---") { throw fail("more than one YAML document; a kubeconfig file holds one") }
        guard atEnd else { throw fail("unexpected \(describe(peek())) after the document") }
        return root
    }

    // MARK: Block nodes

    /// The node starting at `pos`; `parentIndent` is the indentation of the collection that owns
    /// it. `onKeyLine` says it follows a mapping key on the same line, where YAML allows no
    /// nested mapping (`a: b: c`).
    mutating func parseBlockNode(depth: Int, parentIndent: Int, onKeyLine: Bool = false) throws(SimArenaError) -> KValue {
        guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
        let indent = column
        switch peek() {
        case UInt8(ascii: "-") where isSeparator(at: pos + 1):
            return try parseSequence(indent: indent, depth: depth)
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            return try parseBlockScalar(parentIndent: parentIndent)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let value = try parseFlowCollection(depth: depth)
            skipSpaces()
            if peek() == UInt8(ascii: ":") { throw fail("a flow collection cannot be a mapping key") }
            try endLine()
            return value
        default:
            let keyLine = line
            let scalar = try parseScalar(inFlow: false, continuationColumn: parentIndent + 1)
            skipSpaces()
            if peek() == UInt8(ascii: ":") && isSeparator(at: pos + 1) {
                if line != keyLine { throw fail("a value runs on into \"key: value\"; check the indentation") }
                if onKeyLine {
                    throw fail("a mapping cannot start on the same line as its key; quote a value that holds \": \"")
                }
                return try parseMapping(indent: indent, firstKey: scalar.text, keyLine: keyLine, depth: depth)
            }
            try endLine()
            return scalar.value
        }
    }

    /// A block mapping whose keys sit at column `indent`; `pos` is at the `:` after the first key.
    mutating func parseMapping(indent: Int, firstKey: String, keyLine: Int, depth: Int) throws(SimArenaError) -> KValue {
        var map = KMap()
        var key = firstKey
        var keyLine = keyLine
        while true {
            pos += 1  // the ':'
            let value = try parseMappingValue(indent: indent, depth: depth)
            guard map.index(of: key) == nil else { throw fail("duplicate key \"\(key)\"", line: keyLine) }
            map.entries.append(KMap.Entry(key: .string(key), value: value))
            if atBlockEnd(indent: indent) { break }
            guard column == indent else { throw fail("unexpected indentation") }
            keyLine = line
            let scalar = try parseScalar(inFlow: false)
            skipSpaces()
            guard peek() == UInt8(ascii: ":") && isSeparator(at: pos + 1) else {
                throw fail("expected \"key: value\" at the mapping's indentation")
            }
            key = scalar.text
        }
        return .map(map)
    }

    /// The value after a mapping key's `:`, on the same line or on the lines below.
    mutating func parseMappingValue(indent: Int, depth: Int) throws(SimArenaError) -> KValue {
        skipSpaces()
        guard atLineEnd() else {
            if peek() == UInt8(ascii: "-") && isSeparator(at: pos + 1) {
                throw fail("a sequence cannot start on the same line as its key")
            }
            return try parseBlockNode(depth: depth + 1, parentIndent: indent, onKeyLine: true)
        }
        try endLine()
        if atEnd || atDocumentMarker("---") || atDocumentMarker("...") { return .null }
        if column > indent { return try parseBlockNode(depth: depth + 1, parentIndent: indent) }
        // kubectl writes `clusters:` with its `- ` entries at the key's own indentation.
        if column == indent && peek() == UInt8(ascii: "-") && isSeparator(at: pos + 1) {
            return try parseSequence(indent: indent, depth: depth + 1)
        }
        return .null
    }

    /// A block sequence whose `- ` markers sit at column `indent`.
    mutating func parseSequence(indent: Int, depth: Int) throws(SimArenaError) -> KValue {
        guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
        var items: [KValue] = []
        while true {
            pos += 1  // the '-'
            skipSpaces()
            if atLineEnd() {
                try endLine()
                let nested = !atBlockEnd(indent: indent + 1)
                items.append(nested ? try parseBlockNode(depth: depth + 1, parentIndent: indent) : .null)
            } else {
                items.append(try parseBlockNode(depth: depth + 1, parentIndent: indent))
            }
            if atBlockEnd(indent: indent) { break }
            guard column == indent else { throw fail("unexpected indentation") }
            guard peek() == UInt8(ascii: "-") && isSeparator(at: pos + 1) else { break }
        }
        return .array(items)
    }

    /// Whether the block at `indent` has ended: end of input, a less indented line or a marker.
    func atBlockEnd(indent: Int) -> Bool {
        atEnd || column < indent || atDocumentMarker("---") || atDocumentMarker("...")
    }

    // MARK: Block scalars

    /// A literal (`|`) or folded (`>`) block scalar, with its optional chomping (`+`, `-`) and
    /// indentation (1-9) indicators.
    mutating func parseBlockScalar(parentIndent: Int) throws(SimArenaError) -> KValue {
        let folded = peek() == UInt8(ascii: ">")
        pos += 1
        var chomping: UInt8? = nil
        var explicitIndent: Int? = nil
        while let byte = peekByte() {
            if (byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")) && chomping == nil {
                chomping = byte
            } else if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(byte) && explicitIndent == nil {
                explicitIndent = Int(byte - UInt8(ascii: "0"))
            } else {
                break
            }
            pos += 1
        }
        skipSpaces()
        guard atLineEnd() else { throw fail("unexpected \(describe(peek())) after the block scalar indicator") }
        skipToLineEnd()
        consumeNewline()

        // Collect the lines: blank ones, and those indented at least as much as the content.
        let baseIndent = max(parentIndent, 0)
        var contentIndent = explicitIndent.map { baseIndent + $0 }
        var lines: [ArraySlice<UInt8>] = []
        while !atEnd {
            var end = pos
            while end < text.count && text[end] != UInt8(ascii: "\n") { end += 1 }
            let lineBytes = text[pos..<end]
            let leading = lineBytes.prefix { $0 == UInt8(ascii: " ") }.count
            let isBlank = lineBytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }
            if !isBlank {
                if contentIndent == nil {
                    guard leading > parentIndent else { break }
                    contentIndent = leading
                }
                guard leading >= contentIndent! else { break }
            }
            lines.append(isBlank ? lineBytes[lineBytes.endIndex...] : lineBytes.dropFirst(contentIndent!))
            pos = end
            consumeNewline()
        }
        try advanceToContent()
        let withoutCarriageReturns = lines.map { Array($0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0) }
        let body = Self.joinBlockLines(withoutCarriageReturns, folded: folded)
        return .string(String(decoding: Self.chomp(body, mode: chomping), as: UTF8.self))
    }

    /// The lines of a block scalar, each ended by a newline; folded, a single line break between
    /// two lines of text becomes a space and each blank line between them one newline, while
    /// more indented lines keep their breaks.
    static func joinBlockLines(_ lines: [[UInt8]], folded: Bool) -> [UInt8] {
        let newline = UInt8(ascii: "\n")
        guard folded else { return lines.flatMap { $0 + [newline] } }
        func isMoreIndented(_ line: [UInt8]) -> Bool {
            line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t")
        }
        var out: [UInt8] = []
        var previous: [UInt8]? = nil
        var blanks = 0
        for line in lines {
            if line.isEmpty {
                blanks += 1
                continue
            }
            if let previous {
                let keepsBreak = isMoreIndented(line) || isMoreIndented(previous)
                if blanks == 0 {
                    out.append(keepsBreak ? newline : UInt8(ascii: " "))
                } else {
                    out.append(contentsOf: repeatElement(newline, count: keepsBreak ? blanks + 1 : blanks))
                }
            } else {
                out.append(contentsOf: repeatElement(newline, count: blanks))
            }
            out.append(contentsOf: line)
            previous = line
            blanks = 0
        }
        if previous != nil { out.append(newline) }
        out.append(contentsOf: repeatElement(newline, count: blanks))
        return out
    }

    /// Applies a chomping indicator: `-` strips trailing newlines, `+` keeps them all, none
    /// keeps one.
    static func chomp(_ body: [UInt8], mode: UInt8?) -> [UInt8] {
        if mode == UInt8(ascii: "+") { return body }
        var trimmed = body
        while trimmed.last == UInt8(ascii: "\n") { trimmed.removeLast() }
        if mode == nil && !trimmed.isEmpty { trimmed.append(UInt8(ascii: "\n")) }
        return trimmed
    }

    // MARK: Flow collections

    /// A `[...]` or `{...}` collection, which may span lines.
    mutating func parseFlowCollection(depth: Int) throws(SimArenaError) -> KValue {
        guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
        let isMapping = peek() == UInt8(ascii: "{")
        let closer = isMapping ? UInt8(ascii: "}") : UInt8(ascii: "]")
        pos += 1
        var items: [KValue] = []
        var map = KMap()
        while true {
            try skipFlowSpace()
            if peek() == closer {
                pos += 1
                return isMapping ? .map(map) : .array(items)
            }
            let entryLine = line
            if isMapping {
                let key = try parseScalar(inFlow: true)
                try skipFlowSpace()
                var value = KValue.null
                if peek() == UInt8(ascii: ":") {
                    pos += 1
                    try skipFlowSpace()
                    if peek() != UInt8(ascii: ",") && peek() != closer { value = try parseFlowNode(depth: depth) }
                }
                guard map.index(of: key.text) == nil else { throw fail("duplicate key \"\(key.text)\"", line: entryLine) }
                map.entries.append(KMap.Entry(key: .string(key.text), value: value))
            } else {
                items.append(try parseFlowNode(depth: depth))
            }
            try skipFlowSpace()
            if peek() == UInt8(ascii: ",") {
                pos += 1
            } else if peek() != closer {
                let what = isMapping ? "mapping" : "sequence"
                let expected = "',' or '\(Character(Unicode.Scalar(closer)))'"
                throw fail("expected \(expected) in a flow \(what), found \(describe(peek()))")
            }
        }
    }

    /// A value inside a flow collection.
    mutating func parseFlowNode(depth: Int) throws(SimArenaError) -> KValue {
        switch peek() {
        case UInt8(ascii: "["), UInt8(ascii: "{"): return try parseFlowCollection(depth: depth + 1)
        default: return try parseScalar(inFlow: true, continuationColumn: 0).value
        }
    }

    /// Skips spaces, line breaks and comments inside a flow collection.
    mutating func skipFlowSpace() throws(SimArenaError) {
        while let byte = peekByte() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                pos += 1
            } else if byte == UInt8(ascii: "\n") {
                consumeNewline()
            } else if byte == UInt8(ascii: "#") {
                skipToLineEnd()
            } else {
                return
            }
        }
        throw fail("unterminated flow collection")
    }

    // MARK: Scalars

    /// A scalar's text, and its value (`null` for an empty, `~` or `null` plain scalar).
    struct Scalar {
        var text: String
        var value: KValue
    }

    /// The quoted or plain scalar at `pos`; a plain one continues on lines indented at least to
    /// `continuationColumn` when that is given (not for keys, which fit on one line).
    mutating func parseScalar(inFlow: Bool, continuationColumn: Int? = nil) throws(SimArenaError) -> Scalar {
        let byte = peek()
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            let text = try parseQuoted(double: byte == UInt8(ascii: "\""))
            return Scalar(text: text, value: .string(text))
        case UInt8(ascii: "?") where isSeparator(at: pos + 1): throw fail("complex mapping keys are not supported")
        case UInt8(ascii: "&"): throw fail("anchors are not supported")
        case UInt8(ascii: "*"): throw fail("aliases are not supported")
        case UInt8(ascii: "!"): throw fail("tags are not supported")
        case UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "%"):
            throw fail("a plain value cannot start with \(describe(byte)); quote it")
        case UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "]"),
            UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "{"):
            throw fail("unexpected \(describe(byte))")
        default:
            let text = parsePlain(inFlow: inFlow, continuationColumn: continuationColumn)
            guard !text.isEmpty else { throw fail("expected a value, found \(describe(byte))") }
            let isNull = text == "~" || text == "null" || text == "Null" || text == "NULL"
            return Scalar(text: text, value: isNull ? .null : .string(text))
        }
    }

    /// A plain scalar: up to ` #`, `: ` or the line's end (and, inside a flow collection, a flow
    /// indicator), without trailing spaces. With a `continuationColumn`, it goes on over the
    /// following lines indented at least that much, folded as YAML folds them (one line break is
    /// a space, each further one a newline).
    mutating func parsePlain(inFlow: Bool, continuationColumn: Int?) -> String {
        var out: [UInt8] = []
        while true {
            let start = pos
            var end = pos
            while let byte = peekByte(), byte != UInt8(ascii: "\n") {
                let endsAtColon = isSeparator(at: pos + 1) || (inFlow && isFlowIndicator(at: pos + 1))
                if byte == UInt8(ascii: ":") && endsAtColon { break }
                let afterSpace = pos > start && (text[pos - 1] == UInt8(ascii: " ") || text[pos - 1] == UInt8(ascii: "\t"))
                if byte == UInt8(ascii: "#") && afterSpace { break }
                if inFlow && isFlowIndicator(at: pos) { break }
                pos += 1
                if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\r") { end = pos }
            }
            out.append(contentsOf: text[start..<end])
            pos = end
            guard let continuationColumn, let breaks = skipToContinuation(inFlow: inFlow, column: continuationColumn) else {
                return String(decoding: out, as: UTF8.self)
            }
            if breaks == 1 {
                out.append(UInt8(ascii: " "))
            } else {
                out.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: breaks - 1))
            }
        }
    }

    /// When the plain scalar that ends at `pos` goes on at a later line (indented at least to
    /// `column`, and not starting a comment, a key's `:`, a marker or a flow indicator), moves
    /// there and returns how many line breaks it passed; otherwise leaves `pos` alone.
    mutating func skipToContinuation(inFlow: Bool, column minimum: Int) -> Int? {
        let saved = (pos, line, lineStart)
        var breaks = 0
        while true {
            skipSpaces()
            if peekByte() == UInt8(ascii: "\r") { pos += 1 }
            guard peekByte() == UInt8(ascii: "\n") else { break }
            consumeNewline()
            breaks += 1
        }
        let byte = peekByte()
        let continues = breaks > 0 && byte != nil && byte != UInt8(ascii: "#") && column >= minimum
            && !atDocumentMarker("---") && !atDocumentMarker("...") && !(inFlow && isFlowIndicator(at: pos))
            && !(byte == UInt8(ascii: ":") && isSeparator(at: pos + 1))
        guard continues else {
            (pos, line, lineStart) = saved
            return nil
        }
        return breaks
    }

    /// A single- or double-quoted scalar; line breaks inside fold as YAML says (one break is a
    /// space, each blank line a newline).
    mutating func parseQuoted(double: Bool) throws(SimArenaError) -> String {
        let quote = text[pos]
        let startLine = line
        pos += 1
        var out: [UInt8] = []
        while true {
            guard let byte = peekByte() else { throw fail("unterminated quoted string", line: startLine) }
            switch byte {
            case quote:
                if !double && peekByte(offset: 1) == quote {
                    out.append(quote)
                    pos += 2
                    continue
                }
                pos += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\") where double:
                if peekByte(offset: 1) == UInt8(ascii: "\n") {
                    pos += 1
                    consumeNewline()
                    skipSpaces()
                } else {
                    try decodeEscape(into: &out)
                }
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                while out.last == UInt8(ascii: " ") || out.last == UInt8(ascii: "\t") { out.removeLast() }
                if byte == UInt8(ascii: "\r") { pos += 1 }
                var breaks = 0
                while peekByte() == UInt8(ascii: "\n") {
                    consumeNewline()
                    skipSpaces()
                    breaks += 1
                    if peekByte() == UInt8(ascii: "\r") { pos += 1 }
                }
                if breaks == 1 {
                    out.append(UInt8(ascii: " "))
                } else {
                    out.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: breaks - 1))
                }
            default:
                out.append(byte)
                pos += 1
            }
        }
    }

    /// Decodes the escape sequence at `pos` (a backslash) into `out`.
    mutating func decodeEscape(into out: inout [UInt8]) throws(SimArenaError) {
        guard let letter = peekByte(offset: 1) else { throw fail("unterminated quoted string") }
        pos += 2
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "0"): 0, UInt8(ascii: "a"): 7, UInt8(ascii: "b"): 8, UInt8(ascii: "t"): 9,
            UInt8(ascii: "\t"): 9, UInt8(ascii: "n"): 10, UInt8(ascii: "v"): 11, UInt8(ascii: "f"): 12,
            UInt8(ascii: "r"): 13, UInt8(ascii: "e"): 27, UInt8(ascii: " "): 32, UInt8(ascii: "\""): 34,
            UInt8(ascii: "/"): 47, UInt8(ascii: "\\"): 92,
        ]
        if let byte = simple[letter] {
            out.append(byte)
            return
        }
        let scalarValue: UInt32
        switch letter {
        case UInt8(ascii: "N"): scalarValue = 0x85
        case UInt8(ascii: "_"): scalarValue = 0xA0
        case UInt8(ascii: "L"): scalarValue = 0x2028
        case UInt8(ascii: "P"): scalarValue = 0x2029
        case UInt8(ascii: "x"): scalarValue = try hexDigits(2)
        case UInt8(ascii: "u"): scalarValue = try hexDigits(4)
        case UInt8(ascii: "U"): scalarValue = try hexDigits(8)
        default: throw fail("unknown escape \\\(Character(Unicode.Scalar(letter)))")
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw fail("escape names an invalid character") }
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    /// The next `count` hexadecimal digits as a number.
    mutating func hexDigits(_ count: Int) throws(SimArenaError) -> UInt32 {
        guard pos + count <= text.count,
            let value = UInt32(String(decoding: text[pos..<pos + count], as: UTF8.self), radix: 16)
        else { throw fail("expected \(count) hexadecimal digits in an escape") }
        pos += count
        return value
    }

    // MARK: Lines

    /// Moves from the start of a line to the first content of the next line that has some,
    /// skipping blank and comment-only lines.
    mutating func advanceToContent() throws(SimArenaError) {
        while !atEnd {
            var sawTab = false
            while let byte = peekByte(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                sawTab = sawTab || byte == UInt8(ascii: "\t")
                pos += 1
            }
            if atLineEnd() {
                skipToLineEnd()
                consumeNewline()
                continue
            }
            if sawTab { throw fail("tabs are not allowed in indentation") }
            return
        }
    }

    /// Ends the current line (only spaces and a comment may remain) and moves to the next content.
    mutating func endLine() throws(SimArenaError) {
        skipSpaces()
        guard atLineEnd() else { throw fail("unexpected \(describe(peek())) after the value") }
        skipToLineEnd()
        consumeNewline()
        try advanceToContent()
    }

    /// Whether only spaces, a comment or nothing remain before the line's end (at `pos`).
    func atLineEnd() -> Bool {
        guard let byte = peekByte() else { return true }
        return byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "\r")
    }

    mutating func skipToLineEnd() {
        while let byte = peekByte(), byte != UInt8(ascii: "\n") { pos += 1 }
    }

    /// Consumes a line feed at `pos`, if there is one, and starts the next line.
    mutating func consumeNewline() {
        guard peekByte() == UInt8(ascii: "\n") else { return }
        pos += 1
        line += 1
        lineStart = pos
    }

    mutating func skipSpaces() {
        while peekByte() == UInt8(ascii: " ") || peekByte() == UInt8(ascii: "\t") { pos += 1 }
    }

    /// Whether `marker` (`---` or `...`) starts the current line on its own.
    func atDocumentMarker(_ marker: StaticString) -> Bool {
        guard column == 0, pos + 3 <= text.count else { return false }
        let bytes = UnsafeBufferPointer(start: marker.utf8Start, count: marker.utf8CodeUnitCount)
        return text[pos..<pos + 3].elementsEqual(bytes) && isSeparator(at: pos + 3)
    }

    // MARK: Bytes

    var atEnd: Bool { pos >= text.count }
    var column: Int { pos - lineStart }

    func peekByte(offset: Int = 0) -> UInt8? {
        pos + offset < text.count ? text[pos + offset] : nil
    }

    /// The byte at `pos`, or 0 at the end of the input.
    func peek() -> UInt8 { peekByte() ?? 0 }

    /// Whether the byte at `offset` ends a token: a space, a line break or the end of the input.
    func isSeparator(at offset: Int) -> Bool {
        guard offset < text.count else { return true }
        let byte = text[offset]
        return byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t")
            || byte == UInt8(ascii: "\r")
    }

    func isFlowIndicator(at offset: Int) -> Bool {
        guard offset < text.count else { return false }
        return [UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}")]
            .contains(text[offset])
    }

    // MARK: Errors

    func fail(_ message: String, line: Int? = nil) -> SimArenaError {
        SimArenaError(.data, "\(source):\(line ?? self.line): \(message)")
    }

    /// A byte for a message: `'x'`, or `end of input`.
    func describe(_ byte: UInt8) -> String {
        guard !atEnd else { return "end of input" }
        if byte < 0x20 || byte >= 0x7F { return "byte 0x" + String(byte, radix: 16, uppercase: true) }
        return "'\(Character(Unicode.Scalar(byte)))'"
    }
}
