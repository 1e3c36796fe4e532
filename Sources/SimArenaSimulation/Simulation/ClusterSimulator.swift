import SimArenaModel

/// The embedded cluster simulator: replays a trace on a simulated cluster in simulated time, as a
/// discrete-event simulation, and reports every pod's state at the end.
///
/// Trace events apply and delete objects at their `ts` (relative to the first event);
/// controllers (Deployment, ReplicaSet, StatefulSet, Job, CronJob, DaemonSet) make pods; the
/// scheduler binds them by kube-scheduler's rules; a KWOK-like kubelet starts them after seeded
/// delays and, beyond what KWOK can do, makes them fail as real pods fail: OOM kills with
/// restart back-off, evictions under node memory pressure, and readiness failures from CPU
/// throttling, from usage that may vary over time (``UsageSeries``). Same trace, cluster,
/// duration and seed give the same result, byte for byte.
public final class ClusterSimulator {
    /// What can happen at a point in simulated time.
    enum Action {
        case traceEvent(Int)
        case containerStart(pod: Int, incarnation: Int)
        case podReady(pod: Int, incarnation: Int)
        case probeFailed(pod: Int, incarnation: Int)
        case memoryPeak(pod: Int, incarnation: Int)
        case oomKill(pod: Int, incarnation: Int)
        case restart(pod: Int, incarnation: Int)
        case complete(pod: Int, incarnation: Int)
        case cronTick(workload: Int)
    }

    let cluster: ClusterSpec
    let options: SimulationOptions
    /// Trace events sorted by time (stable), their positions in the trace, and the Unix time of
    /// the first.
    let events: [TraceEvent]
    let eventPositions: [Int]
    let traceStart: Int64
    let trace: Trace

    var now: Int64 = 0
    var nodes: [SchedulerNode] = []
    /// What the running containers on each node actually use.
    var nodeUsage: [ResourceAmounts] = []
    /// The pods bound to each node and not yet released, in binding order.
    var podsOnNode: [[Int]] = []
    var pods: [SimPod] = []
    var blueprints: [PodBlueprint] = []
    var workloads: [WorkloadRuntime] = []
    var workloadIndex: [String: Int] = [:]
    /// Pods to try to schedule now, and pods that did not fit until capacity frees.
    var activeQueue: [Int] = []
    var unschedulableQueue: [Int] = []
    var capacityFreed = false
    /// How many bound pods have required anti-affinity terms: while none does, a pod without
    /// terms of its own needs no InterPodAffinity check.
    var boundWithAntiAffinity = 0
    /// The PriorityClasses by name: Kubernetes' system ones, the cluster spec's and the trace's.
    var priorityClasses: [String: PriorityClass] = [:]
    /// How many bound pods have each priority: preemption has nothing to evict when no bound pod
    /// has a lower priority than the pod.
    var boundPriorities: [Int32: Int] = [:]
    /// The scheduler's answer for the requirements of the last pod scheduled, kept current.
    var scoreIndex: NodeScoreIndex?
    var queue = EventQueue<Action>()
    var log: [SimulationEvent] = []
    var random: SeededGenerator
    /// Run durations recorded in the trace's pod lifecycles, by `gvk|namespace/name` of the owner.
    var lifecycles: [String: [Int64?]] = [:]

    /// Pod blueprints and FailedScheduling messages made before: shared by the simulations of
    /// one backend.
    let memo: SimulationMemo

