import SimArenaModel

/// The cluster's state at the end of a simulation: pods, nodes, workloads and events. Its file
/// form (`value`) is the versioned format documented in docs/simulation-format.md.
public struct SimulationResult: Sendable {
    /// The format identifier written in every result file.
    public static let format = "simarena.simulation/v1"

    /// One container's state.
    public struct Container: Sendable, Hashable {
        public var name: String
        public var state: ContainerState
        public var lastState: ContainerState?
        public var ready: Bool
        public var restartCount: Int
        public var requests: ResourceAmounts
        public var cpuLimit: Int64?
        public var memoryLimit: Int64?
        /// ``ContainerModel/requestQuantities`` and ``ContainerModel/limitQuantities``.
        public var requestQuantities: ResourceList
        public var limitQuantities: ResourceList
        /// What it uses now (zero when not running): ``ContainerModel/usage``.
        public var usage: ResourceAmounts
        /// What it used at each 15 s tick of its first run, from its start to the end of the
        /// simulation or of that run (an OOM kill, completion or eviction); nil if it never
        /// started.
        public var usageSamples: UsageSamples?
    }

    /// One pod, as `kubectl get pod -o yaml` would show its status, plus usage.
    public struct Pod: Sendable, Hashable {
        public var name: String
        public var namespace: String
        public var ownerKind: String
        public var ownerName: String
        /// The top-level workload (a Deployment for ReplicaSet pods, a CronJob for its Jobs' pods).
        public var workloadKind: String
        public var workloadName: String
        public var node: String?
        public var phase: PodPhase
        public var ready: Bool
        public var reason: String?
        public var message: String?
        public var restartCount: Int
        public var qosClass: QoSClass
        public var requests: ResourceAmounts
        public var cpuLimit: Int64?
        public var memoryLimit: Int64?
        /// The effective cpu and memory requests and the limits' totals (each present only when
        /// every container has that limit), as exact quantities, for printing.
        public var requestQuantities: ResourceList
        public var limitQuantities: ResourceList
        public var usage: ResourceAmounts
        public var createdAt: Int64
        public var scheduledAt: Int64?
        public var startedAt: Int64?
        public var readyAt: Int64?
        /// Whether the last container termination was an OOM kill.
        public var oomKilled: Bool
        public var containers: [Container]
    }

    /// One node's capacity, what is requested of it and what is used.
    public struct Node: Sendable, Hashable {
        public var name: String
        public var allocatable: ResourceAmounts
        public var allocatablePods: Int
        /// Ephemeral-storage and scalar resources the node offers, and what its pods request of them.
        public var allocatableNamed: NamedResourceAmounts
        public var requestedNamed: NamedResourceAmounts
        public var requested: ResourceAmounts
        public var used: ResourceAmounts
        public var pods: Int
    }

    /// One controller's view: desired and actual pods.
    public struct Workload: Sendable, Hashable {
        public var kind: String
        public var namespace: String
        public var name: String
        /// The Deployment or CronJob that made it, if any.
        public var parent: String?
        public var replicas: Int
        public var pods: Int
        public var ready: Int
        public var pending: Int
        public var deleted: Bool
    }

    public var duration: Int64
    public var seed: UInt64
    public var pods: [Pod]
    public var nodes: [Node]
    public var workloads: [Workload]
    public var events: [SimulationEvent]

    init(_ simulator: ClusterSimulator) {
        duration = simulator.options.duration
        seed = simulator.options.seed
        events = simulator.log
        func topLevel(_ index: Int) -> Int {
            var owner = index
            while let parent = simulator.workloads[owner].parent { owner = parent }
            return owner
        }
        var podCounts = [Int](repeating: 0, count: simulator.nodes.count)
        let end = simulator.options.duration
        pods = simulator.pods.filter { !$0.deleted }.map { pod in
            if let node = pod.node, !pod.released { podCounts[node] += 1 }
            let blueprint = simulator.blueprints[pod.blueprint]
            let running = pod.consuming
            // One sample per tick from the first start up to the end of the first run or of the simulation.
            let ticks = pod.startedAt.map { start in
                Int(max(0, min(pod.firstRunEnd ?? end, end) - start) / UsageSeries.interval) + 1
            }
            let containers = blueprint.containers.map { model in
                Container(name: model.name, state: pod.containerState, lastState: pod.lastTermination, ready: pod.ready,
                          restartCount: pod.restartCount, requests: model.requests, cpuLimit: model.cpuLimit,
                          memoryLimit: model.memoryLimit, requestQuantities: model.requestQuantities,
                          limitQuantities: model.limitQuantities, usage: running ? model.usage : .zero,
                          usageSamples: ticks.map(model.samples(count:)))
            }
            let top = topLevel(pod.workload)
            return Pod(
                name: pod.name, namespace: pod.namespace, ownerKind: pod.ownerKind, ownerName: pod.ownerName,
                workloadKind: simulator.workloads[top].kind.rawValue, workloadName: simulator.workloads[top].name, node: pod.node.map { simulator.nodes[$0].name },
                phase: pod.phase, ready: pod.ready, reason: pod.reason, message: pod.message, restartCount: pod.restartCount,
                qosClass: blueprint.qos, requests: blueprint.requirements.requests,
                cpuLimit: Self.sum(blueprint.containers.map(\.cpuLimit)), memoryLimit: Self.sum(blueprint.containers.map(\.memoryLimit)),
                requestQuantities: blueprint.requirements.requestQuantities,
                limitQuantities: blueprint.limitTotals,
                usage: running ? blueprint.usage : .zero, createdAt: pod.createdAt, scheduledAt: pod.scheduledAt,
                startedAt: pod.startedAt, readyAt: pod.readyAt,
                oomKilled: pod.lastTermination.map { if case .terminated("OOMKilled", _, _) = $0 { true } else { false } } ?? false,
                containers: containers)
        }
        nodes = simulator.nodes.enumerated().map { index, node in
            Node(name: node.name, allocatable: node.allocatable, allocatablePods: node.allocatablePods,
                 allocatableNamed: node.allocatableNamed, requestedNamed: node.requestedNamed, requested: node.requested, used: simulator.nodeUsage[index], pods: podCounts[index])
        }
        workloads = simulator.workloads.map { runtime in
            var (live, ready, pending) = (0, 0, 0)
            for pod in runtime.pods where simulator.pods[pod].isLive {
                live += 1
                if simulator.pods[pod].ready { ready += 1 }
                if simulator.pods[pod].phase == .pending { pending += 1 }
            }
            return Workload(
                kind: runtime.kind.rawValue, namespace: runtime.namespace, name: runtime.name,
                parent: runtime.parent.map { simulator.workloads[$0].name }, replicas: runtime.replicas,
                pods: live, ready: ready, pending: pending, deleted: runtime.deleted)
        }
    }

    /// The total of per-container limits, or nil when some container has none (no pod limit).
    private static func sum(_ limits: [Int64?]) -> Int64? {
        limits.reduce(Int64(0)) { total, limit in
            guard let total, let limit else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(limit)
            return overflow ? Int64.max : sum
        }
    }
}
