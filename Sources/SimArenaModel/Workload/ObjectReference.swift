/// Which object a Kubernetes object is: its kind, namespace and name.
public struct ObjectReference: Sendable, Hashable, CustomStringConvertible {
    public var gvk: GroupVersionKind
    /// `metadata.namespace`; `nil` when absent (namespaced objects then live in `default`).
    public var namespace: String?
    public var name: String

    public init(gvk: GroupVersionKind, namespace: String?, name: String) {
        self.gvk = gvk
        self.namespace = namespace
        self.name = name
    }

    /// Reads `apiVersion`, `kind`, `metadata.namespace` and `metadata.name`; `path` names the
    /// object in errors.
    public init(object: KValue, at path: @autoclosure () -> String) throws {
        let map = try object.requireMap(at: path())
        guard let kind = map["kind"] else { throw SimArenaError(.data, "\(path()): missing \"kind\"") }
        guard let apiVersion = map["apiVersion"] else { throw SimArenaError(.data, "\(path()): missing \"apiVersion\"") }
        guard let metadata = map["metadata"] else { throw SimArenaError(.data, "\(path()): missing \"metadata\"") }
        let meta = try metadata.requireMap(at: "\(path()).metadata")
        guard let name = meta["name"] else { throw SimArenaError(.data, "\(path()).metadata: missing \"name\"") }
        self.gvk = GroupVersionKind(
            apiVersion: try apiVersion.requireString(at: "\(path()).apiVersion"),
            kind: try kind.requireString(at: "\(path()).kind"))
        self.namespace = try meta["namespace"]?.requireString(at: "\(path()).metadata.namespace")
        self.name = try name.requireString(at: "\(path()).metadata.name")
    }

    /// The namespace a namespaced object lives in.
    public var effectiveNamespace: String { namespace ?? "default" }

    /// `namespace/name`, the key SimKube's index uses.
    public var key: String { "\(effectiveNamespace)/\(name)" }

    public var description: String { "\(gvk.kind) \(key)" }
}
