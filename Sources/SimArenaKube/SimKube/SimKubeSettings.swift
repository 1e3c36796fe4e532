import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// Where and how the SimKube backend runs its simulations: the driver SimKube starts for each
/// Simulation, the namespaces it needs, how the trace reaches the driver, and how long to wait.
/// Read from a JSON file (`--simkube-config`, docs/simkube-backend.md); every key is optional.
public struct SimKubeSettings: Sendable, Equatable {
    /// The sk-driver image; its version should match the installed SimKube controller.
    public var driverImage = "quay.io/appliedcomputing/sk-driver:v2.7.0"
    /// Where SimKube's controller starts the driver (skctl's default).
    public var driverNamespace = "simkube"
    /// The driver's admission webhook port (skctl's default).
    public var driverPort: Int64 = 8888
    /// SimKube's controller needs this namespace even when metrics are off.
    public var metricsNamespace = "monitoring"
    /// The driver runs a trace's namespace NS as `<prefix>-NS`.
    public var virtualNamespacePrefix = "virtual"
    /// A local folder the driver also sees (for kind, a host folder mounted into the node); each
    /// step's trace is copied there. Nil when the user keeps `traceURL` in sync themselves.
    public var traceDirectory: String?
    /// What the driver reads that folder as: a `file://` path inside its pod, or an object-store
    /// or HTTP prefix; the Simulation's `tracePath` is `<traceURL>/<name>`.
    public var traceURL = "file:///data"
    /// SimKube's time multiplier; a step waits `duration / speed` seconds of wall time.
    public var speed = 1.0
    /// Simulated seconds the Simulation runs beyond `--duration`, so that the driver, which
    /// removes the virtual namespaces' objects when it finishes, is still running when the pods
    /// are listed.
    public var graceSeconds = 30.0
    /// How long the controller may take to report Running.
    public var startTimeoutSeconds = 300.0
    /// How often to ask the controller for the Simulation's state.
    public var pollSeconds = 2.0
    /// The Simulation's `hooks`, passed through as given (SimKube's hook format).
    public var hooks: KValue?

    public init() {}

    /// The settings in `path` (JSON), over the defaults.
    public static func load(_ path: String) throws -> SimKubeSettings {
        do {
            return try SimKubeSettings(try Document.read(path, as: .json))
        } catch let error as SimArenaError where !error.message.hasPrefix(path) {
            throw error.prefixed(path)
        }
    }

    /// The settings a config document gives, over the defaults; unknown keys are errors.
    public init(_ document: KValue) throws {
        for entry in try document.requireMap(at: "settings").entries {
            let key = try entry.key.requireString(at: "settings key")
            let value = entry.value
            switch key {
            case "driverImage": driverImage = try value.requireString(at: key)
            case "driverNamespace": driverNamespace = try value.requireString(at: key)
            case "driverPort": driverPort = try value.requireInt64(at: key)
            case "metricsNamespace": metricsNamespace = try value.requireString(at: key)
            case "virtualNamespacePrefix": virtualNamespacePrefix = try value.requireString(at: key)
            case "traceDirectory": traceDirectory = value.isNull ? nil : try value.requireString(at: key)
            case "traceURL": traceURL = try value.requireString(at: key)
            case "speed": speed = try Self.positive(value, key)
            case "graceSeconds": graceSeconds = try Self.positive(value, key)
            case "startTimeoutSeconds": startTimeoutSeconds = try Self.positive(value, key)
            case "pollSeconds": pollSeconds = try Self.positive(value, key)
            case "hooks": hooks = value.isNull ? nil : .map(try value.requireMap(at: key))
            default: throw SimArenaError(.data, "unknown setting \"\(key)\" (see docs/simkube-backend.md)")
            }
        }
        guard (1...65535).contains(driverPort) else { throw SimArenaError(.data, "driverPort: \(driverPort) is not a port") }
        while traceURL.hasSuffix("/") { traceURL.removeLast() }
    }

    /// The namespace SimKube runs a trace's namespace in.
    public func virtualNamespace(_ namespace: String) -> String {
        "\(virtualNamespacePrefix)-\(namespace)"
    }

    private static func positive(_ value: KValue, _ key: String) throws -> Double {
        guard let number = value.doubleValue, number.isFinite, number > 0 else {
            throw SimArenaError(.data, "\(key): must be a positive number")
        }
        return number
    }
}
