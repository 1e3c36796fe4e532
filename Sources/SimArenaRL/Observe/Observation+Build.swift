import SimArenaModel
import SimArenaSimulation

extension Observation {
    /// The counts an observation holds (pods, replicas, the target): 0 to Kubernetes' replica
    /// limit (int32). Values read from files outside it are refused where they enter, so the
    /// features' arithmetic on them cannot overflow.
    public static let countRange: ClosedRange<Int64> = 0...Int64(Int32.max)

    /// The target a scenario trace declares in `metadata.scenario.target`, if any; a value that
    /// is not a count (``countRange``) is bad data.
    public static func declaredTarget(of trace: Trace) throws -> Int64? {
        guard let value = trace.document["metadata"]?["scenario"]?["target"], !value.isNull else { return nil }
        guard let target = value.int64Value, countRange.contains(target) else {
            throw SimArenaError(.data, "metadata.scenario.target: expected a replica count from 0 to \(countRange.upperBound)")
        }
        return target
    }

    /// Observes `workload` in a simulation result document, with the trace that was simulated
    /// (for replicas and the per-pod resources in force).
    public init(simulation: KValue, trace: Trace, workload name: String, namespace: String? = nil, target: Int64,
                lastActionBlocked: Bool = false) throws {
        try self.init(snapshot: try Snapshot(simulation: simulation), trace: trace, workload: name, namespace: namespace,
                      target: target, lastActionBlocked: lastActionBlocked)
    }

    /// Observes `workload` in a simulation result in memory; the same observation as from its
    /// document.
    public init(result: SimulationResult, trace: Trace, workload name: String, namespace: String? = nil, target: Int64,
                lastActionBlocked: Bool = false) throws {
        try self.init(snapshot: result.snapshot(), trace: trace, workload: name, namespace: namespace, target: target,
                      lastActionBlocked: lastActionBlocked)
    }

    /// Observes `workload` in `snapshot`, with the trace in force; `lastActionBlocked` says
    /// whether the action that led here was blocked.
    public init(snapshot: Snapshot, trace: Trace, workload name: String, namespace: String? = nil, target: Int64,
                lastActionBlocked: Bool = false) throws {
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
        largestNode = snapshot.largestNode
        self.lastActionBlocked = lastActionBlocked
        containers = definition.template.containers.count
        if let name = first?.name, let text = definition.template.annotation(UsageAnnotation.key) {
            // The simulator has already refused a malformed annotation.
            let declared = (try? UsageAnnotation(text, at: UsageAnnotation.key))?.usage(of: name)
            (declaredCPUUsage, declaredMemoryUsage) = (declared?.cpu != nil, declared?.memory != nil)
        } else {
            (declaredCPUUsage, declaredMemoryUsage) = (false, false)
        }
        // The workload's own pods: same namespace, same top-level kind and name.
        for pod in snapshot.pods where pod.workloadName == name && pod.workloadKind == definition.kind.rawValue
            && pod.namespace == definition.namespace {
            add(pod)
        }
    }

    private mutating func add(_ status: PodStatus) {
        let pod = Pod(name: status.name, phase: status.phase, ready: status.ready, reason: status.reason, node: status.node,
                      restartCount: status.restartCount, requests: status.requests, usage: status.usage,
                      usageSamples: status.usageSamples)
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
