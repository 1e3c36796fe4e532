/// What `sa-trace inspect` reports about a trace: its events and time span, the objects it
/// applies by kind, and each workload's replicas and per-container requests and limits.
public struct TraceSummary: Sendable {
    /// Applies and deletes of one kind of object.
    public struct KindCount: Sendable, Hashable {
        public var gvk: GroupVersionKind
        /// Distinct objects (by namespace and name).
        public var objects: Int
        public var applied: Int
        public var deleted: Int
    }

    public var version: Int64?
    public var eventCount: Int
    public var appliedCount: Int
    public var deletedCount: Int
    /// Earliest and latest `ts`, when there are events.
    public var timeSpan: (first: Int64, last: Int64)?
    public var kinds: [KindCount]
    public var workloads: [Workload]
    public var podLifecycleCount: Int
    /// The original project's `metadata.scenario` block, when present.
    public var scenario: KValue?

    public init(_ trace: Trace) throws {
        version = trace.version
        eventCount = trace.events.count
        appliedCount = trace.events.reduce(0) { $0 + $1.applied.count }
        deletedCount = trace.events.reduce(0) { $0 + $1.deleted.count }
        if let first = trace.events.map(\.ts).min(), let last = trace.events.map(\.ts).max() {
            timeSpan = (first, last)
        }
        var kinds: [KindCount] = []
        var seen: Set<ObjectReference> = []
        for (eventIndex, event) in trace.events.enumerated() {
            for (list, isDelete) in [(event.applied, false), (event.deleted, true)] {
                for (objectIndex, object) in list.enumerated() {
                    let path = "events[\(eventIndex)].\(isDelete ? "deleted_objs" : "applied_objs")[\(objectIndex)]"
                    let reference = try ObjectReference(object: object, at: path)
                    let position = kinds.firstIndex { $0.gvk == reference.gvk } ?? {
                        kinds.append(KindCount(gvk: reference.gvk, objects: 0, applied: 0, deleted: 0))
                        return kinds.count - 1
                    }()
                    if seen.insert(reference).inserted { kinds[position].objects += 1 }
                    if isDelete { kinds[position].deleted += 1 } else { kinds[position].applied += 1 }
                }
            }
        }
        self.kinds = kinds
        workloads = try trace.workloads()
        podLifecycleCount = trace.podLifecycles.reduce(0) { $0 + $1.states.count }
        scenario = trace.document["metadata"]?["scenario"]
    }

    /// The summary as a JSON-ready value (the `sa-trace inspect --json` format).
    public var value: KValue {
        var root = KMap()
        root["version"] = version.map { .int($0) } ?? .null
        root["events"] = .int(Int64(eventCount))
        root["applied"] = .int(Int64(appliedCount))
        root["deleted"] = .int(Int64(deletedCount))
        if let timeSpan {
            root["timeSpan"] = ["first": .int(timeSpan.first), "last": .int(timeSpan.last),
                                "seconds": .int(timeSpan.last - timeSpan.first)]
        } else {
            root["timeSpan"] = .null
        }
        root["kinds"] = .array(kinds.map {
            ["gvk": .string($0.gvk.description), "objects": .int(Int64($0.objects)),
             "applied": .int(Int64($0.applied)), "deleted": .int(Int64($0.deleted))]
        })
        root["workloads"] = .array(workloads.map(Self.workloadValue))
        root["podLifecycles"] = .int(Int64(podLifecycleCount))
        if let scenario { root["scenario"] = scenario }
        return .map(root)
    }

    private static func workloadValue(_ workload: Workload) -> KValue {
        func resources(_ list: ResourceList) -> KValue {
            .map(KMap(list.entries.map { KMap.Entry(key: .string($0.name), value: .string($0.quantity.description)) }))
        }
        return [
            "kind": .string(workload.kind.rawValue),
            "namespace": .string(workload.namespace),
            "name": .string(workload.name),
            "replicas": workload.replicas.map { .int($0) } ?? .null,
            "deleted": .bool(workload.deleted),
            "containers": .array(workload.template.containers.map {
                ["name": .string($0.name), "requests": resources($0.requests), "limits": resources($0.limits)]
            }),
        ]
    }

    /// The summary as human-readable text.
    public func render(source: String) -> String {
        var lines: [String] = []
        lines.append("trace: \(source) (\(version.map { "version \($0)" } ?? "simplified, no version"))")
        var events = "events: \(eventCount) (\(appliedCount) applied, \(deletedCount) deleted)"
        if let timeSpan {
            events += ", ts \(timeSpan.first)..\(timeSpan.last) (\(timeSpan.last - timeSpan.first) s)"
        }
        lines.append(events)
        if podLifecycleCount > 0 { lines.append("pod lifecycles: \(podLifecycleCount)") }
        if let failure = scenario?["failure_mode"]?.stringValue {
            lines.append("scenario: \(failure)")
        }
        lines.append("")
        lines.append("objects by kind:")
        var kindTable = TextTable(["KIND", "OBJECTS", "APPLIED", "DELETED"])
        for kind in kinds {
            kindTable.add([kind.gvk.description, String(kind.objects), String(kind.applied), String(kind.deleted)])
        }
        lines.append(kindTable.render(indent: "  "))
        lines.append("")
        lines.append("workloads: \(workloads.count)")
        var table = TextTable(["KIND", "NAMESPACE", "NAME", "REPLICAS", "CONTAINER", "REQUESTS", "LIMITS"])
        func text(_ list: ResourceList) -> String {
            list.isEmpty ? "-" : list.entries.map { "\($0.name)=\($0.quantity)" }.joined(separator: ",")
        }
        for workload in workloads {
            let replicas = (workload.replicas.map(String.init) ?? "-") + (workload.deleted ? " (deleted)" : "")
            let containers = workload.template.containers
            for (position, container) in containers.enumerated() {
                let identity = position == 0
                    ? [workload.kind.rawValue, workload.namespace, workload.name, replicas] : ["", "", "", ""]
                table.add(identity + [container.name, text(container.requests), text(container.limits)])
            }
            if containers.isEmpty { table.add([workload.kind.rawValue, workload.namespace, workload.name, replicas, "-", "-", "-"]) }
        }
        if !workloads.isEmpty { lines.append(table.render(indent: "  ")) }
        return lines.joined(separator: "\n")
    }
}
