import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

/// One workload's state at the end of a simulation of the whole trace, as the recommender
/// judges it. Healthy: as many Ready pods as the trace asks replicas, nothing Pending, no pod
/// OOM-killed, crash-looping or starved of CPU. Wasteful: healthy, and a request per pod sits at
/// least one action step above what the pods use (only when the trace declares usage; without
/// it the simulator stands in the request, and there is nothing to measure).
public struct WorkloadHealth: Sendable, Hashable {
    /// The workload (`Deployment`, `dsb`, `nginx-thrift`).
    public var kind: WorkloadKind
    public var namespace: String
    public var name: String
    /// The workload observed, its target the replicas the trace asks.
    public var observation: Observation

    /// The kinds judged: those with replicas (a Deployment, StatefulSet or ReplicaSet).
    public static func isJudged(_ workload: Workload) -> Bool {
        workload.kind.hasReplicas && !workload.deleted
    }

    /// Every judged workload of `trace`, in the order the trace first applies them, in the
    /// simulation `outcome` of that trace.
    public static func diagnose(_ outcome: any SimulationOutcome, trace: Trace) throws -> [WorkloadHealth] {
        let snapshot = try outcome.snapshot()
        return try trace.workloads().filter(isJudged).map { workload in
            WorkloadHealth(kind: workload.kind, namespace: workload.namespace, name: workload.name,
                           observation: try Observation(snapshot: snapshot, trace: trace, workload: workload.name,
                                                        namespace: workload.namespace, target: workload.replicas ?? 1))
        }
    }

    /// `Deployment dsb/nginx-thrift`.
    public var label: String { "\(kind.rawValue) \(namespace)/\(name)" }

    /// Whether this is the workload of that kind, namespace and name.
    public func isWorkload(_ kind: WorkloadKind, _ namespace: String, _ name: String) -> Bool {
        self.kind == kind && self.namespace == namespace && self.name == name
    }

    public var isHealthy: Bool {
        let seen = observation
        return seen.atTarget && seen.oomKilled == 0 && seen.crashLooping == 0 && seen.throttled == 0
    }

    /// Healthy, and some request could come down a step without falling below what pods use.
    public func isWasteful(settings: ActionSettings) -> Bool {
        isHealthy && !observation.isRightSized(settings: settings)
    }

    /// Whether the recommender tries to fix it.
    public func needsFix(settings: ActionSettings) -> Bool {
        !isHealthy || isWasteful(settings: settings)
    }

    /// How far from healthy, for choosing between states: Ready pods missing or surplus, plus
    /// every Pending, OOM-killed, crash-looping or CPU-starved pod.
    public var shortfall: Int64 {
        let seen = observation
        return abs(seen.target - seen.ready) + seen.pending + seen.oomKilled + seen.crashLooping + seen.throttled
    }

    /// Whole action steps each running pod requests above its use, CPU and memory added.
    public func slackSteps(settings: ActionSettings) -> Int64 {
        let slack = observation.slackPerPod
        return slack.cpuMillis / max(1, settings.cpuStep.milliValue) + slack.memoryBytes / max(1, settings.memoryStep.value)
    }

    /// Whether this state is worse than `before` in any way a neighbour would notice: fewer
    /// Ready pods, or more Pending, OOM-killed, crash-looping, CPU-starved or evicted ones.
    public func isWorse(than before: WorkloadHealth) -> Bool {
        let (now, then) = (observation, before.observation)
        return now.ready < then.ready || now.pending > then.pending || now.oomKilled > then.oomKilled
            || now.crashLooping > then.crashLooping || now.throttled > then.throttled || now.evicted > then.evicted
    }

    /// What is wrong, one phrase each (`2 of 10 pods Pending (Insufficient cpu)`); empty when
    /// healthy and not wasteful.
    public func problems(settings: ActionSettings) -> [String] {
        let seen = observation
        var problems: [String] = []
        if seen.pending > 0 {
            var reasons: [String] = []
            if seen.unschedulableCPU > 0 { reasons.append("Insufficient cpu") }
            if seen.unschedulableMemory > 0 { reasons.append("Insufficient memory") }
            let why = reasons.isEmpty ? "" : " (\(reasons.joined(separator: ", ")))"
            problems.append("\(seen.pending) of \(seen.total) pods Pending\(why)")
        }
        if seen.oomKilled > 0 { problems.append("\(seen.oomKilled) OOMKilled") }
        if seen.crashLooping > 0 { problems.append("\(seen.crashLooping) in CrashLoopBackOff") }
        if seen.throttled > 0 { problems.append("\(seen.throttled) not Ready: CPU throttled") }
        let unready = seen.running - seen.ready - seen.crashLooping - seen.throttled
        if unready > 0 { problems.append("\(unready) Running but not Ready") }
        if seen.total != seen.target && seen.pending == 0 { problems.append("\(seen.total) pods for \(seen.target) replicas") }
        if isWasteful(settings: settings) {
            let slack = seen.slackPerPod
            var parts: [String] = []
            if slack.cpuMillis >= settings.cpuStep.milliValue { parts.append("cpu \(Self.ratio(seen.requested.cpuMillis, seen.used.cpuMillis))") }
            if slack.memoryBytes >= settings.memoryStep.value {
                parts.append("memory \(Self.ratio(seen.requested.memoryBytes, seen.used.memoryBytes))")
            }
            problems.append("wasteful: requests \(parts.joined(separator: ", ")) of usage")
        }
        return problems
    }

    /// `4.0×`, or `∞×` when nothing is used.
    static func ratio(_ requested: Int64, _ used: Int64) -> String {
        used > 0 ? RunProgress.fixed(Double(requested) / Double(used), digits: 1) + "×" : "∞×"
    }
}
