/// Checks a trace document's structure and reads its typed parts. Every error names the path of
/// the offending field (`events[3].ts: expected an integer, found a string`).
enum TraceDecoder {
    struct Parts {
        var version: Int64?
        var trackedObjects: [(gvk: GroupVersionKind, config: TrackedObjectConfig)] = []
        var events: [TraceEvent] = []
        var index: [(gvk: GroupVersionKind, key: String, hash: UInt64)] = []
        var podLifecycles: [PodLifecycleRecord] = []
    }

    static func decode(_ document: KValue) throws -> Parts {
        if case .array = document {
            throw versionOneError
        }
        guard case .map(let root) = document else {
            throw SimArenaError(.data, "not a SimKube trace: the document is \(document.typeDescription), not a map")
        }
        var parts = Parts()
        if let version = root["version"] {
            let number = try version.requireInt64(at: "version")
            if number == 1 { throw versionOneError }
            guard number == Trace.supportedVersion else {
                throw SimArenaError(
                    .data, "unsupported trace version \(number): Sim-Arena reads version \(Trace.supportedVersion)")
            }
            parts.version = number
        }
        guard let events = root["events"] else {
            throw SimArenaError(.data, "not a SimKube trace: no \"events\"")
        }
        if let config = root["config"] { parts.trackedObjects = try trackedObjects(in: config) }
        parts.events = try decodeEvents(events)
        if let index = root["index"] { parts.index = try decodeIndex(index) }
        if let lifecycles = root["pod_lifecycles"] { parts.podLifecycles = try decodeLifecycles(lifecycles) }
        return parts
    }

    private static let versionOneError = SimArenaError(
        .data,
        "this is a version-1 trace (SimKube 1.1.1 or older); Sim-Arena reads version 2: export the trace again with SimKube 2 or newer"
    )

    private static func trackedObjects(in config: KValue) throws -> [(gvk: GroupVersionKind, config: TrackedObjectConfig)] {
        let map = try config.requireMap(at: "config")
        guard let tracked = map["trackedObjects"] else { return [] }
        return try tracked.requireMap(at: "config.trackedObjects").entries.map { entry in
            let name = try entry.key.requireString(at: "config.trackedObjects key")
            let path = "config.trackedObjects[\"\(name)\"]"
            let gvk = try GroupVersionKind(parsing: name)
            let settings = try entry.value.requireMap(at: path)
            var config = TrackedObjectConfig()
            if let paths = settings["podSpecTemplatePaths"] {
                config.podSpecTemplatePaths = try paths.requireArray(at: "\(path).podSpecTemplatePaths").enumerated().map {
                    try JSONPointer(parsing: $0.element.requireString(at: "\(path).podSpecTemplatePaths[\($0.offset)]"))
                }
            } else if let single = settings["podSpecTemplatePath"] {
                config.podSpecTemplatePaths = [try JSONPointer(parsing: single.requireString(at: "\(path).podSpecTemplatePath"))]
            }
            config.trackLifecycle = try settings["trackLifecycle"]?.requireBool(at: "\(path).trackLifecycle") ?? false
            config.skipOwned = try settings["skipOwned"]?.requireBool(at: "\(path).skipOwned") ?? false
            return (gvk, config)
        }
    }

    private static func decodeEvents(_ events: KValue) throws -> [TraceEvent] {
        try events.requireArray(at: "events").enumerated().map { position, event in
            let path = "events[\(position)]"
            let map = try event.requireMap(at: path)
            guard let ts = map["ts"] else { throw SimArenaError(.data, "\(path): missing \"ts\"") }
            let seconds = try ts.requireInt64(at: "\(path).ts")
            guard TraceEvent.tsRange.contains(seconds) else {
                throw SimArenaError(.data, "\(path).ts: \(seconds) is outside ±2^53 seconds")
            }
            return TraceEvent(
                ts: seconds,
                applied: try objects(map["applied_objs"], at: "\(path).applied_objs"),
                deleted: try objects(map["deleted_objs"], at: "\(path).deleted_objs"))
        }
    }

    private static func objects(_ list: KValue?, at path: String) throws -> [KValue] {
        guard let list else { return [] }
        let items = try list.requireArray(at: path)
        for (position, item) in items.enumerated() {
            _ = try item.requireMap(at: "\(path)[\(position)]")
        }
        return items
    }

    private static func decodeIndex(_ index: KValue) throws -> [(gvk: GroupVersionKind, key: String, hash: UInt64)] {
        var result: [(gvk: GroupVersionKind, key: String, hash: UInt64)] = []
        for kind in try index.requireMap(at: "index").entries {
            let name = try kind.key.requireString(at: "index key")
            let gvk = try GroupVersionKind(parsing: name)
            for object in try kind.value.requireMap(at: "index[\"\(name)\"]").entries {
                let key = try object.key.requireString(at: "index[\"\(name)\"] key")
                result.append((gvk, key, try object.value.requireUInt64(at: "index[\"\(name)\"][\"\(key)\"]")))
            }
        }
        return result
    }

    private static func decodeLifecycles(_ lifecycles: KValue) throws -> [PodLifecycleRecord] {
        var result: [PodLifecycleRecord] = []
        for (position, owner) in try lifecycles.requireMap(at: "pod_lifecycles").entries.enumerated() {
            let path = "pod_lifecycles[\(position)]"
            let key = try owner.key.requireArray(at: "\(path) key")
            guard key.count == 2 else {
                throw SimArenaError(.data, "\(path) key: expected [gvk, \"namespace/name\"], found \(key.count) elements")
            }
            let gvk = try GroupVersionKind(parsing: key[0].requireString(at: "\(path) key[0]"))
            let ownerKey = try key[1].requireString(at: "\(path) key[1]")
            for hashEntry in try owner.value.requireMap(at: path).entries {
                let hash = try hashEntry.key.requireUInt64(at: "\(path) pod-spec hash")
                let states = try hashEntry.value.requireArray(at: "\(path)[\(hash)]").enumerated().map {
                    try lifecycleState($0.element, at: "\(path)[\(hash)][\($0.offset)]")
                }
                result.append(PodLifecycleRecord(ownerGVK: gvk, ownerKey: ownerKey, podSpecHash: hash, states: states))
            }
        }
        return result
    }

    private static func lifecycleState(_ value: KValue, at path: String) throws -> PodLifecycleState {
        if value == .string("Empty") { return .empty }
        if case .map(let map) = value, map.count == 1, let entry = map.entries.first {
            switch entry.key {
            case .string("Running"):
                return .running(start: try entry.value.requireInt64(at: "\(path).Running"))
            case .string("Finished"):
                let bounds = try entry.value.requireArray(at: "\(path).Finished")
                guard bounds.count == 2 else {
                    throw SimArenaError(.data, "\(path).Finished: expected [start, end], found \(bounds.count) elements")
                }
                let start = try bounds[0].requireInt64(at: "\(path).Finished[0]")
                let end = try bounds[1].requireInt64(at: "\(path).Finished[1]")
                guard end >= start else {
                    throw SimArenaError(.data, "\(path).Finished: ends (\(end)) before it starts (\(start))")
                }
                return .finished(start: start, end: end)
            default:
                break
            }
        }
        throw SimArenaError(.data, "\(path): expected \"Empty\", {\"Running\": start} or {\"Finished\": [start, end]}")
    }
}
