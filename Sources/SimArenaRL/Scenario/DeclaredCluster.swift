import SimArenaModel
import SimArenaSimulation

/// The cluster a trace's scenario declares in `metadata.scenario.cluster`, as the embedded
/// simulator runs it when no `--cluster` is given: either the compact map
/// `{"nodes", "cpu", "memory", "pods"}` (one pool of identical nodes, named and labelled as the
/// demo cluster's, so the demo's map gives exactly ``ClusterSpec/demo``) or a whole cluster-spec
/// object `{"nodePools": [...]}` (docs/cluster-spec.md). Errors name the field.
public enum DeclaredCluster {
    /// Where a trace declares its cluster.
    public static let field = "metadata.scenario.cluster"
    /// The pool name (and node-name prefix) of a compact declaration.
    public static let compactPoolName = "kwok-node"

    /// The declared cluster, or nil when the trace declares none.
    public static func spec(of trace: Trace) throws -> ClusterSpec? {
        try declaration(in: trace).map(spec)
    }

    /// The `metadata.scenario.cluster` value, if present.
    public static func declaration(in trace: Trace) -> KValue? {
        trace.document["metadata"]?["scenario"]?["cluster"]
    }

    /// Reads a declaration: a cluster-spec object when it has `nodePools`, else the compact map.
    public static func spec(_ value: KValue) throws -> ClusterSpec {
        let map = try value.requireMap(at: field)
        if map["nodePools"] != nil {
            do {
                return try ClusterSpec(value)
            } catch let error as SimArenaError {
                throw error.prefixed(field)
            }
        }
        for key in map.entries.map(\.key) {
            let name = try key.requireString(at: "\(field) key")
            guard ["nodes", "cpu", "memory", "pods"].contains(name) else {
                throw SimArenaError(.data, "\(field).\(name): unknown field (the compact form has nodes, cpu, memory and pods; a cluster spec has nodePools)")
            }
        }
        guard let nodesValue = map["nodes"] else { throw SimArenaError(.data, "\(field): missing \"nodes\"") }
        let nodes = try nodesValue.requireInt64(at: "\(field).nodes")
        guard nodes >= 1, nodes <= Int64(ClusterSpec.maxNodes) else {
            throw SimArenaError(.data, "\(field).nodes: \(nodes) is not between 1 and \(ClusterSpec.maxNodes)")
        }
        func positive(_ name: String) throws -> Quantity {
            guard let value = map[name] else { throw SimArenaError(.data, "\(field): missing \"\(name)\"") }
            let quantity = try Quantity(value, at: "\(field).\(name)")
            guard quantity.sign > 0 else { throw SimArenaError(.data, "\(field).\(name): \(quantity) is not positive") }
            return quantity
        }
        let cpu = try positive("cpu")
        let memory = try positive("memory")
        let pods = try map["pods"]?.requireInt64(at: "\(field).pods") ?? 110
        guard pods >= 1, pods <= 100_000 else { throw SimArenaError(.data, "\(field).pods: \(pods) is not between 1 and 100000") }
        return ClusterSpec(nodePools: [
            ClusterSpec.NodePool(name: compactPoolName, count: Int(nodes),
                                 allocatable: ResourceAmounts(cpuMillis: cpu.milliValue, memoryBytes: memory.value),
                                 allocatablePods: Int(pods), labels: ["type": "kwok"]),
        ])
    }
}

extension Trace {
    /// This trace declaring `cluster` in `metadata.scenario.cluster` (any other metadata kept).
    public func declaring(cluster: KValue) throws -> Trace {
        var document = document
        var metadata = document["metadata"]?.mapValue ?? KMap()
        var scenario = metadata["scenario"]?.mapValue ?? KMap()
        scenario["cluster"] = cluster
        metadata["scenario"] = .map(scenario)
        document = document.mapValue.map { map in
            var root = map
            root["metadata"] = .map(metadata)
            return .map(root)
        } ?? document
        return try Trace(document: document)
    }
}
