extension Trace {
    /// Every workload the trace applies, in the order first seen, each in its last applied state
    /// and marked deleted when a later event deletes it.
    public func workloads() throws -> [Workload] {
        var order: [ObjectReference] = []
        var latest: [ObjectReference: Workload] = [:]
        for (eventIndex, event) in events.enumerated() {
            for (objectIndex, object) in event.applied.enumerated() {
                let tracked = try ObjectReference(object: object, at: "events[\(eventIndex)].applied_objs[\(objectIndex)]").gvk
                guard let workload = try Workload(object: object, at: "events[\(eventIndex)].applied_objs[\(objectIndex)]",
                                                  tracked: trackedConfig(for: tracked)) else {
                    continue
                }
                if latest[workload.reference] == nil { order.append(workload.reference) }
                latest[workload.reference] = workload
            }
            for (objectIndex, object) in event.deleted.enumerated() {
                let reference = try ObjectReference(object: object, at: "events[\(eventIndex)].deleted_objs[\(objectIndex)]")
                latest[reference]?.deleted = true
            }
        }
        return order.compactMap { latest[$0] }
    }

    /// The workloads named `name` (any kind, any namespace unless given).
    public func workloads(named name: String, namespace: String? = nil) throws -> [Workload] {
        try workloads().filter { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }
}
