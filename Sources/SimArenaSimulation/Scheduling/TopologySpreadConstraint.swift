import SimArenaModel

/// One of a pod's `spec.topologySpreadConstraints`: how unevenly the pods it selects may be
/// spread over the domains of a node label (`topology.kubernetes.io/zone`, the hostname, ...).
public struct TopologySpreadConstraint: Sendable, Hashable {
    /// What the scheduler does when the constraint cannot be met.
    public enum WhenUnsatisfiable: String, Sendable, Hashable {
        /// A filter: the pod stays Pending rather than raise the skew above `maxSkew`.
        case doNotSchedule = "DoNotSchedule"
        /// A preference for scoring only (not modelled: it never keeps a pod off a node).
        case scheduleAnyway = "ScheduleAnyway"
    }

    /// Whether a node the pod could not go to still counts as one of the domains.
    public enum InclusionPolicy: String, Sendable, Hashable {
        /// Only nodes the pod's node selector and affinity (or tolerations) allow count.
        case honor = "Honor"
        /// Every node with the topology key counts.
        case ignore = "Ignore"
    }

    /// The most the matching pods in one domain may exceed those in the emptiest; at least 1.
    public var maxSkew: Int
    public var topologyKey: String
    public var whenUnsatisfiable: WhenUnsatisfiable
    /// The pods counted, in the pod's namespace, with `matchLabelKeys` already merged in as
    /// `key In (the pod's value)`; nil counts no pod, as in Kubernetes.
    public var labelSelector: LabelSelector?
    /// When fewer domains than this exist, the emptiest is taken to hold 0 pods.
    public var minDomains: Int
    /// Which nodes count, by the pod's node selector and required node affinity (default Honor).
    public var nodeAffinityPolicy: InclusionPolicy
    /// Which nodes count, by the pod's tolerations of their taints (default Ignore).
    public var nodeTaintsPolicy: InclusionPolicy

    public init(maxSkew: Int, topologyKey: String, whenUnsatisfiable: WhenUnsatisfiable = .doNotSchedule,
                labelSelector: LabelSelector?, minDomains: Int = 1, nodeAffinityPolicy: InclusionPolicy = .honor,
                nodeTaintsPolicy: InclusionPolicy = .ignore) {
        self.maxSkew = maxSkew
        self.topologyKey = topologyKey
        self.whenUnsatisfiable = whenUnsatisfiable
        self.labelSelector = labelSelector
        self.minDomains = minDomains
        self.nodeAffinityPolicy = nodeAffinityPolicy
        self.nodeTaintsPolicy = nodeTaintsPolicy
    }

    /// Reads one constraint, with the API server's checks: `maxSkew` and `minDomains` positive,
    /// `minDomains` only with DoNotSchedule, `matchLabelKeys` not also in the selector. The
    /// `matchLabelKeys` the pod has labels for join the selector, as the API server merges them.
    public init(_ value: KValue, at path: String, podLabels: [String: String]) throws {
        let map = try value.requireMap(at: path)
        func required(_ key: String) throws -> KValue {
            guard let field = map[key], !field.isNull else { throw SimArenaError(.data, "\(path).\(key): required") }
            return field
        }
        func positive(_ key: String) throws -> Int? {
            guard let field = map[key], !field.isNull else { return nil }
            let number = try field.requireInt64(at: "\(path).\(key)")
            guard number > 0, number <= Int64(Int32.max) else {
                throw SimArenaError(.data, "\(path).\(key): \(number) must be a positive 32-bit integer")
            }
            return Int(number)
        }
        func policy(_ key: String, default fallback: InclusionPolicy) throws -> InclusionPolicy {
            guard let field = map[key], !field.isNull else { return fallback }
            let text = try field.requireString(at: "\(path).\(key)")
            guard let known = InclusionPolicy(rawValue: text) else {
                throw SimArenaError(.data, "\(path).\(key): \(String(reflecting: text)) is not Honor or Ignore")
            }
            return known
        }

        guard let skew = try positive("maxSkew") else { throw SimArenaError(.data, "\(path).maxSkew: required") }
        maxSkew = skew
        topologyKey = try required("topologyKey").requireString(at: "\(path).topologyKey")
        guard !topologyKey.isEmpty else { throw SimArenaError(.data, "\(path).topologyKey: required, a node label key") }
        let when = try required("whenUnsatisfiable").requireString(at: "\(path).whenUnsatisfiable")
        guard let parsed = WhenUnsatisfiable(rawValue: when) else {
            throw SimArenaError(.data, "\(path).whenUnsatisfiable: \(String(reflecting: when)) is not DoNotSchedule or ScheduleAnyway")
        }
        whenUnsatisfiable = parsed
        let domains = try positive("minDomains")
        if domains != nil && parsed != .doNotSchedule {
            throw SimArenaError(.data, "\(path).minDomains: may be set only when whenUnsatisfiable is DoNotSchedule")
        }
        minDomains = domains ?? 1
        nodeAffinityPolicy = try policy("nodeAffinityPolicy", default: .honor)
        nodeTaintsPolicy = try policy("nodeTaintsPolicy", default: .ignore)

        var selector = try map["labelSelector"].flatMap { $0.isNull ? nil : try LabelSelector($0, at: "\(path).labelSelector") }
        if let keys = map["matchLabelKeys"], !keys.isNull {
            let keysPath = "\(path).matchLabelKeys"
            let list = try keys.requireArray(at: keysPath)
            if selector == nil && !list.isEmpty {
                throw SimArenaError(.data, "\(keysPath): must not be specified when labelSelector is not set")
            }
            for (index, item) in list.enumerated() {
                let key = try item.requireString(at: "\(keysPath)[\(index)]")
                if let selector, selector.keys.contains(key) {
                    throw SimArenaError(.data, "\(keysPath)[\(index)]: \(String(reflecting: key)) is also in labelSelector")
                }
                guard let value = podLabels[key] else { continue }
                selector?.matchExpressions.append(NodeSelectorRequirement(key: key, op: .in, values: [value]))
            }
        }
        labelSelector = selector
    }

    /// Whether the constraint counts the pods it selects: a pod in the same namespace whose labels
    /// the selector matches.
    func selects(namespace: String, labels: [String: String], podNamespace: String) -> Bool {
        namespace == podNamespace && labelSelector?.matches(labels) == true
    }

    /// Reads a pod spec's `topologySpreadConstraints`, if any.
    static func list(_ list: KValue?, at path: String, podLabels: [String: String]) throws -> [TopologySpreadConstraint] {
        guard let list, !list.isNull else { return [] }
        let constraints = try list.requireArray(at: path).enumerated().map {
            try TopologySpreadConstraint($0.element, at: "\(path)[\($0.offset)]", podLabels: podLabels)
        }
        // The API server refuses two constraints with the same key and the same action.
        var seen: Set<[String]> = []
        for (index, constraint) in constraints.enumerated()
        where !seen.insert([constraint.topologyKey, constraint.whenUnsatisfiable.rawValue]).inserted {
            throw SimArenaError(
                .data, "\(path)[\(index)]: another constraint has topologyKey \(String(reflecting: constraint.topologyKey)) and whenUnsatisfiable \(constraint.whenUnsatisfiable.rawValue)")
        }
        return constraints
    }
}
