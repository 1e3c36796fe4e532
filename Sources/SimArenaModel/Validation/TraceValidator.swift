/// Checks a trace for problems that would break a replay: its structure, the objects it applies,
/// and SimKube's own rules (a populated `status`, and ServiceAccounts, Secrets and ConfigMaps
/// that pods need but the trace never creates).
public enum TraceValidator {
    /// All problems found, in trace order. An empty result means the trace is fine.
    public static func validate(_ document: KValue) -> [ValidationIssue] {
        let trace: Trace
        do {
            trace = try Trace(document: document)
        } catch {
            return [ValidationRule.malformedTrace.issue(at: "", String(describing: error))]
        }
        var issues: [ValidationIssue] = []
        if trace.version == nil {
            issues.append(ValidationRule.versionMissing.issue(
                at: "version", "no \"version\": read as the original project's simplified trace (SimKube needs version 2)"))
        }
        for (position, pair) in zip(trace.events, trace.events.dropFirst()).enumerated() where pair.1.ts < pair.0.ts {
            issues.append(ValidationRule.eventsOutOfOrder.issue(
                at: "events[\(position + 1)].ts", "ts \(pair.1.ts) is earlier than the previous event's \(pair.0.ts)"))
        }
        let created = createdObjects(in: trace)
        var applied: Set<ObjectReference> = []
        for (eventIndex, event) in trace.events.enumerated() {
            for (objectIndex, object) in event.applied.enumerated() {
                let path = Trace.appliedObjectPath(event: eventIndex, object: objectIndex)
                do {
                    let reference = try ObjectReference(object: object, at: path)
                    applied.insert(reference)
                    issues += check(object, reference: reference, at: path, in: trace, created: created)
                } catch {
                    issues.append(ValidationRule.invalidObject.issue(at: path, String(describing: error)))
                }
            }
            for (objectIndex, object) in event.deleted.enumerated() {
                let path = "events[\(eventIndex)].deleted_objs[\(objectIndex)]"
                do {
                    let reference = try ObjectReference(object: object, at: path)
                    if !applied.contains(reference) {
                        issues.append(ValidationRule.deletedNeverApplied.issue(
                            at: path, "\(reference) is deleted but no earlier event applies it"))
                    }
                } catch {
                    issues.append(ValidationRule.invalidObject.issue(at: path, String(describing: error)))
                }
            }
        }
        return issues
    }

    /// The kinds whose absence SimKube's rules report.
    private enum Dependency: String {
        case serviceAccount = "ServiceAccount"
        case secret = "Secret"
        case configMap = "ConfigMap"
    }

    private struct DependencyKey: Hashable {
        var kind: Dependency
        var namespace: String
        var name: String
    }

    private static func createdObjects(in trace: Trace) -> Set<DependencyKey> {
        var created: Set<DependencyKey> = []
        for event in trace.events {
            for object in event.applied {
                guard let reference = try? ObjectReference(object: object, at: ""), reference.gvk.group.isEmpty,
                    let kind = Dependency(rawValue: reference.gvk.kind)
                else { continue }
                created.insert(DependencyKey(kind: kind, namespace: reference.effectiveNamespace, name: reference.name))
            }
        }
        return created
    }

