/// Standard base64 (RFC 4648, `+` and `/`), as kubeconfig `*-data` fields and ExecCredential
/// certificate data use it.
public enum Base64 {
    /// The bytes that `text` encodes, or nil when it is not base64. Padding is optional and line
    /// breaks and spaces are ignored (PEM-style wrapped input).
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count / 4 * 3)
        var group: UInt32 = 0
        var filled = 0
        var padding = 0
        for byte in text.utf8 {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): digit = 62
            case UInt8(ascii: "/"): digit = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
            default: return nil
            }
            guard padding == 0 else { return nil }  // data after padding
            group = group << 6 | digit
            filled += 1
            if filled == 4 {
                out += [UInt8(group >> 16), UInt8(group >> 8 & 0xFF), UInt8(group & 0xFF)]
                group = 0
                filled = 0
            }
        }
        switch filled {
        case 0: return padding == 0 ? out : nil
        case 2 where padding == 0 || padding == 2: return out + [UInt8(group >> 4)]
        case 3 where padding == 0 || padding == 1: return out + [UInt8(group >> 10), UInt8(group >> 2 & 0xFF)]
        default: return nil
        }
    }
}
