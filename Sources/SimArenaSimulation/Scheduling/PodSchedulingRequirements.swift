import SimArenaModel

/// What the scheduler needs from a pod: its resource requests, node selector, required node
/// affinity and tolerations.
///
/// Requests follow Kubernetes' effective-request rule, per resource:
/// `max(sum over app containers, max over init containers) + overhead`. A container's request for
/// a resource defaults to its limit when only the limit is set (the API server's defaulting).
/// Sidecars (init containers with `restartPolicy: Always`) run alongside everything after them,
/// so they add to the app sum and to every later init container, as Kubernetes computes.
/// The same rule gives the requests of ephemeral-storage and of kube-scheduler's scalar
/// resources (``ResourceNames/isNamedForScheduling(_:)``). Pod-level `spec.resources` is not
/// modelled.
public struct PodSchedulingRequirements: Sendable, Equatable {
    /// The effective requests, for the NodeResourcesFit filter and the node's `requested`.
    public var requests: ResourceAmounts
    /// The same for cpu and memory as exact quantities, in the notation of the first container
    /// that requests each (Kubernetes' sums keep the left operand's), for printing.
    public var requestQuantities: ResourceList
    /// The effective requests with each container's missing cpu request counted as
    /// ``defaultCPUMillisForScoring`` and missing memory request as
    /// ``defaultMemoryBytesForScoring``; used only for scoring (and the node's `nonZeroRequested`).
    public var nonZeroRequests: ResourceAmounts
    /// The effective requests of ephemeral-storage and the scalar resources (extended resources,
    /// hugepages, ...), by the same rule, for NodeResourcesFit.
    public var namedRequests: NamedResourceAmounts
    /// `spec.nodeSelector`: every label must be present on the node with this value.
    public var nodeSelector: [(key: String, value: String)]
    /// `spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`,
    /// or `nil` when the pod has no required node affinity.
    public var requiredNodeAffinity: [NodeSelectorTerm]?
    /// `spec.tolerations`.
    public var tolerations: [Toleration]
    /// The pod's namespace and labels, which other pods' affinity terms select on.
    public var namespace: String
    public var labels: [String: String]
    /// `spec.affinity.podAffinity` and `podAntiAffinity`'s required terms (InterPodAffinity).
    public var affinityTerms: [PodAffinityTerm]
    public var antiAffinityTerms: [PodAffinityTerm]
    /// `spec.topologySpreadConstraints` (PodTopologySpread).
    public var spreadConstraints: [TopologySpreadConstraint]
    /// The pod's `spec.priority` and `preemptionPolicy`, resolved from its PriorityClass when the
    /// pod is created (0 and PreemptLowerPriority until then).
    public var priority: Int32 = 0
    public var preemptionPolicy: PreemptionPolicy = .preemptLowerPriority

    /// Whether InterPodAffinity has anything to check for this pod's own terms.
    public var hasPodAffinity: Bool { !affinityTerms.isEmpty || !antiAffinityTerms.isEmpty }

    /// Whether where the other pods are matters to this pod's placement: it has inter-pod
    /// (anti-)affinity terms or a `DoNotSchedule` spread constraint.
    public var dependsOnOtherPods: Bool {
        hasPodAffinity || spreadConstraints.contains { $0.whenUnsatisfiable == .doNotSchedule }
    }

    /// The cpu a container without a cpu request counts as when scoring (100m).
    public static let defaultCPUMillisForScoring: Int64 = 100
    /// The memory a container without a memory request counts as when scoring (200 MiB).
    public static let defaultMemoryBytesForScoring: Int64 = 200 * 1024 * 1024

    /// Builds requirements by hand. When `nonZeroRequests` is `nil` it is derived from
    /// `requests` as if the pod had one container: a zero cpu or memory request counts as the
    /// scoring default.
    public init(
        requests: ResourceAmounts = .zero, nonZeroRequests: ResourceAmounts? = nil,
        namedRequests: NamedResourceAmounts = NamedResourceAmounts(), nodeSelector: [(key: String, value: String)] = [], requiredNodeAffinity: [NodeSelectorTerm]? = nil,
        tolerations: [Toleration] = [], namespace: String = "default", labels: [String: String] = [:],
        affinityTerms: [PodAffinityTerm] = [], antiAffinityTerms: [PodAffinityTerm] = [],
        spreadConstraints: [TopologySpreadConstraint] = [], priority: Int32 = 0,
        preemptionPolicy: PreemptionPolicy = .preemptLowerPriority
    ) {
        self.requests = requests
        self.nonZeroRequests =
            nonZeroRequests
            ?? ResourceAmounts(
                cpuMillis: requests.cpuMillis == 0 ? Self.defaultCPUMillisForScoring : requests.cpuMillis,
                memoryBytes: requests.memoryBytes == 0 ? Self.defaultMemoryBytesForScoring : requests.memoryBytes)
        self.namedRequests = namedRequests
        requestQuantities = ResourceList([
            (ResourceNames.cpu, .millis(requests.cpuMillis)), (ResourceNames.memory, .bytes(requests.memoryBytes)),
        ])
        self.nodeSelector = nodeSelector
        self.requiredNodeAffinity = requiredNodeAffinity
        self.tolerations = tolerations
        self.namespace = namespace
        self.labels = labels
        self.affinityTerms = affinityTerms
        self.antiAffinityTerms = antiAffinityTerms
        self.spreadConstraints = spreadConstraints
        self.priority = priority
        self.preemptionPolicy = preemptionPolicy
    }

