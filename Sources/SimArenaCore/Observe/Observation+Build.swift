extension Observation {
    /// The target a scenario trace declares in `metadata.scenario.target`, if any.
    public static func declaredTarget(of trace: Trace) -> Int64? {
        trace.document["metadata"]?["scenario"]?["target"]?.int64Value
    }

    /// Observes `workload` in a simulation result document (`simarena.simulation/v1`), with the
    /// trace that was simulated (for replicas and the per-pod resources in force).
    public init(simulation: KValue, trace: Trace, workload name: String, namespace: String? = nil, target: Int64) throws {
        let root = try simulation.requireMap(at: "simulation")
        guard root["format"]?.stringValue == SimulationResult.format else {
            throw SimArenaError(.data, "simulation: \"format\" is not \"\(SimulationResult.format)\"")
        }
        guard let definition = try trace.workloads(named: name, namespace: namespace).last else {
            throw SimArenaError(.data, "the trace has no workload named \"\(name)\"\(namespace.map { " in namespace \($0)" } ?? "")")
        }
        workload = name
        self.target = target
        declaredGoal = EpisodeGoal.declared(by: trace)
        replicas = definition.replicas ?? 1
        let first = definition.template.containers.first
        cpuRequest = first?.requests["cpu"] ?? first?.limits["cpu"] ?? .millis(0)
        memoryRequest = first?.requests["memory"] ?? first?.limits["memory"] ?? .bytes(0)
        cpuLimit = first?.limits["cpu"]
        memoryLimit = first?.limits["memory"]
        (total, pending, ready, running, unschedulable, unschedulableCPU, unschedulableMemory) = (0, 0, 0, 0, 0, 0, 0)
        (oomKilled, crashLooping, throttled, evicted, restarts) = (0, 0, 0, 0, 0)
        (requested, used, pods) = (.zero, .zero, [])
        for (index, item) in try (root["pods"] ?? .array([])).requireArray(at: "pods").enumerated() {
            let path = "pods[\(index)]"
            // The workload's own pods: same namespace, same top-level kind and name.
            guard try item["workload"]?["name"]?.requireString(at: "\(path).workload.name") == name,
                  try item["workload"]?["kind"]?.requireString(at: "\(path).workload.kind") == definition.kind.rawValue,
                  try item["namespace"]?.requireString(at: "\(path).namespace") == definition.namespace
            else { continue }
            try add(item, at: path)
        }
    }

    private mutating func add(_ item: KValue, at path: String) throws {
        func string(_ key: String) throws -> String? {
            guard let value = item[key], !value.isNull else { return nil }
            return try value.requireString(at: "\(path).\(key)")
        }
        func amounts(_ key: String) throws -> ResourceAmounts {
            guard let value = item[key] else { return .zero }
            let list = try ResourceList(value, at: "\(path).\(key)")
            return ResourceAmounts(cpuMillis: list["cpu"]?.milliValue ?? 0, memoryBytes: list["memory"]?.value ?? 0)
        }
        let phase = try string("phase") ?? "Pending"
        let isReady = try item["ready"]?.requireBool(at: "\(path).ready") ?? false
        let reason = try string("reason")
        let restartCount = try item["restartCount"]?.requireInt64(at: "\(path).restartCount") ?? 0
        let pod = Pod(name: try string("name") ?? "", phase: phase, ready: isReady, reason: reason, node: try string("node"),
                      restartCount: restartCount, requests: try amounts("requests"), usage: try amounts("usage"))
        pods.append(pod)
        restarts += restartCount
        if reason == "Evicted" { evicted += 1 }
        if try item["oomKilled"]?.requireBool(at: "\(path).oomKilled") == true { oomKilled += 1 }
        // Finished and evicted pods no longer count toward the workload.
        guard phase == "Pending" || phase == "Running" else { return }
        total += 1
        if phase == "Pending" {
            pending += 1
            if reason == "Unschedulable" {
                unschedulable += 1
                let message = try string("message") ?? ""
                if message.contains("Insufficient cpu") { unschedulableCPU += 1 }
                if message.contains("Insufficient memory") { unschedulableMemory += 1 }
            }
            return
        }
        running += 1
        if isReady { ready += 1 }
        if reason == "CrashLoopBackOff" { crashLooping += 1 }
        if reason == "ReadinessProbeFailed" { throttled += 1 }
        requested += pod.requests
        used += pod.usage
    }
}
