import CMsgPack

/// Decodes MessagePack into ``KValue`` with msgpack-c, after ``MessagePackScanner`` has checked
/// every length, count and the nesting depth against the input's size.
public enum MessagePackReader {
    /// Decodes exactly one MessagePack document; anything after it is an error.
    public static func decode(_ bytes: [UInt8]) throws -> KValue {
        try bytes.withUnsafeBytes { raw -> KValue in
            guard let base = raw.baseAddress, !raw.isEmpty else {
                throw SimArenaError(.data, "empty input: no MessagePack document")
            }
            try MessagePackScanner.check(raw)
            var unpacked = msgpack_unpacked()
            msgpack_unpacked_init(&unpacked)
            defer { msgpack_unpacked_destroy(&unpacked) }
            var offset = 0
            let status = msgpack_unpack_next(
                &unpacked, base.assumingMemoryBound(to: CChar.self), raw.count, &offset)
            guard status == MSGPACK_UNPACK_SUCCESS else {
                throw SimArenaError(.data, "msgpack-c could not decode the document (status \(status.rawValue))")
            }
            return try value(of: unpacked.data)
        }
    }

    /// A string from UTF-8 bytes, refusing invalid UTF-8. ASCII, by far the common case in
    /// Kubernetes objects, takes a fast path that needs no validation.
    private static func text(_ bytes: UnsafeBufferPointer<UInt8>) throws -> String {
        var combined: UInt8 = 0
        for byte in bytes { combined |= byte }
        if combined < 0x80 { return String(decoding: bytes, as: UTF8.self) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SimArenaError(.data, "MessagePack string is not valid UTF-8")
        }
        return text
    }

    /// A key that appears twice among a map's `pairs` (decoded as `entries`), if any. Small maps
    /// of string keys, nearly every map in a trace, are compared on their raw bytes; others
    /// through a set of the decoded keys.
    private static func repeatedKey(_ pairs: UnsafeBufferPointer<msgpack_object_kv>, _ entries: [KMap.Entry]) -> KValue? {
        if pairs.count <= 16, pairs.allSatisfy({ $0.key.type == MSGPACK_OBJECT_STR }) {
            for later in 1..<pairs.count {
                let key = pairs[later].key.via.str
                for earlier in 0..<later {
                    let other = pairs[earlier].key.via.str
                    if other.size == key.size, memcmp(other.ptr, key.ptr, Int(key.size)) == 0 { return entries[later].key }
                }
            }
            return nil
        }
        var seen: Set<KValue> = []
        return entries.first { !seen.insert($0.key).inserted }?.key
    }

    private static func value(of object: msgpack_object) throws -> KValue {
        switch object.type {
        case MSGPACK_OBJECT_NIL:
            return .null
        case MSGPACK_OBJECT_BOOLEAN:
            return .bool(object.via.boolean)
        case MSGPACK_OBJECT_POSITIVE_INTEGER:
            return .integer(object.via.u64)
        case MSGPACK_OBJECT_NEGATIVE_INTEGER:
            return .int(object.via.i64)
        case MSGPACK_OBJECT_FLOAT32:
            return .float(Float(object.via.f64))
        case MSGPACK_OBJECT_FLOAT64:
            return .double(object.via.f64)
        case MSGPACK_OBJECT_STR:
            let body = UnsafeRawBufferPointer(start: object.via.str.ptr, count: Int(object.via.str.size))
            return .string(try text(body.bindMemory(to: UInt8.self)))
        case MSGPACK_OBJECT_BIN:
            let body = UnsafeRawBufferPointer(
                start: object.via.bin.ptr, count: Int(object.via.bin.size))
            return .binary(Array(body))
        case MSGPACK_OBJECT_ARRAY:
            let items = UnsafeBufferPointer(
                start: object.via.array.ptr, count: Int(object.via.array.size))
            var array: [KValue] = []
            array.reserveCapacity(items.count)
            for item in items { array.append(try value(of: item)) }
            return .array(array)
        case MSGPACK_OBJECT_MAP:
            let pairs = UnsafeBufferPointer(start: object.via.map.ptr, count: Int(object.via.map.size))
            var entries: [KMap.Entry] = []
            entries.reserveCapacity(pairs.count)
            for pair in pairs {
                entries.append(KMap.Entry(key: try value(of: pair.key), value: try value(of: pair.val)))
            }
            // As the JSON reader: a map holds each key once (msgpack-c keeps both).
            if pairs.count > 1, let twice = repeatedKey(pairs, entries) {
                throw SimArenaError(.data, "MessagePack map has a duplicate key \(KeyIndex.describe(twice))")
            }
            return .map(KMap(entries))
        default:
            // The scanner rejects extension types before msgpack-c sees them.
            throw SimArenaError(.data, "unsupported MessagePack object type \(object.type.rawValue)")
        }
    }
}