    /// Reads a template's containers and, from `template.spec`, `nodeSelector`, `affinity`,
    /// `tolerations`, `overhead` and the init containers' `restartPolicy`; the labels from its
    /// metadata. `path` is the template's own path (errors name `<path>.spec.…`); `namespace` is
    /// the workload's.
    public init(template: PodTemplate, at path: String, namespace: String = "default") throws {
        let specPath = "\(path).spec"
        let spec = try template.spec.requireMap(at: specPath)

        let sidecars = try Self.sidecarFlags(spec["initContainers"], count: template.initContainers.count, at: "\(specPath).initContainers")
        let overhead = try spec["overhead"].flatMap { $0.isNull ? nil : try ResourceList($0, at: "\(specPath).overhead") } ?? ResourceList()
        func quantities(nonZero: Bool) throws -> (cpu: Quantity, memory: Quantity) {
            let cpu = try Self.effectiveRequest(
                "cpu", template: template, sidecars: sidecars, overhead: overhead,
                missing: nonZero ? .millis(Self.defaultCPUMillisForScoring) : nil, at: specPath)
            let memory = try Self.effectiveRequest(
                "memory", template: template, sidecars: sidecars, overhead: overhead,
                missing: nonZero ? .bytes(Self.defaultMemoryBytesForScoring) : nil, at: specPath)
            return (cpu, memory)
        }
        let exact = try quantities(nonZero: false)
        requests = ResourceAmounts(cpuMillis: exact.cpu.milliValue, memoryBytes: exact.memory.value)
        requestQuantities = ResourceList([(ResourceNames.cpu, exact.cpu), (ResourceNames.memory, exact.memory)])
        let nonZero = try quantities(nonZero: true)
        nonZeroRequests = ResourceAmounts(cpuMillis: nonZero.cpu.milliValue, memoryBytes: nonZero.memory.value)
        var names: Set<String> = []
        for container in template.containers + template.initContainers {
            for entry in container.requests.entries + container.limits.entries { names.insert(entry.name) }
        }
        for entry in overhead.entries { names.insert(entry.name) }
        var named: [String: Int64] = [:]
        for name in names where ResourceNames.isNamedForScheduling(name) {
            named[name] = try Self.effectiveRequest(
                name, template: template, sidecars: sidecars, overhead: overhead, missing: nil, at: specPath).value
        }
        namedRequests = NamedResourceAmounts(named)

        nodeSelector = try spec["nodeSelector"].flatMap { value -> [(key: String, value: String)]? in
            guard !value.isNull else { return nil }
            let selectorPath = "\(specPath).nodeSelector"
            return try value.requireMap(at: selectorPath).entries.map { entry in
                let key = try entry.key.requireString(at: "\(selectorPath) key")
                return (key, try entry.value.requireString(at: "\(selectorPath).\(key)"))
            }
        } ?? []

        requiredNodeAffinity = try Self.requiredNodeAffinity(spec["affinity"], at: "\(specPath).affinity")
        self.namespace = namespace
        labels = Dictionary(template.labels, uniquingKeysWith: { _, last in last })
        affinityTerms = try PodAffinityTerm.required("podAffinity", in: spec["affinity"], at: "\(specPath).affinity")
        antiAffinityTerms = try PodAffinityTerm.required("podAntiAffinity", in: spec["affinity"], at: "\(specPath).affinity")
        spreadConstraints = try TopologySpreadConstraint.list(
            spec["topologySpreadConstraints"], at: "\(specPath).topologySpreadConstraints", podLabels: labels)

        tolerations = try spec["tolerations"].flatMap { value -> [Toleration]? in
            guard !value.isNull else { return nil }
            return try value.requireArray(at: "\(specPath).tolerations").enumerated().map {
                try Toleration($0.element, at: "\(specPath).tolerations[\($0.offset)]")
            }
        } ?? []
    }

    /// Whether the node's labels satisfy the node selector and, if any, the required affinity
    /// (the NodeAffinity filter). `nodeName` is for `matchFields` on `metadata.name`.
    public func matchesNode(labels: [String: String], nodeName: String? = nil) -> Bool {
        guard nodeSelector.allSatisfy({ labels[$0.key] == $0.value }) else { return false }
        guard let requiredNodeAffinity else { return true }
        return NodeSelectorTerm.anyMatches(requiredNodeAffinity, labels: labels, nodeName: nodeName)
    }

