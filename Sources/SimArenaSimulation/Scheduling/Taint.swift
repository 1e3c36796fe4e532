import SimArenaModel

/// What a taint does to pods that do not tolerate it.
public enum TaintEffect: String, Sendable, Hashable, CaseIterable {
    /// New pods are not scheduled onto the node (a scheduling filter).
    case noSchedule = "NoSchedule"
    /// The scheduler tries to avoid the node (scoring only; filters ignore it).
    case preferNoSchedule = "PreferNoSchedule"
    /// New pods are not scheduled, and running ones are evicted (the scheduler treats it as
    /// `NoSchedule`).
    case noExecute = "NoExecute"

    /// Whether the scheduler's TaintToleration filter rejects nodes with an untolerated taint
    /// of this effect.
    public var blocksScheduling: Bool { self != .preferNoSchedule }

    /// Reads an effect name, failing with the valid names.
    init(parsing text: String, at path: String) throws {
        guard let effect = TaintEffect(rawValue: text) else {
            throw SimArenaError(
                .data,
                "\(path): unknown taint effect \(String(reflecting: text)) (expected NoSchedule, PreferNoSchedule or NoExecute)"
            )
        }
        self = effect
    }
}

/// A node taint (`spec.taints[i]` of a Node): `key=value:effect`.
public struct Taint: Sendable, Hashable {
    public var key: String
    /// The value; empty when the taint has none.
    public var value: String
    public var effect: TaintEffect

    public init(key: String, value: String = "", effect: TaintEffect) {
        self.key = key
        self.value = value
        self.effect = effect
    }

    /// Reads `{key, value?, effect}`; `key` and `effect` are required, as in the Kubernetes API.
    public init(_ value: KValue, at path: String) throws {
        let map = try value.requireMap(at: path)
        guard let key = map["key"], !key.isNull else { throw SimArenaError(.data, "\(path): missing \"key\"") }
        self.key = try key.requireString(at: "\(path).key")
        self.value = try map["value"].flatMap { $0.isNull ? nil : try $0.requireString(at: "\(path).value") } ?? ""
        guard let effect = map["effect"], !effect.isNull else {
            throw SimArenaError(.data, "\(path): missing \"effect\"")
        }
        self.effect = try TaintEffect(parsing: try effect.requireString(at: "\(path).effect"), at: "\(path).effect")
    }
}
