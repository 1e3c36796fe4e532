import SimArenaModel

/// Whether a pod may evict pods of lower priority to fit (`preemptionPolicy`).
public enum PreemptionPolicy: String, Sendable, Hashable {
    case preemptLowerPriority = "PreemptLowerPriority"
    case never = "Never"

    /// Reads `PreemptLowerPriority` or `Never`.
    init(_ value: KValue, at path: String) throws {
        let text = try value.requireString(at: path)
        guard let policy = PreemptionPolicy(rawValue: text) else {
            throw SimArenaError(.data, "\(path): \(String(reflecting: text)) is not PreemptLowerPriority or Never")
        }
        self = policy
    }
}

/// A PriorityClass (`scheduling.k8s.io/v1`): the priority and preemption policy that pods naming
/// it get when they are created.
public struct PriorityClass: Sendable, Hashable {
    public var name: String
    public var value: Int32
    /// Whether pods that name no class get this one.
    public var globalDefault: Bool
    public var preemptionPolicy: PreemptionPolicy

    public init(name: String, value: Int32, globalDefault: Bool = false, preemptionPolicy: PreemptionPolicy = .preemptLowerPriority) {
        self.name = name
        self.value = value
        self.globalDefault = globalDefault
        self.preemptionPolicy = preemptionPolicy
    }

    /// The most a user's class may have; above it only the system classes.
    public static let highestUserDefinable: Int32 = 1_000_000_000

    /// The classes every cluster has.
    public static let system = [
        PriorityClass(name: "system-cluster-critical", value: 2 * highestUserDefinable),
        PriorityClass(name: "system-node-critical", value: 2 * highestUserDefinable + 1000),
    ]

    /// Reads a PriorityClass object (`{metadata: {name}, value, globalDefault?, preemptionPolicy?}`)
    /// or a cluster spec's entry (`{name, value, ...}`), with the API server's checks.
    public init(_ object: KValue, at path: String) throws {
        let map = try object.requireMap(at: path)
        if let metadata = map["metadata"], !metadata.isNull {
            name = try metadata["name"]?.requireString(at: "\(path).metadata.name") ?? ""
        } else {
            name = try map["name"]?.requireString(at: "\(path).name") ?? ""
        }
        guard !name.isEmpty else { throw SimArenaError(.data, "\(path): a PriorityClass needs a name") }
        guard let field = map["value"], !field.isNull else { throw SimArenaError(.data, "\(path).value: required") }
        let number = try field.requireInt64(at: "\(path).value")
        guard number <= Int64(Self.highestUserDefinable), number >= Int64(Int32.min) else {
            throw SimArenaError(.data, "\(path).value: \(number) is outside \(Int32.min)...\(Self.highestUserDefinable), the range of a user's PriorityClass")
        }
        guard !name.hasPrefix("system-") else {
            throw SimArenaError(.data, "\(path): \"\(name)\": the prefix system- is reserved for Kubernetes' own classes")
        }
        value = Int32(number)
        globalDefault = try map["globalDefault"].flatMap { $0.isNull ? nil : try $0.requireBool(at: "\(path).globalDefault") } ?? false
        preemptionPolicy = try map["preemptionPolicy"].flatMap {
            $0.isNull ? nil : try PreemptionPolicy($0, at: "\(path).preemptionPolicy")
        } ?? .preemptLowerPriority
    }

    /// The Priority admission plugin's choice for a pod naming `className` (nil: none): the
    /// named class, or the global default (the lowest, if several), or priority 0. Throws the API
    /// server's refusal when the name is unknown, or when the pod sets its own `spec.priority`
    /// (`podPriority`) or `preemptionPolicy` (`podPolicy`) to something else.
    public static func resolve(
        _ className: String?, in classes: [String: PriorityClass], podPriority: Int32? = nil, podPolicy: PreemptionPolicy? = nil
    ) throws(SimArenaError) -> (priority: Int32, policy: PreemptionPolicy) {
        let chosen: (Int32, PreemptionPolicy)
        if let className, !className.isEmpty {
            guard let known = classes[className] else {
                throw SimArenaError(.data, "no PriorityClass with name \(className) was found")
            }
            chosen = (known.value, known.preemptionPolicy)
        } else {
            let fallback = classes.values.lazy.filter(\.globalDefault).min { ($0.value, $0.name) < ($1.value, $1.name) }
            chosen = (fallback?.value ?? 0, fallback?.preemptionPolicy ?? .preemptLowerPriority)
        }
        if let podPriority, podPriority != chosen.0 {
            throw SimArenaError(
                .data, "the integer value of priority (\(podPriority)) must not be provided in pod spec; priority admission controller computed \(chosen.0) from the given PriorityClass name")
        }
        if let podPolicy, podPolicy != chosen.1 {
            throw SimArenaError(
                .data, "the string value of PreemptionPolicy (\(podPolicy.rawValue)) must not be provided in pod spec; priority admission controller computed \(chosen.1.rawValue) from the given PriorityClass name")
        }
        return chosen
    }
}
