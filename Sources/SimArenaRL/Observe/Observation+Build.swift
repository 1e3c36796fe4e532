import SimArenaModel
import SimArenaSimulation

extension Observation {
    /// The target a scenario trace declares in `metadata.scenario.target`, if any.
    public static func declaredTarget(of trace: Trace) -> Int64? {
        trace.document["metadata"]?["scenario"]?["target"]?.int64Value
    }

    /// What an observation needs to know of one pod, whichever backend reported it.
    public struct PodStatus: Sendable {
        public var name: String
        public var namespace: String
        /// The top-level workload that owns it (a Deployment for its ReplicaSets' pods).
        public var workloadKind: String
        public var workloadName: String
        public var phase: String
        public var ready: Bool
        public var reason: String?
        public var message: String?
        public var node: String?
        public var restartCount: Int64
        public var oomKilled: Bool
        public var requests: ResourceAmounts
        public var usage: ResourceAmounts

        public init(name: String, namespace: String, workloadKind: String, workloadName: String, phase: String, ready: Bool,
                    reason: String?, message: String?, node: String?, restartCount: Int64, oomKilled: Bool,
                    requests: ResourceAmounts, usage: ResourceAmounts) {
            (self.name, self.namespace, self.workloadKind, self.workloadName) = (name, namespace, workloadKind, workloadName)
            (self.phase, self.ready, self.reason, self.message, self.node) = (phase, ready, reason, message, node)
            (self.restartCount, self.oomKilled, self.requests, self.usage) = (restartCount, oomKilled, requests, usage)
        }
    }

    /// The pods of a simulation result document (`simarena.simulation/v1`, `simulation.json`).
    public static func podStatuses(inSimulation simulation: KValue) throws -> [PodStatus] {
        let root = try simulation.requireMap(at: "simulation")
        guard root["format"]?.stringValue == SimulationResult.format else {
            throw SimArenaError(.data, "simulation: \"format\" is not \"\(SimulationResult.format)\"")
        }
        return try (root["pods"] ?? .array([])).requireArray(at: "pods").enumerated().map { index, item in
            try Self.podStatus(item, at: "pods[\(index)]")
        }
    }

    /// Observes `workload` in a simulation result document, with the trace that was simulated
    /// (for replicas and the per-pod resources in force).
    public init(simulation: KValue, trace: Trace, workload name: String, namespace: String? = nil, target: Int64) throws {
        try self.init(pods: try Self.podStatuses(inSimulation: simulation), trace: trace, workload: name, namespace: namespace, target: target)
    }

    /// Observes `workload` in a simulation result in memory; the same observation as from its
    /// document.
    public init(result: SimulationResult, trace: Trace, workload name: String, namespace: String? = nil, target: Int64) throws {
        try self.init(pods: result.podStatuses(), trace: trace, workload: name, namespace: namespace, target: target)
    }

    /// Observes `workload` among `pods`, with the trace in force.
    public init(pods statuses: [PodStatus], trace: Trace, workload name: String, namespace: String? = nil, target: Int64) throws {
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
        // The workload's own pods: same namespace, same top-level kind and name.
        for pod in statuses where pod.workloadName == name && pod.workloadKind == definition.kind.rawValue
            && pod.namespace == definition.namespace {
            add(pod)
        }
    }

    private static func podStatus(_ item: KValue, at path: String) throws -> PodStatus {
        func string(_ key: String) throws -> String? {
            guard let value = item[key], !value.isNull else { return nil }
            return try value.requireString(at: "\(path).\(key)")
        }
        func amounts(_ key: String) throws -> ResourceAmounts {
            guard let value = item[key] else { return .zero }
            let list = try ResourceList(value, at: "\(path).\(key)")
            return ResourceAmounts(cpuMillis: list["cpu"]?.milliValue ?? 0, memoryBytes: list["memory"]?.value ?? 0)
        }
        return PodStatus(
            name: try string("name") ?? "", namespace: try item["namespace"]?.requireString(at: "\(path).namespace") ?? "",
            workloadKind: try item["workload"]?["kind"]?.requireString(at: "\(path).workload.kind") ?? "",
            workloadName: try item["workload"]?["name"]?.requireString(at: "\(path).workload.name") ?? "",
            phase: try string("phase") ?? "Pending", ready: try item["ready"]?.requireBool(at: "\(path).ready") ?? false,
            reason: try string("reason"), message: try string("message"), node: try string("node"),
            restartCount: try item["restartCount"]?.requireInt64(at: "\(path).restartCount") ?? 0,
            oomKilled: try item["oomKilled"]?.requireBool(at: "\(path).oomKilled") ?? false,
            requests: try amounts("requests"), usage: try amounts("usage"))
    }

    private mutating func add(_ status: PodStatus) {
        let pod = Pod(name: status.name, phase: status.phase, ready: status.ready, reason: status.reason, node: status.node,
                      restartCount: status.restartCount, requests: status.requests, usage: status.usage)
        pods.append(pod)
        restarts += status.restartCount
        if status.reason == "Evicted" { evicted += 1 }
        if status.oomKilled { oomKilled += 1 }
        // Finished and evicted pods no longer count toward the workload.
        guard status.phase == "Pending" || status.phase == "Running" else { return }
        total += 1
        if status.phase == "Pending" {
            pending += 1
            if status.reason == "Unschedulable" {
                unschedulable += 1
                // kube-scheduler's FailedScheduling message names each filter's reason.
                let message = status.message ?? ""
                if message.containsBytes("Insufficient cpu") { unschedulableCPU += 1 }
                if message.containsBytes("Insufficient memory") { unschedulableMemory += 1 }
            }
            return
        }
        running += 1
        if status.ready { ready += 1 }
        if status.reason == "CrashLoopBackOff" { crashLooping += 1 }
        if status.reason == "ReadinessProbeFailed" { throttled += 1 }
        requested += status.requests
        used += status.usage
    }
}
