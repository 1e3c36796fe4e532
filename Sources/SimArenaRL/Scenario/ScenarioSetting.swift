import SimArenaModel
import SimArenaSimulation

/// Everything about a scenario besides its workload's numbers (``ScenarioState``): the
/// workload's kind, names and containers, the cluster, and another workload already on the
/// nodes. ``demo`` is the generator's: Deployment `web` in `default` with one container `web`,
/// on the demo cluster, alone.
public struct ScenarioSetting: Sendable, Hashable {
    /// A second container in each pod, after the one the actions change. It uses exactly its
    /// requests, and its limits equal them, so it never fails; it only adds to the pod's requests.
    public struct Sidecar: Sendable, Hashable {
        public var name: String
        public var image: String
        public var cpuMillis: Int64
        public var memoryBytes: Int64

        public init(name: String, image: String, cpuMillis: Int64, memoryBytes: Int64) {
            self.name = name
            self.image = image
            self.cpuMillis = cpuMillis
            self.memoryBytes = memoryBytes
        }
    }

    /// Another Deployment, applied before the scenario's workload, with one pod on every node:
    /// its pods request more than half of every node's CPU or memory (so no node holds two) and
    /// fit on every node (``ScenarioRules/checkFix(_:)`` checks both). Its pods use exactly
    /// their requests.
    public struct Neighbour: Sendable, Hashable {
        public var name: String
        public var namespace: String
        public var image: String
        public var cpuMillis: Int64
        public var memoryBytes: Int64

        public init(name: String, namespace: String, image: String, cpuMillis: Int64, memoryBytes: Int64) {
            self.name = name
            self.namespace = namespace
            self.image = image
            self.cpuMillis = cpuMillis
            self.memoryBytes = memoryBytes
        }
    }

    /// `.deployment` or `.statefulSet`.
    public var kind: WorkloadKind
    public var name: String
    public var namespace: String
    /// The first container: the one whose resources the actions change.
    public var container: String
    public var image: String
    /// For a StatefulSet: whether it creates its pods one at a time, each once the one before is
    /// Ready (`OrderedReady`, Kubernetes' default), rather than all at once (`Parallel`).
    public var orderedReady: Bool
    public var sidecar: Sidecar?
    public var cluster: ScenarioCluster
    public var neighbour: Neighbour?
    /// A scheduling rule beyond the requests: anti-affinity, a zone spread, an extended resource.
    public var placement: ScenarioPlacement?

    public init(kind: WorkloadKind = .deployment, name: String = "web", namespace: String = "default", container: String = "web",
                image: String = "nginx:1.25", orderedReady: Bool = true, sidecar: Sidecar? = nil, cluster: ScenarioCluster = .demo,
                neighbour: Neighbour? = nil, placement: ScenarioPlacement? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.container = container
        self.image = image
        self.orderedReady = orderedReady
        self.sidecar = sidecar
        self.cluster = cluster
        self.neighbour = neighbour
        self.placement = placement
    }

    /// The generator's setting.
    public static let demo = ScenarioSetting()

    /// Whether the workload is the generator's `web` in `default` (the benchmark's default).
    public var isDefaultWorkload: Bool { name == Self.demo.name && namespace == Self.demo.namespace }

    /// Whether pods come up one at a time (an `OrderedReady` StatefulSet).
    public var createsPodsInOrder: Bool { kind == .statefulSet && orderedReady }

    /// What a pod requests besides the first container: its sidecar's requests.
    public var podOverhead: ResourceAmounts {
        sidecar.map { ResourceAmounts(cpuMillis: $0.cpuMillis, memoryBytes: $0.memoryBytes) } ?? .zero
    }

    /// What the neighbour holds on every node, if there is one.
    public var occupied: ResourceAmounts? {
        neighbour.map { ResourceAmounts(cpuMillis: $0.cpuMillis, memoryBytes: $0.memoryBytes) }
    }

    /// How many of the workload's pods fit on the cluster when its first container requests
    /// what `state` says.
    public func capacity(for state: ScenarioState) -> Int {
        cluster.capacity(pod: ResourceAmounts(cpuMillis: state.cpuRequestMillis, memoryBytes: state.memoryRequestBytes) + podOverhead,
                         occupied: occupied, placement: placement)
    }

    /// Why the setting cannot be built as described (empty when it can): a neighbour whose pods
    /// would not sit one on every node, a zone spread that is not over too few zones.
    public var problems: [String] {
        var problems = placement?.problems(in: cluster) ?? []
        guard let neighbour else { return problems }
        for pool in cluster.pools {
            if neighbour.cpuMillis > pool.cpuMillis || neighbour.memoryBytes > pool.memoryBytes {
                problems.append("the neighbour's pods do not fit on a \(pool.name) node")
            }
            if 2 * neighbour.cpuMillis <= pool.cpuMillis && 2 * neighbour.memoryBytes <= pool.memoryBytes {
                problems.append("two of the neighbour's pods fit on a \(pool.name) node")
            }
        }
        return problems
    }
}
