import CMsgPack

/// A bounds-and-depth check of MessagePack bytes, run before msgpack-c decodes them.
///
/// msgpack-c allocates an array's or a map's element storage from the header's count before it
/// has seen the elements, so a 1 KB file that claims 4 billion elements would make it allocate
/// tens of gigabytes; and it refuses nesting deeper than its fixed stack (32) with an unhelpful
/// "out of memory". This scan walks the encoding without allocating and rejects, with the byte
/// offset, any length or count that cannot fit in the bytes left, any nesting deeper than
/// ``maxDepth``, truncation, and trailing bytes. After it passes, msgpack-c's allocations are
/// bounded by a small multiple of the input size.
enum MessagePackScanner {
    /// msgpack-c's `MSGPACK_EMBED_STACK_SIZE`: containers nested deeper are refused.
    static let maxDepth = 32

    static func check(_ bytes: UnsafeRawBufferPointer) throws {
        var scanner = Cursor(bytes: bytes)
        // What decoding will allocate: msgpack-c's object and then a KValue for every element, two
        // arrays of elements for every non-empty container, and the strings' heap copies.
        var elements = 0
        var containers = 0
        // Elements still expected at each open container level.
        var pending = [Int](repeating: 0, count: maxDepth + 1)
        var depth = 0
        pending[0] = 1
        while true {
            while depth > 0 && pending[depth] == 0 { depth -= 1 }
            if depth == 0 && pending[0] == 0 { break }
            pending[depth] -= 1
            let start = scanner.offset
            let children = try scanner.skipHeader()
            elements += 1
            if children > 0 {
                containers += 1
                guard depth < maxDepth else {
                    throw SimArenaError(
                        .data, "MessagePack nesting deeper than \(maxDepth) levels at byte \(start)")
                }
                // Every element takes at least one byte.
                guard children <= scanner.remaining else {
                    throw SimArenaError(
                        .data,
                        "MessagePack container at byte \(start) claims \(children) elements but only \(scanner.remaining) bytes follow"
                    )
                }
                depth += 1
                pending[depth] = children
            }
        }
        if scanner.remaining > 0 {
            throw SimArenaError(
                .data, "\(scanner.remaining) trailing bytes after the MessagePack document at byte \(scanner.offset)")
        }
        var budget = DecodedSizeBudget(inputSize: bytes.count)
        guard budget.spend(elements * (objectSize + DecodedSizeBudget.valueSlot) + containers * 2 * DecodedSizeBudget.allocation
                           + scanner.heapText)
        else { throw SimArenaError(.data, budget.exceeded) }
    }

    /// Reads encoded items one header at a time.
    /// The size of msgpack-c's `msgpack_object`.
    static let objectSize = MemoryLayout<msgpack_object>.stride

    private struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var offset = 0
        /// Bytes of the heap copies of long strings and of binaries.
        var heapText = 0

        var remaining: Int { bytes.count - offset }

        /// Skips one item's header and payload; returns how many child elements follow it
        /// (array elements, or twice the map entries).
        mutating func skipHeader() throws -> Int {
            let at = offset
            let type = try read(1, what: "a type byte")
            switch type {
            case 0x00...0x7f, 0xe0...0xff, 0xc0, 0xc2, 0xc3: return 0
            case 0x80...0x8f: return Int(type & 0x0f) * 2
            case 0x90...0x9f: return Int(type & 0x0f)
            case 0xa0...0xbf: try skipText(Int(type & 0x1f), at: at, what: "string"); return 0
            case 0xc4: try skipBinary(Int(try read(1, what: "a length")), at: at); return 0
            case 0xc5: try skipBinary(Int(try read(2, what: "a length")), at: at); return 0
            case 0xc6: try skipBinary(Int(try read(4, what: "a length")), at: at); return 0
            case 0xc7: try skipExt(length: Int(try read(1, what: "a length")), at: at); return 0
            case 0xc8: try skipExt(length: Int(try read(2, what: "a length")), at: at); return 0
            case 0xc9: try skipExt(length: Int(try read(4, what: "a length")), at: at); return 0
            case 0xca: try skip(4, at: at, what: "float32"); return 0
            case 0xcb: try skip(8, at: at, what: "float64"); return 0
            case 0xcc, 0xd0: try skip(1, at: at, what: "integer"); return 0
            case 0xcd, 0xd1: try skip(2, at: at, what: "integer"); return 0
            case 0xce, 0xd2: try skip(4, at: at, what: "integer"); return 0
            case 0xcf, 0xd3: try skip(8, at: at, what: "integer"); return 0
            case 0xd4: try skipExt(length: 1, at: at); return 0
            case 0xd5: try skipExt(length: 2, at: at); return 0
            case 0xd6: try skipExt(length: 4, at: at); return 0
            case 0xd7: try skipExt(length: 8, at: at); return 0
            case 0xd8: try skipExt(length: 16, at: at); return 0
            case 0xd9: try skipText(Int(try read(1, what: "a length")), at: at, what: "string"); return 0
            case 0xda: try skipText(Int(try read(2, what: "a length")), at: at, what: "string"); return 0
            case 0xdb: try skipText(Int(try read(4, what: "a length")), at: at, what: "string"); return 0
            case 0xdc: return Int(try read(2, what: "an array length"))
            case 0xdd: return Int(try read(4, what: "an array length"))
            case 0xde: return Int(try read(2, what: "a map length")) * 2
            case 0xdf: return Int(try read(4, what: "a map length")) * 2
            default:  // 0xc1 is never used
                throw SimArenaError(.data, "invalid MessagePack type byte 0x\(String(type, radix: 16)) at byte \(at)")
            }
        }

        /// Reads a big-endian unsigned integer of `width` (1, 2 or 4) bytes.
        private mutating func read(_ width: Int, what: StaticString) throws -> UInt64 {
            guard remaining >= width else { throw truncated(expecting: what) }
            defer { offset += width }
            switch width {
            case 1: return UInt64(bytes[offset])
            case 2: return UInt64(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
            default: return UInt64(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            }
        }

        private func truncated(expecting what: StaticString) -> SimArenaError {
            SimArenaError(.data, "MessagePack data truncated at byte \(offset): expected \(what)")
        }

        private mutating func skip(_ length: Int, at start: Int, what: StaticString) throws {
            guard length <= remaining else {
                throw SimArenaError(
                    .data,
                    "MessagePack \(what) at byte \(start) claims \(length) bytes but only \(remaining) remain")
            }
            offset += length
        }

        /// Skips a string's bytes, counting the heap copy decoding makes of a long one.
        private mutating func skipText(_ length: Int, at start: Int, what: StaticString) throws {
            try skip(length, at: start, what: what)
            if length > DecodedSizeBudget.inlineString { heapText += length + DecodedSizeBudget.allocation }
        }

        /// Skips a binary's bytes, counting the array decoding makes of it, whatever its size.
        private mutating func skipBinary(_ length: Int, at start: Int) throws {
            try skip(length, at: start, what: "binary")
            heapText += length + DecodedSizeBudget.allocation
        }

        private mutating func skipExt(length: Int, at start: Int) throws {
            let type = Int8(bitPattern: UInt8(try read(1, what: "an extension type")))
            throw SimArenaError(
                .data, "MessagePack extension type \(type) (\(length) bytes) at byte \(start) is not supported")
        }
    }
}
