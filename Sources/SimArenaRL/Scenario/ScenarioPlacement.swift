import SimArenaModel
import SimArenaSimulation

/// A scheduling rule on the scenario's pods beyond their requests (the `placement` family of
/// the shifted suite): where kube-scheduler may put them, and so how many fit.
public enum ScenarioPlacement: Sendable, Hashable {
    /// Required pod anti-affinity against the workload's own pods on `kubernetes.io/hostname`:
    /// at most one pod per node.
    case onePerNode
    /// A `DoNotSchedule` topology spread over `topology.kubernetes.io/zone` (each pool is a
    /// zone, named as the pool) with `minDomains` above the number of zones: the emptiest domain
    /// counts as 0, so each zone holds at most `maxSkew` pods.
    case zoneSpread(maxSkew: Int, minDomains: Int)
    /// The first container requests `count` of the extended resource `resource`, which no node
    /// offers: no pod ever fits, and no action of ours changes that (the scenario is unsolvable).
    case extendedResource(resource: String, count: Int)

    /// Whether the pools are zones (their nodes labelled with ``zoneLabel``).
    var isZoneSpread: Bool {
        if case .zoneSpread = self { return true }
        return false
    }

    /// The node label that names a pool's zone.
    public static let zoneLabel = "topology.kubernetes.io/zone"

    /// How many pods fit in a pool whose nodes each hold `perNode` of them by their requests.
    func capacity(of pool: ScenarioCluster.Pool, perNode: Int) -> Int {
        switch self {
        case .onePerNode: return pool.count * min(perNode, 1)
        case .zoneSpread(let maxSkew, _): return min(pool.count * perNode, maxSkew)
        case .extendedResource: return 0
        }
    }

    /// Why the rule cannot work as described in `cluster` (empty when it can).
    func problems(in cluster: ScenarioCluster) -> [String] {
        guard case .zoneSpread(let maxSkew, let minDomains) = self else { return [] }
        var problems: [String] = []
        if maxSkew < 1 { problems.append("the spread's maxSkew \(maxSkew) is below 1") }
        if minDomains <= cluster.pools.count {
            problems.append("the spread's minDomains \(minDomains) is not above the \(cluster.pools.count) zones")
        }
        return problems
    }

    /// The pod spec fields that express the rule for pods labelled `app: <workload>`.
    func podSpecFields(workload: String) -> [(String, KValue)] {
        let selector: KValue = ["matchLabels": ["app": .string(workload)]]
        switch self {
        case .onePerNode:
            return [("affinity", ["podAntiAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": [
                ["labelSelector": selector, "topologyKey": "kubernetes.io/hostname"],
            ]]])]
        case .zoneSpread(let maxSkew, let minDomains):
            return [("topologySpreadConstraints", [[
                "maxSkew": .int(Int64(maxSkew)), "minDomains": .int(Int64(minDomains)), "topologyKey": .string(Self.zoneLabel),
                "whenUnsatisfiable": "DoNotSchedule", "labelSelector": selector,
            ]])]
        case .extendedResource:
            return []
        }
    }

    /// What the rule does, for a scenario's sentence.
    func explanation(placed: Int, total: Int, nodes: Int, zones: Int) -> String {
        switch self {
        case .onePerNode:
            return "pod anti-affinity allows one pod per node, so only \(placed) of \(total) pods fit on the \(nodes) nodes and the rest stay Pending"
        case .zoneSpread(let maxSkew, let minDomains):
            return "a zone spread with maxSkew \(maxSkew) and minDomains \(minDomains) over \(zones) zones allows \(maxSkew) pods per zone, so only \(placed) of \(total) pods fit and the rest stay Pending"
        case .extendedResource(let resource, let count):
            return "each pod requests \(count) \(resource), which no node offers, so all \(total) pods stay Pending (Insufficient \(resource)); no action changes a pod's \(resource) request, so no fix exists"
        }
    }
}
