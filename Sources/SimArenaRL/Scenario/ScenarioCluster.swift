import SimArenaModel
import SimArenaSimulation

/// The cluster a scenario is built for: pools of identical nodes, no taints. A trace declares it
/// in `metadata.scenario.cluster` (``declaration``), and the embedded simulator runs the trace
/// on it (``DeclaredCluster``).
public struct ScenarioCluster: Sendable, Hashable {
    /// Identical nodes named `<name>-0`, `<name>-1`, …
    public struct Pool: Sendable, Hashable {
        public var name: String
        public var count: Int
        public var cpuMillis: Int64
        public var memoryBytes: Int64
        public var pods: Int

        public init(name: String, count: Int, cpuMillis: Int64, memoryBytes: Int64, pods: Int = 110) {
            self.name = name
            self.count = count
            self.cpuMillis = cpuMillis
            self.memoryBytes = memoryBytes
            self.pods = pods
        }
    }

    public var pools: [Pool]

    public init(pools: [Pool]) {
        self.pools = pools
    }

    /// One pool of `nodes` identical nodes, named as the demo cluster's (`kwok-node`).
    public init(nodes: Int, cpuMillis: Int64, memoryBytes: Int64, pods: Int = 110) {
        pools = [Pool(name: DeclaredCluster.compactPoolName, count: nodes, cpuMillis: cpuMillis, memoryBytes: memoryBytes, pods: pods)]
    }

    /// The default demo cluster: 3 nodes, each allocatable 16 CPU, 32Gi memory, 110 pods.
    public static let demo = ScenarioCluster(nodes: 3, cpuMillis: 16_000, memoryBytes: 32 * ScenarioRules.gibibyte)

    /// Nodes in all.
    public var nodes: Int { pools.reduce(0) { $0 + $1.count } }

    /// How many pods requesting `pod` fit on the cluster when every node already holds one pod
    /// requesting `occupied` (another workload's; nil: the nodes are empty) and `placement`, if
    /// any, limits where they go.
    public func capacity(pod: ResourceAmounts, occupied: ResourceAmounts?, placement: ScenarioPlacement? = nil) -> Int {
        pools.reduce(0) { total, pool in
            let room = max(min(pool.pods - (occupied == nil ? 0 : 1),
                               Self.count(pod.cpuMillis, in: pool.cpuMillis - (occupied?.cpuMillis ?? 0)),
                               Self.count(pod.memoryBytes, in: pool.memoryBytes - (occupied?.memoryBytes ?? 0))), 0)
            return total + (placement?.capacity(of: pool, perNode: room) ?? pool.count * room)
        }
    }

    private static func count(_ request: Int64, in free: Int64) -> Int {
        if free < 0 { return 0 }
        return request <= 0 ? Int.max : Int(free / request)
    }

    /// What `metadata.scenario.cluster` holds: the compact map `{nodes, cpu, memory, pods}` for a
    /// single `kwok-node` pool, else a cluster-spec object `{"nodePools": [...]}`; with `zones`,
    /// each pool is labelled as the zone named after it (``ScenarioPlacement/zoneLabel``).
    public func declaration(zones: Bool = false) -> KValue {
        func cpu(_ pool: Pool) -> KValue { .string(ScenarioRules.formatCPU(pool.cpuMillis)) }
        func memory(_ pool: Pool) -> KValue { .string(ScenarioRules.formatMemory(pool.memoryBytes)) }
        if !zones, pools.count == 1, let pool = pools.first, pool.name == DeclaredCluster.compactPoolName {
            return ["nodes": .int(Int64(pool.count)), "cpu": cpu(pool), "memory": memory(pool), "pods": .int(Int64(pool.pods))]
        }
        return ["nodePools": .array(pools.map { pool in
            var entry: KValue = ["name": .string(pool.name), "count": .int(Int64(pool.count)),
                                 "allocatable": ["cpu": cpu(pool), "memory": memory(pool), "pods": .int(Int64(pool.pods))]]
            if zones { entry["labels"] = [ScenarioPlacement.zoneLabel: .string(pool.name)] }
            return entry
        })]
    }
}
