#if canImport(Glibc)
import Glibc
#endif

/// Decodes MessagePack into ``KValue`` in one pass over the bytes.
///
/// Every length and count is checked against the bytes that remain, and charged to a
/// ``DecodedSizeBudget``, before anything is allocated for it (a 1 KB file that claims four
/// billion elements is refused, not allocated); nesting deeper than ``maxDepth`` is refused.
/// Errors name the byte offset where the input goes wrong. Extension types are refused; a map may
/// hold each key once, as in JSON. Values decode as msgpack-c decodes them, except that a float32
/// keeps its bits (msgpack-c widens it to a double, which quiets a signalling NaN).
public enum MessagePackReader {
    /// Containers nested deeper than this are refused (msgpack-c's limit, which earlier versions
    /// decoded with).
    static let maxDepth = 32

    /// Decodes exactly one MessagePack document; anything after it is an error.
    public static func decode(_ bytes: [UInt8]) throws -> KValue {
        try bytes.withUnsafeBytes { raw -> KValue in
            guard !raw.isEmpty else { throw SimArenaError(.data, "empty input: no MessagePack document") }
            var reader = Reader(bytes: raw)
            guard reader.budget.spend(DecodedSizeBudget.valueSlot) else { throw SimArenaError(.data, reader.budget.exceeded) }
            let value = try reader.value(depth: 0)
            if reader.remaining > 0 {
                throw SimArenaError(
                    .data, "\(reader.remaining) trailing bytes after the MessagePack document at byte \(reader.offset)")
            }
            return value
        }
    }

