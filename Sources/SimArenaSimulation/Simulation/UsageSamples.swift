import SimArenaModel

/// What a container was measured to use at each 15 s tick of a run, as metrics-server would
/// report it (each sample capped at the container's limit: the CFS quota caps CPU, the cgroup
/// caps memory). In a result document: `{"cpu": ["250m", …], "memory": ["200Mi", …]}`.
public struct UsageSamples: Sendable, Hashable {
    /// Millicores, one per tick.
    public var cpuMillis: [Int64]
    /// Bytes, one per tick.
    public var memoryBytes: [Int64]

    public init(cpuMillis: [Int64], memoryBytes: [Int64]) {
        self.cpuMillis = cpuMillis
        self.memoryBytes = memoryBytes
    }

    /// The document form: canonical quantity strings.
    public var value: KValue {
        ["cpu": Self.strings(cpuMillis, Quantity.millis), "memory": Self.strings(memoryBytes, { Quantity.bytes($0) })]
    }

    /// The values as quantity strings; a run of equal values (a constant usage, a series capped
    /// at its limit) is formatted once.
    private static func strings(_ values: [Int64], _ quantity: (Int64) -> Quantity) -> KValue {
        var previous: (value: Int64, text: KValue)?
        return .array(values.map { value in
            if let previous, previous.value == value { return previous.text }
            let text = KValue.string(quantity(value).description)
            previous = (value, text)
            return text
        })
    }

    /// Reads the document form; `path` names it in errors.
    public init(_ value: KValue, at path: String) throws {
        let map = try value.requireMap(at: path)
        func samples(_ key: String, _ unit: (Quantity) -> Int64) throws -> [Int64] {
            guard let list = map[key] else { throw SimArenaError(.data, "\(path).\(key): missing") }
            return try list.requireArray(at: "\(path).\(key)").enumerated().map { index, item in
                unit(try Quantity(item, at: "\(path).\(key)[\(index)]"))
            }
        }
        cpuMillis = try samples("cpu", \.milliValue)
        memoryBytes = try samples("memory", \.value)
    }
}
