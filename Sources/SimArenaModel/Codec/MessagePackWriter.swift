/// Encodes ``KValue`` as MessagePack, choosing the smallest encoding for each integer, string
/// and container exactly as msgpack-c's packer does (as SimKube's encoder does, so unedited
/// traces re-encode to the same bytes; the tests hold it to msgpack-c byte for byte).
///
/// Written here rather than through msgpack-c's packer, whose write callback per header and
/// body cost more than the encoding itself: one growing byte array, appended to directly.
public enum MessagePackWriter {
    public static func encode(_ value: KValue) -> [UInt8] {
        let packer = Packer()
        packer.pack(value)
        return packer.bytes
    }

    /// Writes a document piece by piece (container headers, then their items), so that a large
    /// document never has to exist whole as a ``KValue``.
    public final class Stream {
        private let packer = Packer()

        public init() {}

        public func mapHeader(_ count: Int) { packer.header(count, fix: 0x80, fixLimit: 16, wide16: 0xde, wide32: 0xdf) }
        public func arrayHeader(_ count: Int) { packer.header(count, fix: 0x90, fixLimit: 16, wide16: 0xdc, wide32: 0xdd) }
        public func pack(_ value: KValue) { packer.pack(value) }

        /// The bytes written so far.
        public var bytes: [UInt8] { packer.bytes }
    }

    /// The encoder's state: the bytes so far, in a buffer it grows itself (appending a few bytes
    /// at a time to an `Array` cost several times the encoding).
    final class Packer {
        private var base: UnsafeMutablePointer<UInt8>
        private var count = 0
        private var capacity = 256

        init() {
            base = .allocate(capacity: capacity)
        }

        deinit {
            base.deallocate()
        }

        /// The bytes written so far.
        var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

        /// Makes room for `extra` more bytes.
        @inline(__always)
        private func reserve(_ extra: Int) {
            guard count + extra > capacity else { return }
            var grown = capacity * 2
            while count + extra > grown { grown *= 2 }
            let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            moved.update(from: base, count: count)
            base.deallocate()
            (base, capacity) = (moved, grown)
        }

        @inline(__always)
        private func append(_ byte: UInt8) {
            reserve(1)
            base[count] = byte
            count += 1
        }

        private func append(contentsOf buffer: UnsafeBufferPointer<UInt8>) {
            reserve(buffer.count)
            if let source = buffer.baseAddress { (base + count).update(from: source, count: buffer.count) }
            count += buffer.count
        }

        func pack(_ value: KValue) {
            switch value {
            case .null: append(0xc0)
            case .bool(let flag): append(flag ? 0xc3 : 0xc2)
            case .int(let number): pack(number)
            case .uint(let number): pack(number)
            case .float(let number):
                append(0xca)
                appendBigEndian(number.bitPattern)
            case .double(let number):
                append(0xcb)
                appendBigEndian(number.bitPattern)
            case .string(var text):
                text.withUTF8 { utf8 in
                    if utf8.count < 32 {
                        append(0xa0 | UInt8(utf8.count))
                    } else {
                        header(utf8.count, fix: nil, fixLimit: 0, wide8: 0xd9, wide16: 0xda, wide32: 0xdb)
                    }
                    append(contentsOf: utf8)
                }
            case .binary(let data):
                header(data.count, fix: nil, fixLimit: 0, wide8: 0xc4, wide16: 0xc5, wide32: 0xc6)
                data.withUnsafeBufferPointer { append(contentsOf: $0) }
            case .array(let items):
                header(items.count, fix: 0x90, fixLimit: 16, wide16: 0xdc, wide32: 0xdd)
                for item in items { pack(item) }
            case .map(let map):
                header(map.count, fix: 0x80, fixLimit: 16, wide16: 0xde, wide32: 0xdf)
                for entry in map.entries {
                    pack(entry.key)
                    pack(entry.value)
                }
            }
        }

        /// msgpack-c's `msgpack_pack_int64`: negative numbers in the smallest signed form, the
        /// others as ``pack(_:)-(UInt64)`` does.
        func pack(_ number: Int64) {
            guard number < 0 else { return pack(UInt64(number)) }
            if number >= -32 {
                append(UInt8(truncatingIfNeeded: number))
            } else if number >= Int64(Int8.min) {
                append(0xd0)
                append(UInt8(truncatingIfNeeded: number))
            } else if number >= Int64(Int16.min) {
                append(0xd1)
                appendBigEndian(UInt16(truncatingIfNeeded: number))
            } else if number >= Int64(Int32.min) {
                append(0xd2)
                appendBigEndian(UInt32(truncatingIfNeeded: number))
            } else {
                append(0xd3)
                appendBigEndian(UInt64(bitPattern: number))
            }
        }

        /// msgpack-c's `msgpack_pack_uint64`: a positive fixint below 128, else the smallest
        /// unsigned form.
        func pack(_ number: UInt64) {
            if number < 0x80 {
                append(UInt8(number))
            } else if number <= UInt64(UInt8.max) {
                append(0xcc)
                append(UInt8(number))
            } else if number <= UInt64(UInt16.max) {
                append(0xcd)
                appendBigEndian(UInt16(number))
            } else if number <= UInt64(UInt32.max) {
                append(0xce)
                appendBigEndian(UInt32(number))
            } else {
                append(0xcf)
                appendBigEndian(number)
            }
        }

        /// A length or count header: the fix form (`fix | count`) below `fixLimit`, else the
        /// smallest of the 8-bit (when the type has one), 16-bit and 32-bit forms.
        func header(_ count: Int, fix: UInt8?, fixLimit: Int, wide8: UInt8? = nil, wide16: UInt8, wide32: UInt8) {
            if let fix, count < fixLimit {
                append(fix | UInt8(count))
            } else if let wide8, count <= Int(UInt8.max) {
                append(wide8)
                append(UInt8(count))
            } else if count <= Int(UInt16.max) {
                append(wide16)
                appendBigEndian(UInt16(count))
            } else {
                // Counts beyond 2^32-1 cannot be encoded; nothing Sim-Arena writes comes near.
                append(wide32)
                appendBigEndian(UInt32(truncatingIfNeeded: count))
            }
        }

        func appendBigEndian<Word: FixedWidthInteger>(_ word: Word) {
            var shift = Word.bitWidth - 8
            while shift >= 0 {
                append(UInt8(truncatingIfNeeded: word >> shift))
                shift -= 8
            }
        }
    }
}
