import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// A live Deployment or StatefulSet as a snapshot's trace holds it, cleaned as SimKube's tracer
/// cleans the objects it records: `apiVersion` and `kind` set (list items come without them), of
/// the metadata only `name`, `namespace`, `labels` and `annotations` kept, less the
/// `deployment.kubernetes.io/revision` and `kubectl.kubernetes.io/last-applied-configuration`
/// annotations, and no `status`. The rest (`spec`) is kept as the server sent it.
struct TracedWorkload {
    let kind: WorkloadKind
    let name: String
    /// `metadata.creationTimestamp` of the live object, in whole Unix seconds.
    let createdAt: Int64?
    /// The pod template as read (before ``setTemplateAnnotation(_:to:)``).
    let template: PodTemplate
    /// The cleaned object.
    private(set) var object: KValue

    static let keptMetadata: Set = ["name", "namespace", "labels", "annotations"]
    static let droppedAnnotations = ["deployment.kubernetes.io/revision", "kubectl.kubernetes.io/last-applied-configuration"]

    init(live: KValue, kind: WorkloadKind, namespace: String) throws {
        let name = try live["metadata"]?["name"]?.requireString(at: "\(kind.rawValue) metadata.name") ?? ""
        let at = "\(kind.rawValue) \(namespace)/\(name)"
        let liveMetadata = try live["metadata"]?.requireMap(at: "\(at): metadata") ?? KMap()
        var metadata = KMap(liveMetadata.entries.filter { $0.key.stringValue.map(Self.keptMetadata.contains) == true })
        metadata["namespace"] = .string(namespace)
        if var annotations = metadata["annotations"]?.mapValue {
            for key in Self.droppedAnnotations { annotations[key] = nil }
            metadata["annotations"] = annotations.isEmpty ? nil : .map(annotations)
        }
        var cleaned = KMap([
            KMap.Entry(key: "apiVersion", value: "apps/v1"), KMap.Entry(key: "kind", value: .string(kind.rawValue)),
            KMap.Entry(key: "metadata", value: .map(metadata)),
        ])
        let skipped: Set = ["apiVersion", "kind", "metadata", "status"]
        cleaned.entries += try live.requireMap(at: at).entries.filter { !skipped.contains($0.key.stringValue ?? "") }

        self.kind = kind
        self.name = name
        createdAt = liveMetadata["creationTimestamp"]?.stringValue.flatMap(RFC3339.parse).map { Int64($0.rounded(.down)) }
        object = .map(cleaned)
        let pointer = kind.templatePointer
        template = try PodTemplate(object.value(at: pointer) ?? .null, at: "\(at): \(pointer.tokens.joined(separator: "."))")
    }

    /// `Deployment web`, for messages.
    var title: String { "\(kind.rawValue) \(name)" }

    /// Whether `pod` is one of this workload's, by its controller owner reference.
    func owns(_ pod: KValue) -> Bool {
        let owner = PodWorkload.of(pod["metadata"]?.mapValue ?? KMap())
        return owner.kind == kind.rawValue && owner.name == name
    }

    /// Sets an annotation of the pod template.
    mutating func setTemplateAnnotation(_ key: String, to text: String) {
        object.modify(at: kind.templatePointer) { template in
            var metadata = template["metadata"]?.mapValue ?? KMap()
            var annotations = metadata["annotations"]?.mapValue ?? KMap()
            annotations[key] = .string(text)
            metadata["annotations"] = .map(annotations)
            template["metadata"] = .map(metadata)
        }
    }
}
