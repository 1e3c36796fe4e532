/// Reads the fields of one map in a settings document (`run.json`), each with its path in
/// error messages, and refuses keys it does not know, so a typo in a hand-edited file is
/// reported instead of silently ignored.
public struct FieldReader {
    private let map: KMap
    private let path: String
    private var known: Set<String> = []

    /// `value` must be a map; `path` names it in errors (`run.json`, `run.json: learner`).
    public init(_ value: KValue, at path: String) throws {
        map = try value.requireMap(at: path)
        self.path = path
    }

    private mutating func field(_ key: String) -> KValue? {
        known.insert(key)
        guard let value = map[key], !value.isNull else { return nil }
        return value
    }

    private func at(_ key: String) -> String { "\(path): \(key)" }

    /// The field's value as it is (nil when absent or null), for a caller that reads it itself.
    public mutating func value(_ key: String) -> KValue? {
        field(key)
    }

    public mutating func string(_ key: String) throws -> String? {
        try field(key).map { try $0.requireString(at: at(key)) }
    }

    public mutating func requireString(_ key: String) throws -> String {
        guard let text = try string(key) else { throw SimArenaError(.data, "\(at(key)): missing") }
        return text
    }

    public mutating func int(_ key: String) throws -> Int? {
        try field(key).map { Int(try $0.requireInt64(at: at(key))) }
    }

    public mutating func uint64(_ key: String) throws -> UInt64? {
        try field(key).map { try $0.requireUInt64(at: at(key)) }
    }

    public mutating func double(_ key: String) throws -> Double? {
        try field(key).map { value in
            guard let number = value.doubleValue else { throw SimArenaError(.data, "\(at(key)): expected a number") }
            return number
        }
    }

    public mutating func bool(_ key: String) throws -> Bool? {
        try field(key).map { try $0.requireBool(at: at(key)) }
    }

    public mutating func strings(_ key: String) throws -> [String]? {
        try field(key).map { try $0.requireArray(at: at(key)).map { try $0.requireString(at: at(key)) } }
    }

    public mutating func ints(_ key: String) throws -> [Int]? {
        try field(key).map { try $0.requireArray(at: at(key)).map { Int(try $0.requireInt64(at: at(key))) } }
    }

    /// A string field that names a case of `T`.
    public mutating func choice<T: RawRepresentable>(_ key: String, _: T.Type) throws -> T? where T.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let value = T(rawValue: text) else { throw SimArenaError(.data, "\(at(key)): \"\(text)\" is not a known value") }
        return value
    }

    /// A nested map, read by `body`.
    public mutating func nested<T>(_ key: String, _ body: (inout FieldReader) throws -> T) throws -> T? {
        guard let value = field(key) else { return nil }
        var reader = try FieldReader(value, at: at(key))
        let result = try body(&reader)
        try reader.finish()
        return result
    }

    /// Fails on a key no read asked for.
    public func finish() throws {
        for entry in map.entries {
            guard let key = entry.key.stringValue else { throw SimArenaError(.data, "\(path): a key that is not a string") }
            if !known.contains(key) { throw SimArenaError(.data, "\(path): unknown key \"\(key)\"") }
        }
    }
}