    private static func check(
        _ object: KValue, reference: ObjectReference, at path: String, in trace: Trace, created: Set<DependencyKey>
    ) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let status = object["status"], status != .map(KMap()), !status.isNull {
            issues.append(ValidationRule.statusFieldPopulated.issue(
                at: "\(path).status", "\(reference) has a populated status; controllers set it, a replay should not apply it"))
        }
        let workload: Workload
        do {
            guard let found = try Workload(object: object, at: path, tracked: trace.trackedConfig(for: reference.gvk)) else {
                return issues
            }
            workload = found
        } catch {
            return issues + [ValidationRule.invalidWorkload.issue(at: path, String(describing: error))]
        }
        let templatePath = path + workload.templatePointer.tokens.map { ".\($0)" }.joined()
        if workload.template.containers.isEmpty {
            issues.append(ValidationRule.noContainers.issue(
                at: "\(templatePath).spec.containers", "\(reference) has no containers; the API server rejects such pods"))
        }
        for (position, container) in workload.template.containers.enumerated() {
            for limit in container.limits.entries {
                if let request = container.requests[limit.name], request > limit.quantity {
                    issues.append(ValidationRule.requestAboveLimit.issue(
                        at: "\(templatePath).spec.containers[\(position)].resources",
                        "container \"\(container.name)\" requests \(request) \(limit.name), above its limit \(limit.quantity)"))
                }
            }
        }
        issues += PodReferences(spec: workload.template.spec).missing(
            namespace: workload.namespace, created: created, at: "\(templatePath).spec", owner: reference)
        return issues
    }

    /// The ServiceAccount, Secrets and ConfigMaps a pod spec refers to.
    private struct PodReferences {
        var found: [(rule: ValidationRule, kind: Dependency, name: String, path: String)] = []

        init(spec: KValue) {
            for field in ["serviceAccountName", "serviceAccount"] {
                if let name = spec[field]?.stringValue, name != "default", !found.contains(where: { $0.name == name }) {
                    found.append((.serviceAccountMissing, .serviceAccount, name, field))
                }
            }
            for list in ["initContainers", "containers", "ephemeralContainers"] {
                for (index, container) in (spec[list]?.arrayValue ?? []).enumerated() {
                    scanEnvironment(container, at: "\(list)[\(index)]")
                }
            }
            for (index, volume) in (spec["volumes"]?.arrayValue ?? []).enumerated() {
                let path = "volumes[\(index)]"
                add(volume["secret"], nameField: "secretName", .volumeSecretMissing, .secret, at: "\(path).secret")
                add(volume["configMap"], nameField: "name", .volumeConfigMapMissing, .configMap, at: "\(path).configMap")
                for (sourceIndex, source) in (volume["projected"]?["sources"]?.arrayValue ?? []).enumerated() {
                    let sourcePath = "\(path).projected.sources[\(sourceIndex)]"
                    add(source["secret"], nameField: "name", .volumeSecretMissing, .secret, at: "\(sourcePath).secret")
                    add(source["configMap"], nameField: "name", .volumeConfigMapMissing, .configMap, at: "\(sourcePath).configMap")
                }
            }
        }

        private mutating func scanEnvironment(_ container: KValue, at path: String) {
            for (index, variable) in (container["env"]?.arrayValue ?? []).enumerated() {
                let source = variable["valueFrom"]
                let variablePath = "\(path).env[\(index)].valueFrom"
                add(source?["secretKeyRef"], nameField: "name", .envvarSecretMissing, .secret, at: "\(variablePath).secretKeyRef")
                add(source?["configMapKeyRef"], nameField: "name", .envvarConfigMapMissing, .configMap,
                    at: "\(variablePath).configMapKeyRef")
            }
            for (index, source) in (container["envFrom"]?.arrayValue ?? []).enumerated() {
                let sourcePath = "\(path).envFrom[\(index)]"
                add(source["secretRef"], nameField: "name", .envvarSecretMissing, .secret, at: "\(sourcePath).secretRef")
                add(source["configMapRef"], nameField: "name", .envvarConfigMapMissing, .configMap, at: "\(sourcePath).configMapRef")
            }
        }

        /// Records a reference unless it is marked `optional: true` (pods then start without it).
        private mutating func add(_ value: KValue?, nameField: String, _ rule: ValidationRule, _ kind: Dependency, at path: String) {
            guard let value, let name = value[nameField]?.stringValue, value["optional"]?.boolValue != true else { return }
            found.append((rule, kind, name, "\(path).\(nameField)"))
        }

        func missing(namespace: String, created: Set<DependencyKey>, at path: String, owner: ObjectReference) -> [ValidationIssue] {
            found.compactMap { reference in
                let key = DependencyKey(kind: reference.kind, namespace: namespace, name: reference.name)
                guard !created.contains(key) else { return nil }
                return reference.rule.issue(
                    at: "\(path).\(reference.path)",
                    "\(owner) needs \(reference.kind.rawValue) \(namespace)/\(reference.name), which the trace never creates")
            }
        }
    }
}
