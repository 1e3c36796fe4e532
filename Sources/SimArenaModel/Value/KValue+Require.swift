/// Typed reads that fail with a message naming the field's path, for decoding documents whose
/// structure is known (traces, cluster specs, run files). The path is an autoclosure: it is only
/// built when the read fails, which matters on hot paths that decode every step.
extension KValue {
    public func requireMap(at path: @autoclosure () -> String) throws -> KMap {
        guard case .map(let map) = self else { throw mismatch(path(), expected: "a map") }
        return map
    }

    public func requireArray(at path: @autoclosure () -> String) throws -> [KValue] {
        guard case .array(let items) = self else { throw mismatch(path(), expected: "an array") }
        return items
    }

    public func requireString(at path: @autoclosure () -> String) throws -> String {
        guard case .string(let text) = self else { throw mismatch(path(), expected: "a string") }
        return text
    }

    public func requireBool(at path: @autoclosure () -> String) throws -> Bool {
        guard case .bool(let flag) = self else { throw mismatch(path(), expected: "a boolean") }
        return flag
    }

    /// An integer in `Int64`'s range.
    public func requireInt64(at path: @autoclosure () -> String) throws -> Int64 {
        switch self {
        case .int(let number): return number
        case .uint(let number):
            throw SimArenaError(.data, "\(path()): \(number) is out of range (at most \(Int64.max))")
        default: throw mismatch(path(), expected: "an integer")
        }
    }

    /// A non-negative integer.
    public func requireUInt64(at path: @autoclosure () -> String) throws -> UInt64 {
        guard let number = uint64Value else { throw mismatch(path(), expected: "a non-negative integer") }
        return number
    }

    private func mismatch(_ path: String, expected: String) -> SimArenaError {
        SimArenaError(.data, "\(path): expected \(expected), found \(typeDescription)")
    }
}
