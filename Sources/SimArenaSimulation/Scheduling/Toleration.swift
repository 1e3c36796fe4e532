import SimArenaModel

/// How a toleration compares values.
public enum TolerationOperator: String, Sendable, Hashable, CaseIterable {
    /// The taint's value must equal the toleration's (the default).
    case equal = "Equal"
    /// Any value matches.
    case exists = "Exists"
}

/// A pod toleration (`spec.tolerations[i]`). `tolerationSeconds` is not read: it only matters
/// for eviction, not for scheduling.
public struct Toleration: Sendable, Hashable {
    /// The taint key; `nil` or empty matches every key.
    public var key: String?
    public var op: TolerationOperator
    /// The value `equal` compares with; `nil` counts as empty.
    public var value: String?
    /// The taint effect; `nil` matches every effect.
    public var effect: TaintEffect?

    public init(key: String? = nil, op: TolerationOperator = .equal, value: String? = nil, effect: TaintEffect? = nil) {
        self.key = key
        self.op = op
        self.value = value
        self.effect = effect
    }

    /// Reads `{key?, operator?, value?, effect?}`. An empty or absent `operator` is `Equal`; an
    /// empty `effect` matches all effects.
    public init(_ value: KValue, at path: String) throws {
        let map = try value.requireMap(at: path)
        func string(_ name: String) throws -> String? {
            try map[name].flatMap { $0.isNull ? nil : try $0.requireString(at: "\(path).\(name)") }
        }
        key = try string("key")
        self.value = try string("value")
        switch try string("operator") {
        case nil, "": op = .equal
        case let text?:
            guard let parsed = TolerationOperator(rawValue: text) else {
                throw SimArenaError(
                    .data, "\(path).operator: unknown operator \(String(reflecting: text)) (expected Equal or Exists)")
            }
            op = parsed
        }
        switch try string("effect") {
        case nil, "": effect = nil
        case let text?: effect = try TaintEffect(parsing: text, at: "\(path).effect")
        }
    }

    /// Whether this toleration tolerates `taint`, by Kubernetes' rule: the effect must match
    /// unless the toleration has none; the key must match unless the toleration's key is empty
    /// (which, with `Exists`, tolerates everything); `Exists` ignores the value, and `Equal`
    /// compares values, an absent value counting as empty.
    public func tolerates(_ taint: Taint) -> Bool {
        if let effect, effect != taint.effect { return false }
        if let key, !key.isEmpty, key != taint.key { return false }
        switch op {
        case .exists: return true
        case .equal: return (value ?? "") == taint.value
        }
    }
}
