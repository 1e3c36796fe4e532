import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// The cluster a namespace runs on, as `metadata.scenario.cluster` declares it to the embedded
/// simulator: a cluster spec (`{"nodePools": [...]}`, docs/cluster-spec.md) in which each node
/// offers its allocatable less what the pods outside the trace that are bound to it request
/// (Kubernetes' effective requests; finished pods request nothing), and identical nodes (same
/// room, labels and taints) form one pool named after its first node. `kubernetes.io/hostname`
/// is not carried over: the simulator gives each node its own.
enum LiveCluster {
    /// What a trace without a declared cluster runs on, for warnings.
    static let demoFallback = "the trace declares no cluster, so the embedded simulator uses its demo cluster (three 16-CPU/32Gi nodes)"

    /// The declaration, or nil (and a warning) when no node has room left. A node left out gets
    /// a warning.
    static func declaration(nodes: [KValue], otherPods: [KValue], warnings: inout [String]) throws -> KValue? {
        var requested: [String: (amounts: ResourceAmounts, count: Int)] = [:]
        for pod in otherPods where !["Succeeded", "Failed"].contains(pod["status"]?["phase"]?.stringValue ?? "") {
            guard let node = pod["spec"]?["nodeName"]?.stringValue else { continue }
            let at = "pod \(pod["metadata"]?["namespace"]?.stringValue ?? "")/\(pod["metadata"]?["name"]?.stringValue ?? "")"
            let requests = try PodSchedulingRequirements(template: PodTemplate(pod, at: at), at: at).requests
            requested[node, default: (.zero, 0)].amounts += requests
            requested[node, default: (.zero, 0)].count += 1
        }
        var pools: [(name: String, count: Int, shape: Shape)] = []
        let named = try nodes.map { (name: try $0["metadata"]?["name"]?.requireString(at: "node metadata.name") ?? "", node: $0) }
        for (name, node) in named.sorted(by: { $0.name < $1.name }) {
            let taken = requested[name] ?? (.zero, 0)
            guard let shape = try Shape(node, name: name, less: taken.amounts, pods: taken.count) else {
                warnings.append("node \(name): no cpu, memory or pod room left beside the pods already there; left out of the declared cluster")
                continue
            }
            if let index = pools.firstIndex(where: { $0.shape == shape }) {
                pools[index].count += 1
            } else {
                pools.append((name, 1, shape))
            }
        }
        guard !pools.isEmpty else {
            warnings.append("no node has room for the namespace: \(demoFallback)")
            return nil
        }
        return ["nodePools": .array(pools.map { $0.shape.pool(name: $0.name, count: $0.count) })]
    }

    /// What a node offers the trace's pods.
    private struct Shape: Hashable {
        var room: ResourceAmounts
        var pods: Int64
        var labels: [String: String]
        var taints: [Taint]

        /// The node's allocatable less `taken` and `pods` pod slots, or nil when nothing is left.
        init?(_ node: KValue, name: String, less taken: ResourceAmounts, pods count: Int) throws {
            let at = "node \(name)"
            let allocatable = try node["status"]?["allocatable"].map { try ResourceList($0, at: "\(at): status.allocatable") } ?? ResourceList()
            room = ResourceAmounts(cpuMillis: allocatable["cpu"]?.milliValue ?? 0, memoryBytes: allocatable["memory"]?.value ?? 0) - taken
            pods = (allocatable["pods"]?.value ?? 110) - Int64(count)
            guard room.cpuMillis > 0, room.memoryBytes > 0, pods > 0 else { return nil }
            labels = [:]
            for entry in node["metadata"]?["labels"]?.mapValue?.entries ?? [] {
                guard let key = entry.key.stringValue, key != "kubernetes.io/hostname" else { continue }
                labels[key] = try entry.value.requireString(at: "\(at): metadata.labels.\(key)")
            }
            taints = try (node["spec"]?["taints"]?.arrayValue ?? []).enumerated().map {
                try Taint($0.element, at: "\(at): spec.taints[\($0.offset)]")
            }
        }

        /// The pool's entry of `nodePools`.
        func pool(name: String, count: Int) -> KValue {
            var pool: KValue = [
                "name": .string(name), "count": .int(Int64(count)),
                "allocatable": ["cpu": .string(ScenarioRules.formatCPU(room.cpuMillis)),
                                "memory": .string(ScenarioRules.formatMemory(room.memoryBytes)), "pods": .int(pods)],
            ]
            if !labels.isEmpty {
                pool["labels"] = .map(KMap(labels.sorted { $0.key < $1.key }.map { KMap.Entry(key: .string($0.key), value: .string($0.value)) }))
            }
            if !taints.isEmpty {
                pool["taints"] = .array(taints.map { taint in
                    var entry = KMap([KMap.Entry(key: "key", value: .string(taint.key))])
                    if !taint.value.isEmpty { entry["value"] = .string(taint.value) }
                    entry["effect"] = .string(taint.effect.rawValue)
                    return .map(entry)
                })
            }
            return pool
        }
    }
}