    /// A cursor over the input that decodes one value at a time.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0
        var budget: DecodedSizeBudget
        /// Where the string keys of the small maps being read start and end in the input, two
        /// numbers a key, innermost map last: a stack shared by the nested maps, so that checking
        /// their keys allocates nothing.
        var keyBodies: [Int] = []
        /// Where the last string read starts in the input.
        var lastStringStart = 0
        /// The short strings made so far.
        var shortStrings = ShortStrings()

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            budget = DecodedSizeBudget(inputSize: bytes.count)
        }

        var remaining: Int { bytes.count - offset }

        /// The value that starts at `offset`, inside `depth` open containers (its slot already
        /// charged to the budget).
        mutating func value(depth: Int) throws -> KValue {
            let start = offset
            let type = UInt8(try read(1, what: "a type byte"))
            switch type {
            case 0x00...0x7f: return .int(Int64(type))
            case 0xe0...0xff: return .int(Int64(Int8(bitPattern: type)))
            case 0xc0: return .null
            case 0xc2: return .bool(false)
            case 0xc3: return .bool(true)
            case 0x80...0x8f: return try map(count: Int(type & 0x0f), at: start, depth: depth)
            case 0x90...0x9f: return try array(count: Int(type & 0x0f), at: start, depth: depth)
            case 0xa0...0xbf: return try string(length: Int(type & 0x1f), at: start)
            case 0xd9: return try string(length: Int(try read(1, what: "a length")), at: start)
            case 0xda: return try string(length: Int(try read(2, what: "a length")), at: start)
            case 0xdb: return try string(length: Int(try read(4, what: "a length")), at: start)
            case 0xc4: return try binary(length: Int(try read(1, what: "a length")), at: start)
            case 0xc5: return try binary(length: Int(try read(2, what: "a length")), at: start)
            case 0xc6: return try binary(length: Int(try read(4, what: "a length")), at: start)
            case 0xca: return .float(Float(bitPattern: UInt32(try payload(4, at: start, what: "float32"))))
            case 0xcb: return .double(Double(bitPattern: try payload(8, at: start, what: "float64")))
            case 0xcc: return .integer(try payload(1, at: start, what: "integer"))
            case 0xcd: return .integer(try payload(2, at: start, what: "integer"))
            case 0xce: return .integer(try payload(4, at: start, what: "integer"))
            case 0xcf: return .integer(try payload(8, at: start, what: "integer"))
            case 0xd0: return .int(Int64(Int8(truncatingIfNeeded: try payload(1, at: start, what: "integer"))))
            case 0xd1: return .int(Int64(Int16(truncatingIfNeeded: try payload(2, at: start, what: "integer"))))
            case 0xd2: return .int(Int64(Int32(truncatingIfNeeded: try payload(4, at: start, what: "integer"))))
            case 0xd3: return .int(Int64(bitPattern: try payload(8, at: start, what: "integer")))
            case 0xdc: return try array(count: Int(try read(2, what: "an array length")), at: start, depth: depth)
            case 0xdd: return try array(count: Int(try read(4, what: "an array length")), at: start, depth: depth)
            case 0xde: return try map(count: Int(try read(2, what: "a map length")), at: start, depth: depth)
            case 0xdf: return try map(count: Int(try read(4, what: "a map length")), at: start, depth: depth)
            case 0xd4: throw try unsupportedExtension(length: 1, at: start)
            case 0xd5: throw try unsupportedExtension(length: 2, at: start)
            case 0xd6: throw try unsupportedExtension(length: 4, at: start)
            case 0xd7: throw try unsupportedExtension(length: 8, at: start)
            case 0xd8: throw try unsupportedExtension(length: 16, at: start)
            case 0xc7: throw try unsupportedExtension(length: Int(try read(1, what: "a length")), at: start)
            case 0xc8: throw try unsupportedExtension(length: Int(try read(2, what: "a length")), at: start)
            case 0xc9: throw try unsupportedExtension(length: Int(try read(4, what: "a length")), at: start)
            default:  // 0xc1 is never used
                throw SimArenaError(.data, "invalid MessagePack type byte 0x\(String(type, radix: 16)) at byte \(start)")
            }
        }

        /// Reads a big-endian unsigned integer of `width` (1, 2, 4 or 8) bytes.
        @inline(__always)
        private mutating func read(_ width: Int, what: StaticString) throws -> UInt64 {
            guard remaining >= width else { throw truncated(expecting: what) }
            defer { offset += width }
            switch width {
            case 1: return UInt64(bytes[offset])
            case 2: return UInt64(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
            case 4: return UInt64(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            default: return UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            }
        }

        private func truncated(expecting what: StaticString) -> SimArenaError {
            SimArenaError(.data, "MessagePack data truncated at byte \(offset): expected \(what)")
        }

        /// A scalar's `width`-byte payload, refused with the scalar's place when it is cut short.
        private mutating func payload(_ width: Int, at start: Int, what: StaticString) throws -> UInt64 {
            try claim(width, at: start, what: what)
            return try read(width, what: what)
        }

        /// Checks that `length` bytes of the item at `start` remain.
        @inline(__always)
        private func claim(_ length: Int, at start: Int, what: StaticString) throws {
            guard length <= remaining else { throw overclaimed(length, at: start, what: what) }
        }

        private func overclaimed(_ length: Int, at start: Int, what: StaticString) -> SimArenaError {
            SimArenaError(.data, "MessagePack \(what) at byte \(start) claims \(length) bytes but only \(remaining) remain")
        }

        /// The next `length` bytes, which the caller has claimed.
        @inline(__always)
        private mutating func take(_ length: Int) -> UnsafeBufferPointer<UInt8> {
            defer { offset += length }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]).assumingMemoryBound(to: UInt8.self)
        }

        private mutating func string(length: Int, at start: Int) throws -> KValue {
            try claim(length, at: start, what: "string")
            guard budget.spend(text: length) else { throw SimArenaError(.data, budget.exceeded) }
            lastStringStart = offset
            let readable = remaining
            let body = take(length)
            if length <= ShortStrings.maxLength, let text = shortStrings.text(body, readable: readable) { return .string(text) }
            // ASCII, by far the common case in Kubernetes objects, needs no further validation.
            if Self.isASCII(body) { return .string(String(decoding: body, as: UTF8.self)) }
            guard let text = String(validating: body, as: UTF8.self) else {
                throw SimArenaError(.data, "MessagePack string at byte \(start) is not valid UTF-8")
            }
            return .string(text)
        }

        /// Whether every byte is below 0x80, tested eight at a time.
        private static func isASCII(_ body: UnsafeBufferPointer<UInt8>) -> Bool {
            let raw = UnsafeRawBufferPointer(body)
            var combined: UInt64 = 0
            var index = 0
            while index + 8 <= raw.count {
                combined |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                index += 8
            }
            while index < raw.count {
                combined |= UInt64(raw[index])
                index += 1
            }
            return combined & 0x8080_8080_8080_8080 == 0
        }

        private mutating func binary(length: Int, at start: Int) throws -> KValue {
            try claim(length, at: start, what: "binary")
            guard budget.spend(length + DecodedSizeBudget.allocation) else { throw SimArenaError(.data, budget.exceeded) }
            return .binary(Array(take(length)))
        }

        /// Checks a container of `children` elements (twice the entries, for a map) at `start`,
        /// and charges its storage to the budget, before anything is allocated for it.
        private mutating func open(_ children: Int, at start: Int, depth: Int) throws {
            // As msgpack-c, which refuses a container at level 33 even when it is empty.
            guard depth < maxDepth else {
                throw SimArenaError(.data, "MessagePack nesting deeper than \(maxDepth) levels at byte \(start)")
            }
            guard children > 0 else { return }
            // Every element takes at least one byte.
            guard children <= remaining else {
                throw SimArenaError(
                    .data, "MessagePack container at byte \(start) claims \(children) elements but only \(remaining) bytes follow")
            }
            guard budget.spend(DecodedSizeBudget.allocation + children * DecodedSizeBudget.valueSlot) else {
                throw SimArenaError(.data, budget.exceeded)
            }
        }

        private mutating func array(count: Int, at start: Int, depth: Int) throws -> KValue {
            try open(count, at: start, depth: depth)
            var items: [KValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try value(depth: depth + 1)) }
            return .array(items)
        }

        private mutating func map(count: Int, at start: Int, depth: Int) throws -> KValue {
            try open(count * 2, at: start, depth: depth)
            var entries: [KMap.Entry] = []
            entries.reserveCapacity(count)
            // A small map whose keys are all strings, nearly every map in a trace, compares its
            // keys' bytes in the input; any other map compares its decoded keys.
            let base = keyBodies.count
            var byBytes = count <= 16
            for _ in 0..<count {
                let key = try value(depth: depth + 1)
                if byBytes {
                    if case .string = key {
                        keyBodies.append(lastStringStart)
                        keyBodies.append(offset)
                    } else {
                        byBytes = false
                    }
                }
                entries.append(KMap.Entry(key: key, value: try value(depth: depth + 1)))
            }
            // As the JSON reader: a map holds each key once.
            let twice = count < 2 ? nil : byBytes ? repeatedKey(entries, base: base) : Self.repeatedKey(entries)
            keyBodies.removeLast(keyBodies.count - base)
            if let twice {
                throw SimArenaError(.data, "MessagePack map at byte \(start) has a duplicate key \(KeyIndex.describe(twice))")
            }
            return .map(KMap(entries))
        }

        /// A string key that appears twice among `entries`, compared by their bytes in the input,
        /// which `keyBodies[base...]` locate.
        private func repeatedKey(_ entries: [KMap.Entry], base: Int) -> KValue? {
            keyBodies.withUnsafeBufferPointer { bodies in
                let input = bytes.baseAddress!
                for later in 1..<entries.count {
                    let (start, end) = (bodies[base + 2 * later], bodies[base + 2 * later + 1])
                    for earlier in 0..<later {
                        let (otherStart, otherEnd) = (bodies[base + 2 * earlier], bodies[base + 2 * earlier + 1])
                        guard otherEnd - otherStart == end - start else { continue }
                        if start == end || memcmp(input + otherStart, input + start, end - start) == 0 { return entries[later].key }
                    }
                }
                return nil
            }
        }

        /// A key that appears twice among `entries`, if any.
        private static func repeatedKey(_ entries: [KMap.Entry]) -> KValue? {
            var seen: Set<KValue> = []
            return entries.first { !seen.insert($0.key).inserted }?.key
        }

        private mutating func unsupportedExtension(length: Int, at start: Int) throws -> SimArenaError {
            let type = Int8(bitPattern: UInt8(try read(1, what: "an extension type")))
            return SimArenaError(.data, "MessagePack extension type \(type) (\(length) bytes) at byte \(start) is not supported")
        }
    }
}
