import SimArenaModel

/// One required term of a pod's `podAffinity` or `podAntiAffinity`: the pods it is about
/// (a label selector within some namespaces) and the topology key that groups nodes into
/// domains (`kubernetes.io/hostname`: each node; `topology.kubernetes.io/zone`: each zone).
public struct PodAffinityTerm: Sendable, Hashable {
    /// Which pods the term is about; nil matches no pod, as in Kubernetes.
    public var labelSelector: LabelSelector?
    /// The namespaces to look in, with ``namespaceSelector``; both empty means the namespace of
    /// the pod that has the term.
    public var namespaces: [String]
    /// Namespaces by their labels. A namespace's only label here is Kubernetes' own
    /// `kubernetes.io/metadata.name: <name>`; `{}` selects every namespace.
    public var namespaceSelector: LabelSelector?
    public var topologyKey: String

    public init(labelSelector: LabelSelector?, namespaces: [String] = [], namespaceSelector: LabelSelector? = nil,
                topologyKey: String) {
        self.labelSelector = labelSelector
        self.namespaces = namespaces
        self.namespaceSelector = namespaceSelector
        self.topologyKey = topologyKey
    }

    /// Reads `{labelSelector?, namespaces?, namespaceSelector?, topologyKey}`.
    public init(_ value: KValue, at path: String) throws {
        let map = try value.requireMap(at: path)
        labelSelector = try map["labelSelector"].flatMap { $0.isNull ? nil : try LabelSelector($0, at: "\(path).labelSelector") }
        namespaceSelector = try map["namespaceSelector"].flatMap {
            $0.isNull ? nil : try LabelSelector($0, at: "\(path).namespaceSelector")
        }
        namespaces = try map["namespaces"].flatMap { list -> [String]? in
            guard !list.isNull else { return nil }
            return try list.requireArray(at: "\(path).namespaces").enumerated().map {
                try $0.element.requireString(at: "\(path).namespaces[\($0.offset)]")
            }
        } ?? []
        guard let key = map["topologyKey"], !key.isNull, let text = try? key.requireString(at: "\(path).topologyKey"), !text.isEmpty
        else { throw SimArenaError(.data, "\(path).topologyKey: required, a node label key") }
        topologyKey = text
    }

    /// Whether a pod in `namespace` with `labels` is one the term is about, for a term held by a
    /// pod in `ownerNamespace`.
    public func matches(namespace: String, labels: [String: String], ownerNamespace: String) -> Bool {
        guard let labelSelector, labelSelector.matches(labels) else { return false }
        if namespaces.isEmpty && namespaceSelector == nil { return namespace == ownerNamespace }
        return namespaces.contains(namespace)
            || namespaceSelector?.matches(["kubernetes.io/metadata.name": namespace]) == true
    }

    /// Reads a `requiredDuringSchedulingIgnoredDuringExecution` list of `podAffinity` or
    /// `podAntiAffinity` (`kind`) from `spec.affinity`, if any.
    static func required(_ kind: String, in affinity: KValue?, at path: String) throws -> [PodAffinityTerm] {
        guard let affinity, !affinity.isNull, let section = try affinity.requireMap(at: path)[kind], !section.isNull,
            let list = try section.requireMap(at: "\(path).\(kind)")["requiredDuringSchedulingIgnoredDuringExecution"],
            !list.isNull
        else { return [] }
        let listPath = "\(path).\(kind).requiredDuringSchedulingIgnoredDuringExecution"
        return try list.requireArray(at: listPath).enumerated().map { try PodAffinityTerm($0.element, at: "\(listPath)[\($0.offset)]") }
    }
}
