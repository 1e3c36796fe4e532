import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

/// A Kubernetes strategic-merge patch for one workload: `apiVersion`, `kind`,
/// `metadata.name/namespace`, and only what changed among `spec.replicas` and each container's
/// `resources` (containers are merged by name, so the patch names each one it changes). A
/// request or limit that the fix removed is `null`, which a strategic merge deletes.
public struct WorkloadPatch: Sendable {
    /// One field that changed, as the report shows it.
    public struct Change: Sendable, Hashable {
        /// `replicas`, or `<container>.requests.cpu`.
        public var field: String
        public var before: String?
        public var after: String?
    }

    public var kind: WorkloadKind
    public var apiVersion: String
    public var namespace: String
    public var name: String
    /// The patch document.
    public var document: KValue
    public var changes: [Change]

    /// The patch that turns `original` into `fixed` (the same workload), or nil when nothing
    /// that a patch carries differs.
    public init?(from original: Workload, to fixed: Workload) {
        var changes: [Change] = []
        var document: KValue = [
            "apiVersion": .string(fixed.reference.gvk.apiVersion), "kind": .string(fixed.kind.rawValue),
            "metadata": ["name": .string(fixed.name), "namespace": .string(fixed.namespace)],
        ]
        if let before = original.replicas, let after = fixed.replicas, before != after {
            Self.set(.int(after), at: ["spec", "replicas"], in: &document)
            changes.append(Change(field: "replicas", before: String(before), after: String(after)))
        }
        var containers: [KValue] = []
        for container in Self.containers(of: fixed) {
            let name = container["name"]?.stringValue ?? ""
            let previous = Self.containers(of: original).first { $0["name"]?.stringValue == name }
            var resources = KMap()
            for part in ["requests", "limits"] {
                let now = container["resources"]?[part]?.mapValue ?? KMap()
                let then = previous?["resources"]?[part]?.mapValue ?? KMap()
                var changed = KMap()
                for key in then.stringKeys + now.stringKeys.filter({ then[$0] == nil }) where now[key] != then[key] {
                    changed[key] = now[key] ?? .null
                    changes.append(Change(field: "\(name).\(part).\(key)", before: then[key].map(Self.text), after: now[key].map(Self.text)))
                }
                if !changed.isEmpty { resources[part] = .map(changed) }
            }
            if !resources.isEmpty { containers.append(["name": .string(name), "resources": .map(resources)]) }
        }
        guard !changes.isEmpty else { return nil }
        if !containers.isEmpty {
            Self.set(.array(containers), at: fixed.templatePointer.tokens + ["spec", "containers"], in: &document)
        }
        kind = fixed.kind
        apiVersion = fixed.reference.gvk.apiVersion
        namespace = fixed.namespace
        name = fixed.name
        self.changes = changes
        self.document = document
    }

    /// Whether this patches `health`'s workload.
    public func isFor(_ health: WorkloadHealth) -> Bool {
        health.isWorkload(kind, namespace, name)
    }

    /// Sets `value` at `tokens` in `document`, making the maps on the way.
    private static func set(_ value: KValue, at tokens: [String], in document: inout KValue) {
        guard let first = tokens.first else {
            document = value
            return
        }
        var map = document.mapValue ?? KMap()
        var child = map[first] ?? .map(KMap())
        set(value, at: Array(tokens.dropFirst()), in: &child)
        map[first] = child
        document = .map(map)
    }

    /// The template's containers as objects.
    private static func containers(of workload: Workload) -> [KValue] {
        workload.object.value(at: JSONPointer(tokens: workload.templatePointer.tokens + ["spec", "containers"]))?.arrayValue ?? []
    }

    /// A quantity or count as text.
    private static func text(_ value: KValue) -> String {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .uint(let number): return String(number)
        default: return (try? String(decoding: JSONWriter.encode(value, pretty: false), as: UTF8.self)) ?? ""
        }
    }

    /// The arguments of the `kubectl` command that applies it (`patch deployment web -n default
    /// --type strategic -p '{…}'`), the patch as compact JSON in single quotes.
    public var kubectlArguments: String {
        let json = (try? JSONWriter.encode(document, pretty: false)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "patch \(kind.rawValue.lowercased()) \(ShellQuote.word(name)) -n \(ShellQuote.word(namespace)) --type strategic -p \(ShellQuote.word(json))"
    }
}
