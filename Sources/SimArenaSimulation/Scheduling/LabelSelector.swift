import SimArenaModel

/// A label selector (`metav1.LabelSelector`): `matchLabels` and `matchExpressions` (In, NotIn,
/// Exists, DoesNotExist), all ANDed. An empty selector (`{}`) matches every set of labels; a
/// missing one (nil where it is optional) is up to its user.
public struct LabelSelector: Sendable, Hashable {
    public var matchLabels: [String: String]
    public var matchExpressions: [NodeSelectorRequirement]

    public init(matchLabels: [String: String] = [:], matchExpressions: [NodeSelectorRequirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// Reads `{matchLabels?, matchExpressions?}`; the numeric operators of node selectors
    /// (Gt, Lt) are refused, as the API server refuses them here.
    public init(_ value: KValue, at path: String) throws {
        let map = try value.requireMap(at: path)
        var labels: [String: String] = [:]
        if let list = map["matchLabels"], !list.isNull {
            for entry in try list.requireMap(at: "\(path).matchLabels").entries {
                let key = try entry.key.requireString(at: "\(path).matchLabels key")
                labels[key] = try entry.value.requireString(at: "\(path).matchLabels.\(key)")
            }
        }
        matchLabels = labels
        matchExpressions = try map["matchExpressions"].flatMap { list -> [NodeSelectorRequirement]? in
            guard !list.isNull else { return nil }
            return try list.requireArray(at: "\(path).matchExpressions").enumerated().map { item in
                let itemPath = "\(path).matchExpressions[\(item.offset)]"
                let requirement = try NodeSelectorRequirement(item.element, at: itemPath)
                guard requirement.op != .gt && requirement.op != .lt else {
                    throw SimArenaError(
                        .data, "\(itemPath).operator: \(requirement.op.rawValue) is not a label selector operator (In, NotIn, Exists, DoesNotExist)")
                }
                return requirement
            }
        } ?? []
    }

    /// Whether the selector is `{}` (it matches every set of labels).
    public var isEmpty: Bool { matchLabels.isEmpty && matchExpressions.isEmpty }

    /// The label keys the selector names, in `matchLabels` or an expression.
    public var keys: Set<String> { Set(matchLabels.keys).union(matchExpressions.map(\.key)) }

    /// Whether `labels` satisfy every `matchLabels` entry and every expression.
    public func matches(_ labels: [String: String]) -> Bool {
        matchLabels.allSatisfy { labels[$0.key] == $0.value } && matchExpressions.allSatisfy { $0.matches(labels) }
    }
}
