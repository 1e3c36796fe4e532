import SimArenaModel
import SimArenaSimulation

extension Observation {
    /// What an observation reads of a simulation's end state, whichever backend ran it: the pods,
    /// and the largest node.
    public struct Snapshot: Sendable {
        public var pods: [PodStatus]
        /// The largest allocatable CPU and memory of any node, each found separately; nil when
        /// the backend reports no nodes.
        public var largestNode: ResourceAmounts?

        public init(pods: [PodStatus], largestNode: ResourceAmounts?) {
            self.pods = pods
            self.largestNode = largestNode
        }

        /// The largest of `allocatables`, CPU and memory each on its own; nil for none.
        static func largest(of allocatables: [ResourceAmounts]) -> ResourceAmounts? {
            guard !allocatables.isEmpty else { return nil }
            return ResourceAmounts(cpuMillis: allocatables.map(\.cpuMillis).max() ?? 0,
                                   memoryBytes: allocatables.map(\.memoryBytes).max() ?? 0)
        }

        /// Reads a simulation result document (`simarena.simulation/v1`, `simulation.json`).
        public init(simulation: KValue) throws {
            let root = try simulation.requireMap(at: "simulation")
            guard root["format"]?.stringValue == SimulationResult.format else {
                throw SimArenaError(.data, "simulation: \"format\" is not \"\(SimulationResult.format)\"")
            }
            pods = try (root["pods"] ?? .array([])).requireArray(at: "pods").enumerated().map { index, item in
                try PodStatus(item, at: "pods[\(index)]")
            }
            largestNode = Self.largest(of: try (root["nodes"] ?? .array([])).requireArray(at: "nodes").enumerated().map { index, node in
                try Observation.amounts(node["allocatable"], at: "nodes[\(index)].allocatable")
            })
        }
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
        /// The same as the pod's own quantities, for printing, when the backend has them.
        public var requestQuantities: ResourceList?
        public var usage: ResourceAmounts
        /// The first container's measured usage, when the backend reports it.
        public var usageSamples: UsageSamples?

        public init(name: String, namespace: String, workloadKind: String, workloadName: String, phase: String, ready: Bool,
                    reason: String?, message: String?, node: String?, restartCount: Int64, oomKilled: Bool,
                    requests: ResourceAmounts, requestQuantities: ResourceList? = nil, usage: ResourceAmounts,
                    usageSamples: UsageSamples?) {
            (self.name, self.namespace, self.workloadKind, self.workloadName) = (name, namespace, workloadKind, workloadName)
            (self.phase, self.ready, self.reason, self.message, self.node) = (phase, ready, reason, message, node)
            (self.restartCount, self.oomKilled, self.requests, self.usage) = (restartCount, oomKilled, requests, usage)
            self.requestQuantities = requestQuantities
            self.usageSamples = usageSamples
        }

        /// Reads a pod of a simulation result document; `path` names it in errors.
        init(_ item: KValue, at path: String) throws {
            func string(_ key: String) throws -> String? {
                guard let value = item[key], !value.isNull else { return nil }
                return try value.requireString(at: "\(path).\(key)")
            }
            let first = try item["containers"].map { try $0.requireArray(at: "\(path).containers") }?.first
            self.init(
                name: try string("name") ?? "", namespace: try item["namespace"]?.requireString(at: "\(path).namespace") ?? "",
                workloadKind: try item["workload"]?["kind"]?.requireString(at: "\(path).workload.kind") ?? "",
                workloadName: try item["workload"]?["name"]?.requireString(at: "\(path).workload.name") ?? "",
                phase: try string("phase") ?? "Pending", ready: try item["ready"]?.requireBool(at: "\(path).ready") ?? false,
                reason: try string("reason"), message: try string("message"), node: try string("node"),
                restartCount: try item["restartCount"]?.requireInt64(at: "\(path).restartCount") ?? 0,
                oomKilled: try item["oomKilled"]?.requireBool(at: "\(path).oomKilled") ?? false,
                requests: try Observation.amounts(item["requests"], at: "\(path).requests"),
                usage: try Observation.amounts(item["usage"], at: "\(path).usage"),
                usageSamples: try first?["usageSamples"].map { try UsageSamples($0, at: "\(path).containers[0].usageSamples") })
        }
    }

    /// `{"cpu": …, "memory": …}` as amounts (absent: zero); `path` names it in errors.
    static func amounts(_ value: KValue?, at path: String) throws -> ResourceAmounts {
        guard let value else { return .zero }
        let list = try ResourceList(value, at: path)
        return ResourceAmounts(cpuMillis: list["cpu"]?.milliValue ?? 0, memoryBytes: list["memory"]?.value ?? 0)
    }
}
