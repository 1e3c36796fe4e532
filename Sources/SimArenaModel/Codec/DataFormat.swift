/// The two encodings the project reads and writes: MessagePack (traces, as SimKube stores them)
/// and JSON.
public enum DataFormat: String, Sendable, CaseIterable {
    case json
    case msgpack

    /// The format a file name implies: `.json` is JSON; `.msgpack`, `.mp` and `.sktrace` are
    /// MessagePack; anything else is `nil`.
    public init?(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "json": self = .json
        case "msgpack", "mp", "sktrace": self = .msgpack
        default: return nil
        }
    }

    /// The format of `bytes` when the file name does not say: JSON documents begin (after
    /// whitespace) with `{` or `[`; anything else is taken as MessagePack.
    public static func sniff(_ bytes: [UInt8]) -> DataFormat {
        for byte in bytes {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): return .json
            default: return .msgpack
            }
        }
        return .msgpack
    }

    /// Decodes one document in this format.
    public func decode(_ bytes: [UInt8]) throws -> KValue {
        switch self {
        case .json: return try JSONReader.parse(bytes)
        case .msgpack: return try MessagePackReader.decode(bytes)
        }
    }

    /// Encodes a document in this format (JSON pretty-printed, ending in a newline).
    public func encode(_ value: KValue) throws -> [UInt8] {
        switch self {
        case .json: return try JSONWriter.encode(value, pretty: true)
        case .msgpack: return MessagePackWriter.encode(value)
        }
    }
}
