import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// The `simulations.simkube.io` object Sim-Arena creates for one step (SimKube v2.7's CRD:
/// cluster-scoped, `simkube.io/v1`), labelled so that leftovers can be found.
public struct SimKubeSimulation: Sendable {
    public static let apiPath = "/apis/simkube.io/v1/simulations"
    public static let managedByLabel = "app.kubernetes.io/managed-by"
    public static let managedBy = "sim-arena"
    public static let runLabel = "simarena.io/run"
    /// Tells apart this process's object from a leftover of the same name.
    public static let attemptAnnotation = "simarena.io/attempt"
    /// The selector that finds every Simulation Sim-Arena made.
    public static let ownedSelector = "\(managedByLabel)=\(managedBy)"

    public var name: String
    public var run: String
    public var attempt: String
    public var tracePath: String
    /// Simulated seconds.
    public var duration: Double
    public var settings: SimKubeSettings

    public init(name: String, run: String, attempt: String, tracePath: String, duration: Double, settings: SimKubeSettings) {
        (self.name, self.run, self.attempt, self.tracePath) = (name, run, attempt, tracePath)
        (self.duration, self.settings) = (duration, settings)
    }

    /// The step's object name: `sa-<run>-e<episode>-s<step>`, made a DNS-1123 label (lower-case
    /// alphanumerics and `-`, at most 63 characters, as Kubernetes requires of names).
    public static func name(run: String, episode: Int, step: Int) -> String {
        let suffix = "-e\(episode)-s\(step)"
        let base = "sa-" + labelSafe(run, allowed: { $0 == UInt8(ascii: "-") }).lowercased()
        return trimmed(String(base.prefix(63 - suffix.count))) + suffix
    }

    /// `text` as a label value: alphanumerics, `-`, `_` and `.`, at most 63 characters, starting
    /// and ending alphanumeric (Kubernetes' label value rule); `unnamed` when nothing is left.
    public static func labelValue(_ text: String) -> String {
        let punctuation: Set<UInt8> = [UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: ".")]
        let value = trimmed(String(labelSafe(text, allowed: punctuation.contains).prefix(63)))
        return value.isEmpty ? "unnamed" : value
    }

    /// The selector that finds the Simulations of one run.
    public static func runSelector(_ run: String) -> String {
        "\(ownedSelector),\(runLabel)=\(labelValue(run))"
    }

    /// The object to POST.
    public var value: KValue {
        let driver: KValue = [
            "image": .string(settings.driverImage), "namespace": .string(settings.driverNamespace),
            "port": .int(settings.driverPort), "tracePath": .string(tracePath),
            "virtualNsPrefix": .string(settings.virtualNamespacePrefix),
        ]
        var spec: KValue = [
            "driver": driver,
            // SimKube turns the duration into an end time with a GNU-date-style relative parser
            // (a fork of the parse_datetime crate); `+90 seconds` is that grammar's plainest form.
            "duration": .string("+\(Int64(duration.rounded(.up))) seconds"),
            "speed": .double(settings.speed),
            "repetitions": 1,
            // Required by the CRD; empty keeps SimKube's pod lifecycle defaults.
            "lifecycleParams": [:],
        ]
        if let hooks = settings.hooks { spec["hooks"] = hooks }
        return [
            "apiVersion": "simkube.io/v1",
            "kind": "Simulation",
            "metadata": [
                "name": .string(name),
                "labels": [Self.managedByLabel: .string(Self.managedBy), Self.runLabel: .string(Self.labelValue(run))],
                "annotations": [Self.attemptAnnotation: .string(attempt)],
            ],
            "spec": spec,
        ]
    }

    private static func labelSafe(_ text: String, allowed: (UInt8) -> Bool) -> String {
        String(decoding: text.utf8.map { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): byte
            default: allowed(byte) ? byte : UInt8(ascii: "-")
            }
        }, as: UTF8.self)
    }

    /// Without leading and trailing characters that are not alphanumeric.
    private static func trimmed(_ text: String) -> String {
        let bytes = Array(text.utf8)
        func alphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard let first = bytes.firstIndex(where: alphanumeric), let last = bytes.lastIndex(where: alphanumeric) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
