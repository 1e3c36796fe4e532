import SimArenaModel

/// The simulated cluster: pools of identical nodes, and the kubelet's timing.
///
/// A JSON (or MessagePack) document, documented in docs/cluster-spec.md:
/// `{"nodePools": [{"name", "count", "allocatable": {"cpu", "memory", "pods", "ephemeral-storage",
/// "nvidia.com/gpu", "hugepages-2Mi", ...}, "labels", "taints"}],
///   "lifecycle": {...}}`.
public struct ClusterSpec: Sendable, Hashable {
    /// A group of identical nodes named `<name>-0`, `<name>-1`, ...
    public struct NodePool: Sendable, Hashable {
        public var name: String
        public var count: Int
        public var allocatable: ResourceAmounts
        public var allocatablePods: Int
        /// Ephemeral-storage, extended resources (`nvidia.com/gpu`), hugepages and the other
        /// resources kube-scheduler counts by name; a node has none of what is not listed.
        public var allocatableNamed: NamedResourceAmounts
        public var labels: [String: String]
        public var taints: [Taint]

        public init(name: String, count: Int, allocatable: ResourceAmounts, allocatablePods: Int = 110,
                    allocatableNamed: NamedResourceAmounts = NamedResourceAmounts(), labels: [String: String] = [:],
                    taints: [Taint] = []) {
            self.name = name
            self.count = count
            self.allocatable = allocatable
            self.allocatablePods = allocatablePods
            self.allocatableNamed = allocatableNamed
            self.labels = labels
            self.taints = taints
        }
    }

    /// The most nodes a spec may declare in all.
    public static let maxNodes = 100_000

    public var nodePools: [NodePool]
    public var timing: LifecycleTiming
    /// The cluster's PriorityClasses besides Kubernetes' two system ones (a trace may add more).
    public var priorityClasses: [PriorityClass]

    public init(nodePools: [NodePool], timing: LifecycleTiming = LifecycleTiming(), priorityClasses: [PriorityClass] = []) {
        self.nodePools = nodePools
        self.timing = timing
        self.priorityClasses = priorityClasses
    }

    /// The built-in default: three 16-CPU, 32Gi nodes, as the original project's demo cluster
    /// (three KWOK nodes). `demo/cluster.json` holds the same as a file.
    public static let demo = ClusterSpec(nodePools: [
        NodePool(name: "kwok-node", count: 3,
                 allocatable: ResourceAmounts(cpuMillis: 16_000, memoryBytes: 32 << 30), allocatablePods: 110,
                 labels: ["type": "kwok"]),
    ])

    /// Reads and checks a cluster spec file.
    public static func load(_ path: String) throws -> ClusterSpec {
        do {
            return try ClusterSpec(try Document.read(path))
        } catch let error as SimArenaError where error.kind == .data && !error.message.hasPrefix(path) {
            throw error.prefixed(path)
        }
    }

    public init(_ value: KValue) throws {
        let root = try value.requireMap(at: "cluster spec")
        guard let pools = root["nodePools"] else { throw SimArenaError(.data, "missing \"nodePools\"") }
        nodePools = try pools.requireArray(at: "nodePools").enumerated().map { try Self.pool($0.element, at: "nodePools[\($0.offset)]") }
        timing = try root["lifecycle"].map { try LifecycleTiming($0, at: "lifecycle") } ?? LifecycleTiming()
        priorityClasses = try root["priorityClasses"].flatMap { list -> [PriorityClass]? in
            guard !list.isNull else { return nil }
            return try list.requireArray(at: "priorityClasses").enumerated().map {
                try PriorityClass($0.element, at: "priorityClasses[\($0.offset)]")
            }
        } ?? []
        var classNames: Set<String> = []
        for priorityClass in priorityClasses where !classNames.insert(priorityClass.name).inserted {
            throw SimArenaError(.data, "priorityClasses: two classes are named \"\(priorityClass.name)\"")
        }
        if priorityClasses.count(where: \.globalDefault) > 1 {
            throw SimArenaError(.data, "priorityClasses: more than one is globalDefault; only one default can exist")
        }
        let total = nodePools.reduce(0) { $0 + $1.count }
        guard total > 0 else { throw SimArenaError(.data, "nodePools: the cluster has no nodes") }
        guard total <= Self.maxNodes else {
            throw SimArenaError(.data, "nodePools: \(total) nodes in all, more than the \(Self.maxNodes) allowed")
        }
        var names: Set<String> = []
        for pool in nodePools where !names.insert(pool.name).inserted {
            throw SimArenaError(.data, "nodePools: two pools are named \"\(pool.name)\"")
        }
    }

    private static func pool(_ value: KValue, at path: String) throws -> NodePool {
        let map = try value.requireMap(at: path)
        guard let name = try map["name"]?.requireString(at: "\(path).name"), !name.isEmpty else {
            throw SimArenaError(.data, "\(path): missing \"name\"")
        }
        guard let countValue = map["count"] else { throw SimArenaError(.data, "\(path): missing \"count\"") }
        let count = try countValue.requireInt64(at: "\(path).count")
        guard count >= 0, count <= Int64(maxNodes) else {
            throw SimArenaError(.data, "\(path).count: \(count) is not between 0 and \(maxNodes)")
        }
        guard let allocatableValue = map["allocatable"] else { throw SimArenaError(.data, "\(path): missing \"allocatable\"") }
        let resources = try ResourceList(allocatableValue, at: "\(path).allocatable")
        guard let cpu = resources["cpu"], let memory = resources["memory"] else {
            throw SimArenaError(.data, "\(path).allocatable: needs both \"cpu\" and \"memory\"")
        }
        guard cpu.sign > 0, memory.sign > 0 else {
            throw SimArenaError(.data, "\(path).allocatable: cpu and memory must be positive")
        }
        let pods = resources["pods"]?.value ?? 110
        guard pods > 0, pods <= 100_000 else {
            throw SimArenaError(.data, "\(path).allocatable.pods: \(pods) is not between 1 and 100000")
        }
        var named: [String: Int64] = [:]
        for entry in resources.entries where ![ResourceNames.cpu, ResourceNames.memory, ResourceNames.pods].contains(entry.name) {
            guard ResourceNames.isNamedForScheduling(entry.name) else {
                throw SimArenaError(
                    .data,
                    "\(path).allocatable: \"\(entry.name)\" is not a resource kube-scheduler counts (cpu, memory, pods, "
                        + "ephemeral-storage, hugepages-<size>, or a domain-qualified extended resource such as nvidia.com/gpu)")
            }
            guard entry.quantity.sign >= 0 else {
                throw SimArenaError(.data, "\(path).allocatable.\(entry.name): must not be negative")
            }
            named[entry.name] = entry.quantity.value
        }
        var labels: [String: String] = [:]
        for entry in try map["labels"]?.requireMap(at: "\(path).labels").entries ?? [] {
            let key = try entry.key.requireString(at: "\(path).labels key")
            labels[key] = try entry.value.requireString(at: "\(path).labels.\(key)")
        }
        let taints = try map["taints"]?.requireArray(at: "\(path).taints").enumerated().map {
            try Taint($0.element, at: "\(path).taints[\($0.offset)]")
        } ?? []
        return NodePool(name: name, count: Int(count),
                        allocatable: ResourceAmounts(cpuMillis: cpu.milliValue, memoryBytes: memory.value),
                        allocatablePods: Int(pods), allocatableNamed: NamedResourceAmounts(named), labels: labels, taints: taints)
    }
}
