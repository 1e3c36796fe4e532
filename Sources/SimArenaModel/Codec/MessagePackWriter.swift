import CMsgPack

/// Encodes ``KValue`` as MessagePack with msgpack-c, choosing the smallest encoding for each
/// integer, string and container (as SimKube's encoder does, so unedited traces re-encode to the
/// same bytes).
public enum MessagePackWriter {
    public static func encode(_ value: KValue) -> [UInt8] {
        let buffer = msgpack_sbuffer_new()!
        defer { msgpack_sbuffer_free(buffer) }
        let packer = msgpack_packer_new(buffer, msgpack_sbuffer_write)!
        defer { msgpack_packer_free(packer) }
        pack(value, into: packer)
        let bytes = UnsafeRawBufferPointer(start: buffer.pointee.data, count: buffer.pointee.size)
        return Array(bytes)
    }

    /// Writes a document piece by piece (container headers, then their items), so that a large
    /// document never has to exist whole as a ``KValue``.
    public final class Stream {
        private let buffer: UnsafeMutablePointer<msgpack_sbuffer>
        private let packer: UnsafeMutablePointer<msgpack_packer>

        public init() {
            buffer = msgpack_sbuffer_new()!
            packer = msgpack_packer_new(buffer, msgpack_sbuffer_write)!
        }

        deinit {
            msgpack_packer_free(packer)
            msgpack_sbuffer_free(buffer)
        }

        public func mapHeader(_ count: Int) { msgpack_pack_map(packer, count) }
        public func arrayHeader(_ count: Int) { msgpack_pack_array(packer, count) }
        public func pack(_ value: KValue) { MessagePackWriter.pack(value, into: packer) }

        /// The bytes written so far.
        public var bytes: [UInt8] {
            Array(UnsafeRawBufferPointer(start: buffer.pointee.data, count: buffer.pointee.size))
        }
    }

    fileprivate static func pack(_ value: KValue, into packer: UnsafeMutablePointer<msgpack_packer>) {
        switch value {
        case .null:
            msgpack_pack_nil(packer)
        case .bool(let flag):
            _ = flag ? msgpack_pack_true(packer) : msgpack_pack_false(packer)
        case .int(let number):
            msgpack_pack_int64(packer, number)
        case .uint(let number):
            msgpack_pack_uint64(packer, number)
        case .float(let number):
            msgpack_pack_float(packer, number)
        case .double(let number):
            msgpack_pack_double(packer, number)
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
            for item in items { pack(item, into: packer) }
        case .map(let map):
            msgpack_pack_map(packer, map.count)
            for entry in map.entries {
                pack(entry.key, into: packer)
                pack(entry.value, into: packer)
            }
        }
    }
}
