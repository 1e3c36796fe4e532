/// Reading and writing documents as files, with the format taken from the name.
public enum Document {
    /// Reads `path` as JSON or MessagePack (by extension, else by content); errors name the file.
    public static func read(_ path: String, as format: DataFormat? = nil) throws -> KValue {
        let bytes = try FileIO.read(path)
        let chosen = format ?? DataFormat(path: path) ?? DataFormat.sniff(bytes)
        do {
            return try chosen.decode(bytes)
        } catch let error as SimArenaError {
            throw error.prefixed("\(path): \(chosen == .json ? "JSON" : "MessagePack")")
        }
    }

    /// Reads `path` and builds a typed value from it; data errors name the file.
    public static func decode<T>(_ path: String, _ build: (KValue) throws -> T) throws -> T {
        let document = try read(path)
        do {
            return try build(document)
        } catch let error as SimArenaError where error.kind == .data {
            throw error.prefixed(path)
        }
    }

    /// Writes `value` to `path` atomically, as JSON or MessagePack (by extension unless given).
    public static func write(_ value: KValue, to path: String, as format: DataFormat? = nil) throws {
        guard let chosen = format ?? DataFormat(path: path) else {
            throw SimArenaError(
                .usage, "\(path): cannot tell the format from the extension; use .json, .msgpack or .sktrace")
        }
        do {
            try FileIO.writeAtomically(try chosen.encode(value), to: path)
        } catch let error as SimArenaError where error.kind == .data {
            throw error.prefixed(path)
        }
    }
}