    /// The first `NoSchedule` or `NoExecute` taint, in the node's order, that no toleration
    /// tolerates (the TaintToleration filter); `nil` when the pod may go there.
    public func firstUntoleratedTaint(in taints: [Taint]) -> Taint? {
        taints.first { taint in
            taint.effect.blocksScheduling && !tolerations.contains { $0.tolerates(taint) }
        }
    }

    public static func == (lhs: PodSchedulingRequirements, rhs: PodSchedulingRequirements) -> Bool {
        lhs.fitsLike(rhs) && lhs.namespace == rhs.namespace && lhs.affinityTerms == rhs.affinityTerms
            && lhs.antiAffinityTerms == rhs.antiAffinityTerms && lhs.requestQuantities == rhs.requestQuantities
            && lhs.labels == rhs.labels && lhs.spreadConstraints == rhs.spreadConstraints && lhs.priority == rhs.priority
            && lhs.preemptionPolicy == rhs.preemptionPolicy
    }

    /// Whether the two place alike on nodes by resources, node selection and taints (what
    /// NodeScoreIndex depends on), without comparing labels and inter-pod terms.
    public func fitsLike(_ other: PodSchedulingRequirements) -> Bool {
        requests == other.requests && nonZeroRequests == other.nonZeroRequests && namedRequests == other.namedRequests
            && nodeSelector.elementsEqual(other.nodeSelector) { $0 == $1 }
            && requiredNodeAffinity == other.requiredNodeAffinity && tolerations == other.tolerations
    }

    // MARK: Reading

    /// Whether each init container is a sidecar (`restartPolicy: Always`).
    private static func sidecarFlags(_ list: KValue?, count: Int, at path: String) throws -> [Bool] {
        let items = list.flatMap { $0.isNull ? nil : $0.arrayValue } ?? []
        return try (0..<count).map { index in
            guard index < items.count, let policy = items[index]["restartPolicy"], !policy.isNull else { return false }
            return try policy.requireString(at: "\(path)[\(index)].restartPolicy") == "Always"
        }
    }

    /// One resource's effective request. `missing`, when given, stands for a container that
    /// requests nothing of the resource (neither a request nor a limit).
    private static func effectiveRequest(
        _ resource: String, template: PodTemplate, sidecars: [Bool], overhead: ResourceList, missing: Quantity?,
        at path: String
    ) throws -> Quantity {
        let zero = Quantity.millis(0)
        func request(_ container: ContainerSpec) -> Quantity {
            container.requests[resource] ?? container.limits[resource] ?? missing ?? zero
        }
        // Kubernetes' maxResourceList: the larger one, the first when they are equal (which
        // decides the notation the result prints in).
        func larger(_ first: Quantity, _ second: Quantity) -> Quantity { second > first ? second : first }
        do {
            var total = zero
            for container in template.containers {
                total = try total.adding(request(container))
            }
            var sidecarTotal = zero
            var initPeak = zero
            for (container, isSidecar) in zip(template.initContainers, sidecars) {
                if isSidecar {
                    sidecarTotal = try sidecarTotal.adding(request(container))
                    total = try total.adding(request(container))
                    initPeak = larger(initPeak, sidecarTotal)
                } else {
                    initPeak = larger(initPeak, try request(container).adding(sidecarTotal))
                }
            }
            return try larger(total, initPeak).adding(overhead[resource] ?? zero)
        } catch let error as SimArenaError {
            throw error.prefixed("\(path): \(resource) requests")
        }
    }

    private static func requiredNodeAffinity(_ affinity: KValue?, at path: String) throws -> [NodeSelectorTerm]? {
        guard let affinity, !affinity.isNull else { return nil }
        let affinityMap = try affinity.requireMap(at: path)
        guard let nodeAffinity = affinityMap["nodeAffinity"], !nodeAffinity.isNull else { return nil }
        let nodeAffinityPath = "\(path).nodeAffinity"
        let nodeAffinityMap = try nodeAffinity.requireMap(at: nodeAffinityPath)
        guard let required = nodeAffinityMap["requiredDuringSchedulingIgnoredDuringExecution"], !required.isNull else {
            return nil
        }
        let requiredPath = "\(nodeAffinityPath).requiredDuringSchedulingIgnoredDuringExecution"
        let requiredMap = try required.requireMap(at: requiredPath)
        guard let terms = requiredMap["nodeSelectorTerms"], !terms.isNull else { return [] }
        let termsPath = "\(requiredPath).nodeSelectorTerms"
        return try terms.requireArray(at: termsPath).enumerated().map {
            try NodeSelectorTerm($0.element, at: "\(termsPath)[\($0.offset)]")
        }
    }
}
