extension Trace {
    /// Several traces as one cluster's: their events in time order (ties in input order), their
    /// tracked-object settings, index entries and pod lifecycles together, and no `metadata`
    /// (a scenario's target and goal belong to its own trace). `names` name the traces in errors.
    /// The same object applied by two traces, or one kind tracked differently, is an error.
    public static func merging(_ traces: [Trace], names: [String]) throws -> Trace {
        var tracked = KMap()
        var index = KMap()
        var lifecycles = KMap()
        var events: [(ts: Int64, value: KValue)] = []
        var owner: [String: Int] = [:]
        for (position, (trace, name)) in zip(traces, names).enumerated() {
            for object in trace.events.flatMap(\.applied) {
                let reference = try ObjectReference(object: object, at: name)
                let key = "\(reference.gvk) \(reference.key)"
                if let other = owner[key], other != position {
                    throw SimArenaError(.data, "\(name): \(reference) is also in \(names[other]); merged traces must not share objects")
                }
                owner[key] = position
            }
            let root = trace.document.mapValue ?? KMap()
            for entry in root["config"]?["trackedObjects"]?.mapValue?.entries ?? [] {
                if let existing = tracked[entry.key], existing != entry.value {
                    throw SimArenaError(.data, "\(name): config.trackedObjects tracks \(entry.key.stringValue ?? "a kind") differently from the traces before it")
                }
                tracked[entry.key] = entry.value
            }
            for entry in root["index"]?.mapValue?.entries ?? [] {
                var merged = index[entry.key]?.mapValue ?? KMap()
                for item in entry.value.mapValue?.entries ?? [] { merged[item.key] = item.value }
                index[entry.key] = .map(merged)
            }
            for entry in root["pod_lifecycles"]?.mapValue?.entries ?? [] { lifecycles[entry.key] = entry.value }
            for (offset, event) in (root["events"]?.arrayValue ?? []).enumerated() {
                events.append((trace.events[offset].ts, event))
            }
        }
        // A stable sort: equal times keep the inputs' order.
        let ordered = events.enumerated().sorted { ($0.element.ts, $0.offset) < ($1.element.ts, $1.offset) }.map(\.element.value)
        return try Trace(document: [
            "version": .int(supportedVersion), "config": ["trackedObjects": .map(tracked)], "events": .array(ordered),
            "index": .map(index), "pod_lifecycles": .map(lifecycles),
        ])
    }
}
