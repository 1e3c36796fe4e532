import SimArenaModel

/// A Kubernetes-style event the simulation records (what `kubectl get events` would show).
///
/// The object and the message are kept as their parts (``Subject``, ``Text``) and spelled out
/// when read: a simulation records dozens of events, and only a written result reads them.
/// Two events are equal when they read the same.
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
    var subject: Subject
    var text: Text

    /// `Pod/namespace/name`, `ReplicaSet/namespace/name`, ...
    public var object: String { subject.description }
    public var message: String { text.description }

    init(time: Int64, type: Kind, reason: String, subject: Subject, text: Text) {
        self.time = time
        self.type = type
        self.reason = reason
        self.subject = subject
        self.text = text
    }

    /// The object an event is about: `Kind/namespace/name`.
    struct Subject: Sendable, CustomStringConvertible {
        var kind: String
        var namespace: String
        var name: String

        var description: String { "\(kind)/\(namespace)/\(name)" }
    }

    public static func == (left: SimulationEvent, right: SimulationEvent) -> Bool {
        left.time == right.time && left.type == right.type && left.reason == right.reason && left.object == right.object
            && left.message == right.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(time)
        hasher.combine(type)
        hasher.combine(reason)
        hasher.combine(object)
        hasher.combine(message)
    }
}
