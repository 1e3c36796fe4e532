/// An object that makes pods (Deployment, ReplicaSet, StatefulSet, Job, CronJob, DaemonSet or a
/// bare Pod), read from a trace: its identity, replicas and pod template.
public struct Workload: Sendable, Hashable {
    public var kind: WorkloadKind
    public var reference: ObjectReference
    /// The object as last applied in the trace.
    public var object: KValue
    /// Where the pod template is in ``object``.
    public var templatePointer: JSONPointer
    /// `spec.replicas` (1 when absent, as the API defaults it) for kinds that have replicas.
    public var replicas: Int64?
    public var template: PodTemplate
    /// Whether a later event deleted the object.
    public var deleted: Bool

    public var namespace: String { reference.effectiveNamespace }
    public var name: String { reference.name }

    /// Reads a workload from an object, or returns `nil` when the object's kind makes no pods.
    /// A tracked-object config that names a pod template path for the kind takes precedence
    /// over the Kubernetes one.
    public init?(object: KValue, at path: @autoclosure () -> String, tracked: TrackedObjectConfig? = nil, deleted: Bool = false) throws {
        let reference = try ObjectReference(object: object, at: path())
        guard let kind = WorkloadKind(reference.gvk) else { return nil }
        self.kind = kind
        self.reference = reference
        self.object = object
        self.deleted = deleted
        templatePointer = tracked?.podSpecTemplatePaths.first ?? kind.templatePointer
        guard let template = object.value(at: templatePointer) else {
            throw SimArenaError(.data, "\(path()) (\(reference)): no pod template at \"\(templatePointer)\"")
        }
        self.template = try PodTemplate(template, at: "\(path())\(templatePointer.tokens.map { ".\($0)" }.joined())")
        if kind.hasReplicas {
            let value = object.value(at: JSONPointer(tokens: ["spec", "replicas"]))
            if let value, !value.isNull {
                let count = try value.requireInt64(at: "\(path()).spec.replicas")
                guard count >= 0 else {
                    throw SimArenaError(.data, "\(path()).spec.replicas: \(count) is negative")
                }
                replicas = count
            } else {
                replicas = 1
            }
        } else {
            replicas = nil
        }
    }
}
