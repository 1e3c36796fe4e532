import SimArenaModel

/// Kubernetes' strategic merge patch, for the fields of workloads: maps merge key by key, a
/// `null` deletes its key, the pod spec's lists of named things (containers, volumes, env, …)
/// merge element by element on their merge key, and every other list is replaced whole. The
/// `$patch`, `$retainKeys`, `$setElementOrder` and `$deleteFromPrimitiveList` directives are
/// refused rather than misread.
public enum StrategicMerge {
    /// The merge key of each list that merges rather than being replaced, by field name, as the
    /// Kubernetes API's `patchMergeKey` tags give them (k8s.io/api core/v1 types.go).
    static let mergeKeys: [String: String] = [
        "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "env": "name", "volumes": "name",
    ]

    /// `target` with `patch` merged in; `path` names the patch in errors.
    public static func apply(_ patch: KValue, to target: KValue, at path: String) throws -> KValue {
        guard let patchMap = patch.mapValue else { return patch }
        var result = target.mapValue ?? KMap()
        for entry in patchMap.entries {
            guard let key = entry.key.stringValue else { throw SimArenaError(.data, "\(path): a key is not text") }
            if key.hasPrefix("$") {
                throw SimArenaError(.data, "\(path).\(key): the \(key) directive is not supported; write the fields themselves")
            }
            if entry.value.isNull {
                result[key] = nil
            } else if let patchList = entry.value.arrayValue, let mergeKey = mergeKeys[key], let current = result[key]?.arrayValue {
                result[key] = .array(try merge(patchList, into: current, on: mergeKey, at: "\(path).\(key)"))
            } else if entry.value.mapValue != nil, let current = result[key], current.mapValue != nil {
                result[key] = try apply(entry.value, to: current, at: "\(path).\(key)")
            } else {
                result[key] = entry.value
            }
        }
        return .map(result)
    }

    /// Merges each element of `patch` into the element of `current` with the same `mergeKey`
    /// value, or appends it.
    private static func merge(_ patch: [KValue], into current: [KValue], on mergeKey: String, at path: String) throws -> [KValue] {
        var merged = current
        for (index, element) in patch.enumerated() {
            guard let key = element[mergeKey], !key.isNull else {
                throw SimArenaError(.data, "\(path)[\(index)]: no \"\(mergeKey)\", which this list merges on")
            }
            if let position = merged.firstIndex(where: { $0[mergeKey] == key }) {
                merged[position] = try apply(element, to: merged[position], at: "\(path)[\(index)]")
            } else {
                merged.append(element)
            }
        }
        return merged
    }
}

extension Trace {
    /// Applies strategic-merge `patches` (each with `apiVersion`, `kind` and `metadata.name`, and
    /// `metadata.namespace` unless `default`) to every applied occurrence of its workload; `source`
    /// names the patch file in errors. A patch whose object the trace never applies is an error.
    public mutating func apply(patches: [KValue], source: String) throws {
        var references: [ObjectReference] = []
        for (index, patch) in patches.enumerated() {
            references.append(try ObjectReference(object: patch, at: "\(source): document \(index + 1)"))
        }
        var matched = [Int](repeating: 0, count: patches.count)
        try updateAppliedObjects { object in
            guard let reference = try? ObjectReference(object: object, at: "") else { return }
            for (index, patch) in patches.enumerated() where Self.same(references[index], reference) {
                object = try StrategicMerge.apply(patch, to: object, at: "\(source): document \(index + 1)")
                matched[index] += 1
            }
        }
        if let missing = matched.firstIndex(of: 0) {
            throw SimArenaError(.data, "\(source): document \(missing + 1): the trace applies no \(references[missing])")
        }
    }

    /// Whether two references name the same object (a missing namespace is `default`).
    private static func same(_ a: ObjectReference, _ b: ObjectReference) -> Bool {
        a.gvk == b.gvk && a.name == b.name && a.effectiveNamespace == b.effectiveNamespace
    }
}