    /// A simulation of `trace` on `cluster`; `memo` keeps the pod templates read and the
    /// messages built, for the next simulations of the same workloads (an environment's steps).
    public init(trace: Trace, cluster: ClusterSpec, options: SimulationOptions = SimulationOptions(),
                memo: SimulationMemo = SimulationMemo()) throws {
        guard options.duration >= 0, options.duration <= SimulationOptions.maxDuration else {
            throw SimArenaError(.usage, "duration must be between 0 and \(SimulationOptions.maxDuration / 1000) seconds")
        }
        self.trace = trace
        self.memo = memo
        memo.simulationStarted()
        self.cluster = cluster
        self.options = options
        let sorted = trace.events.enumerated().sorted { ($0.element.ts, $0.offset) < ($1.element.ts, $1.offset) }
        events = sorted.map(\.element)
        eventPositions = sorted.map(\.offset)
        traceStart = events.first?.ts ?? 0
        random = SeededGenerator(seed: options.seed)
        let start = memo.start(on: cluster) { Self.start(on: cluster) }
        nodes = start.nodes
        priorityClasses = start.priorityClasses
        nodeUsage = Array(repeating: .zero, count: nodes.count)
        podsOnNode = Array(repeating: [], count: nodes.count)
        for record in trace.podLifecycles {
            let key = "\(record.ownerGVK)|\(record.ownerKey)"
            lifecycles[key, default: []] += record.states.map { state in
                // A run longer than any simulation (or too long to count) runs to the end.
                guard case .finished(let start, let end) = state else { return nil }
                let (seconds, overflow) = end.subtractingReportingOverflow(start)
                guard !overflow, seconds <= SimulationOptions.maxDuration / 1000 else { return nil }
                return seconds * 1000
            }
        }
    }

    /// The nodes of `cluster` (`pool-0`, `pool-1`, ... labelled with their hostname) and the
    /// priority classes that exist before the trace declares any: Kubernetes' system ones and the
    /// cluster's.
    private static func start(on cluster: ClusterSpec) -> SimulationMemo.ClusterStart {
        var start = SimulationMemo.ClusterStart(nodes: [], priorityClasses: [:])
        for priorityClass in PriorityClass.system + cluster.priorityClasses { start.priorityClasses[priorityClass.name] = priorityClass }
        for pool in cluster.nodePools {
            for index in 0..<pool.count {
                let name = "\(pool.name)-\(index)"
                var labels = pool.labels
                labels["kubernetes.io/hostname"] = name
                start.nodes.append(SchedulerNode(name: name, labels: labels, taints: pool.taints, allocatable: pool.allocatable,
                                                 allocatablePods: pool.allocatablePods, allocatableNamed: pool.allocatableNamed))
            }
        }
        return start
    }

    /// Runs the simulation to the end of the duration and returns the cluster's final state.
    public func run() throws -> SimulationResult {
        for (index, event) in events.enumerated() {
            let (seconds, late) = event.ts.subtractingReportingOverflow(traceStart)
            let (offset, overflow) = seconds.multipliedReportingOverflow(by: 1000)
            if !late && !overflow && offset <= options.duration { queue.push(.traceEvent(index), at: offset) }
        }
        while let time = queue.nextTime, time <= options.duration, let (_, action) = queue.pop() {
            now = time
            try handle(action)
            schedulePending()
        }
        now = options.duration
        return SimulationResult(self)
    }

    private func handle(_ action: Action) throws {
        switch action {
        case .traceEvent(let index): try replay(events[index], position: eventPositions[index])
        case .containerStart(let pod, let incarnation): if isCurrent(pod, incarnation) { startContainers(pod) }
        case .podReady(let pod, let incarnation): if isCurrent(pod, incarnation) { markReady(pod) }
        case .probeFailed(let pod, let incarnation): if isCurrent(pod, incarnation) { failReadiness(pod) }
        case .memoryPeak(let pod, let incarnation): if isCurrent(pod, incarnation) { memoryPeaked(pod) }
        case .oomKill(let pod, let incarnation): if isCurrent(pod, incarnation) { oomKill(pod) }
        case .restart(let pod, let incarnation): if isCurrent(pod, incarnation) { restartContainers(pod) }
        case .complete(let pod, let incarnation): if isCurrent(pod, incarnation) { completePod(pod) }
        case .cronTick(let workload): cronTick(workload)
        }
    }

    private func isCurrent(_ pod: Int, _ incarnation: Int) -> Bool {
        pods[pod].incarnation == incarnation && !pods[pod].deleted
    }

    /// Records an event.
    func record(_ type: SimulationEvent.Kind, _ reason: String, _ subject: Subject, _ text: SimulationEvent.Text) {
        log.append(SimulationEvent(time: now, type: type, reason: reason, subject: subject, text: text))
    }

    /// The object an event is about.
    typealias Subject = SimulationEvent.Subject

    /// A delay drawn uniformly between `base` and `jitter` (KWOK's jitter semantics).
    func draw(_ base: Int64, _ jitter: Int64) -> Int64 {
        jitter > base ? random.int64(in: base...jitter) : base
    }
}
