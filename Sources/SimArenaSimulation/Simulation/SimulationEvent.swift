import SimArenaModel

/// A Kubernetes-style event the simulation records (what `kubectl get events` would show).
public struct SimulationEvent: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case normal = "Normal"
        case warning = "Warning"
    }

    /// Simulated milliseconds since the first trace event.
    public var time: Int64
    public var type: Kind
    /// `Scheduled`, `FailedScheduling`, `Started`, `BackOff`, `Evicted`, `Unhealthy`, ...
    public var reason: String
    /// `Pod/namespace/name`, `ReplicaSet/namespace/name`, ...
    public var object: String
    public var message: String
}
