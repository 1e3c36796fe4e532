import SimArenaModel

/// The operator of a node selector requirement.
public enum NodeSelectorOperator: String, Sendable, Hashable, CaseIterable {
    case `in` = "In"
    case notIn = "NotIn"
    case exists = "Exists"
    case doesNotExist = "DoesNotExist"
    /// The label, read as an integer, is greater than the single value.
    case gt = "Gt"
    /// The label, read as an integer, is less than the single value.
    case lt = "Lt"
}

/// One `matchExpressions` (or `matchFields`) entry of a node selector term.
///
/// A requirement whose values do not fit its operator (as the API server would reject: `In` or
/// `NotIn` without values, `Exists` or `DoesNotExist` with values, `Gt` or `Lt` without exactly
/// one integer) matches nothing, so the term holding it matches nothing, as in Kubernetes.
public struct NodeSelectorRequirement: Sendable, Hashable {
    public var key: String
    public var op: NodeSelectorOperator
    public var values: [String]

    public init(key: String, op: NodeSelectorOperator, values: [String] = []) {
        self.key = key
        self.op = op
        self.values = values
    }

    /// Reads `{key, operator, values?}`.
    public init(_ value: KValue, at path: String) throws {
        let map = try value.requireMap(at: path)
        guard let key = map["key"], !key.isNull else { throw SimArenaError(.data, "\(path): missing \"key\"") }
        self.key = try key.requireString(at: "\(path).key")
        guard let op = map["operator"], !op.isNull else { throw SimArenaError(.data, "\(path): missing \"operator\"") }
        let text = try op.requireString(at: "\(path).operator")
        guard let parsed = NodeSelectorOperator(rawValue: text) else {
            throw SimArenaError(
                .data,
                "\(path).operator: unknown operator \(String(reflecting: text)) (expected In, NotIn, Exists, DoesNotExist, Gt or Lt)"
            )
        }
        self.op = parsed
        values = try map["values"].flatMap { list -> [String]? in
            guard !list.isNull else { return nil }
            return try list.requireArray(at: "\(path).values").enumerated().map {
                try $0.element.requireString(at: "\(path).values[\($0.offset)]")
            }
        } ?? []
    }

    /// Whether the labels satisfy this requirement. `NotIn` and `DoesNotExist` hold when the
    /// label is absent; `Gt` and `Lt` need both the label and the value to be integers.
    public func matches(_ labels: [String: String]) -> Bool {
        let label = labels[key]
        switch op {
        case .in:
            guard !values.isEmpty, let label else { return false }
            return values.contains(label)
        case .notIn:
            guard !values.isEmpty else { return false }
            guard let label else { return true }
            return !values.contains(label)
        case .exists:
            return values.isEmpty && label != nil
        case .doesNotExist:
            return values.isEmpty && label == nil
        case .gt, .lt:
            guard values.count == 1, let bound = Int64(values[0]), let label, let number = Int64(label) else {
                return false
            }
            return op == .gt ? number > bound : number < bound
        }
    }

    /// Whether the node's fields satisfy this `matchFields` requirement. Kubernetes supports only
    /// `metadata.name` with `In` or `NotIn` and exactly one value; anything else matches nothing.
    func matchesFields(nodeName: String) -> Bool {
        guard key == "metadata.name", values.count == 1 else { return false }
        switch op {
        case .in: return nodeName == values[0]
        case .notIn: return nodeName != values[0]
        default: return false
        }
    }
}

/// One of the `nodeSelectorTerms` of a required node affinity. Its requirements are ANDed; a
/// term with no requirements at all matches nothing, as in Kubernetes.
public struct NodeSelectorTerm: Sendable, Hashable {
    /// Requirements on node labels.
    public var matchExpressions: [NodeSelectorRequirement]
    /// Requirements on node fields (only `metadata.name`, which DaemonSet pods use).
    public var matchFields: [NodeSelectorRequirement]

    public init(matchExpressions: [NodeSelectorRequirement] = [], matchFields: [NodeSelectorRequirement] = []) {
        self.matchExpressions = matchExpressions
        self.matchFields = matchFields
    }

    /// Reads `{matchExpressions?, matchFields?}`.
    public init(_ value: KValue, at path: String) throws {
        let map = try value.requireMap(at: path)
        func requirements(_ name: String) throws -> [NodeSelectorRequirement] {
            guard let list = map[name], !list.isNull else { return [] }
            return try list.requireArray(at: "\(path).\(name)").enumerated().map {
                try NodeSelectorRequirement($0.element, at: "\(path).\(name)[\($0.offset)]")
            }
        }
        matchExpressions = try requirements("matchExpressions")
        matchFields = try requirements("matchFields")
    }

    /// Whether a node with these labels (and name, when given) satisfies every requirement.
    /// Without a node name, `matchFields` is not checked (as Kubernetes does with no fields).
    public func matches(_ labels: [String: String], nodeName: String? = nil) -> Bool {
        guard !matchExpressions.isEmpty || !matchFields.isEmpty else { return false }
        guard matchExpressions.allSatisfy({ $0.matches(labels) }) else { return false }
        if let nodeName {
            return matchFields.allSatisfy { $0.matchesFields(nodeName: nodeName) }
        }
        return true
    }

    /// Whether any of `terms` matches (terms are ORed; an empty list matches nothing).
    public static func anyMatches(_ terms: [NodeSelectorTerm], labels: [String: String], nodeName: String? = nil) -> Bool {
        terms.contains { $0.matches(labels, nodeName: nodeName) }
    }
}
