/// Short ASCII strings already made while decoding one document, found again by their bytes.
///
/// Keys and common values ("metadata", "name", "Deployment", "default") recur throughout a trace;
/// a string of at most ``maxLength`` bytes that is read again is copied from this table instead of
/// being checked and made again. The table is direct-mapped: each slot holds the last string
/// whose bytes hash to it, so a lookup costs one hash and one comparison, and a miss replaces
/// the slot.
struct ShortStrings {
    /// The longest string kept: two 64-bit words of bytes.
    static let maxLength = 16

    private struct Slot {
        /// The string's bytes, little-endian, zero past its end.
        var words: (UInt64, UInt64) = (0, 0)
        /// -1 for an empty slot.
        var length = -1
        var text = ""
    }

    private static let slotCount = 256

    /// The low `count` bytes of a word (none for 0 or less, all for 8 or more).
    @inline(__always)
    private static func mask(_ count: Int) -> UInt64 {
        count <= 0 ? 0 : count >= 8 ? ~0 : ~0 >> (64 - 8 * UInt64(count))
    }
    private var slots = [Slot](repeating: Slot(), count: slotCount)

    /// The string of `bytes` (at most ``maxLength``), or nil when they are not all ASCII.
    /// `readable` bytes from the start of `bytes` may be read, at least its count; with
    /// ``maxLength`` or more, its words are loaded whole.
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, readable: Int) -> String? {
        let length = bytes.count
        var low: UInt64 = 0
        var high: UInt64 = 0
        if readable >= Self.maxLength {
            let raw = UnsafeRawPointer(bytes.baseAddress!)
            low = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)) & Self.mask(length)
            high = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) & Self.mask(length - 8)
        } else {
            for index in 0..<length {
                let byte = UInt64(bytes[index])
                if index < 8 { low |= byte << (8 * UInt64(index)) } else { high |= byte << (8 * UInt64(index - 8)) }
            }
        }
        guard (low | high) & 0x8080_8080_8080_8080 == 0 else { return nil }
        let hash = (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length)
        let index = Int(truncatingIfNeeded: hash >> 56)
        return slots.withUnsafeMutableBufferPointer { slots in
            if slots[index].length == length, slots[index].words == (low, high) { return slots[index].text }
            let text = String(decoding: bytes, as: UTF8.self)
            slots[index] = Slot(words: (low, high), length: length, text: text)
            return text
        }
    }
}
