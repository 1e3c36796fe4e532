import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// A namespace's Deployments and StatefulSets as they run now, read through the Kubernetes API
/// and turned into a SimKube trace (format version 2) that the embedded simulator, or SimKube,
/// replays (docs/namespace-snapshot.md):
///
/// - one event, at the newest `creationTimestamp` of the workloads (0 when none has one),
///   applying them sorted by kind then name, cleaned as SimKube's tracer cleans objects
///   (``TracedWorkload``);
/// - in each pod template, the `simarena.io/usage` annotation with what PodMetrics saw its
///   containers use and the OOM kills seen (``ObservedUsage``), unless the live template already
///   declares its own;
/// - when the nodes can be read, the cluster in `metadata.scenario.cluster`, each node's room
///   being what the pods outside the trace leave (``LiveCluster``).
///
/// Taking a snapshot only reads: every request is a GET, and nothing is written anywhere (the
/// caller writes the trace). The same API answers give the same trace, byte for byte.
public struct NamespaceSnapshot: Sendable {
    /// The namespace read.
    public var namespace: String
    /// The trace.
    public var trace: Trace
    /// One line each: what could not be read, or cannot be simulated, and what was assumed
    /// instead.
    public var warnings: [String]

    /// Reads `namespace` through `client`. Fails when the namespace does not exist or holds no
    /// Deployment or StatefulSet, and when it, its Deployments, StatefulSets or pods may not be
    /// read (naming the permission and the fix). PodMetrics, nodes and the other namespaces'
    /// pods are optional: what cannot be read becomes a warning.
    public static func take(client: KubeClient, namespace: String) throws -> NamespaceSnapshot {
        let reader = LiveReader(client: client, namespace: namespace)
        try reader.requireNamespace()
        func read(_ resource: String, as kind: WorkloadKind) throws -> [TracedWorkload] {
            try reader.requiredItems("/apis/apps/v1/namespaces/\(namespace)/\(resource)").map {
                try TracedWorkload(live: $0, kind: kind, namespace: namespace)
            }
        }
        var workloads = try read("deployments", as: .deployment) + read("statefulsets", as: .statefulSet)
        guard !workloads.isEmpty else {
            throw SimArenaError(.noInput, "namespace \(namespace) holds no Deployment or StatefulSet: nothing to snapshot")
        }
        workloads.sort { ($0.kind.rawValue, $0.name) < ($1.kind.rawValue, $1.name) }
        let pods = try reader.requiredItems("/api/v1/namespaces/\(namespace)/pods").sorted { name(of: $0) < name(of: $1) }
        let podsOf = workloads.map { pods.filter($0.owns) }

        var warnings: [String] = []
        let metrics = try reader.optionalItems(PodMetrics.path(namespace: namespace)) {
            warnings.append("PodMetrics not read (\($0)): no usage is taken from metrics, so the simulated containers use their requests")
        }.map(PodMetrics.containerUsage)
        for index in workloads.indices {
            let usage = ObservedUsage(workloads[index], pods: podsOf[index], metrics: metrics)
            warnings += usage.warnings
            guard let text = usage.annotation else { continue }
            if workloads[index].template.annotation(UsageAnnotation.key) != nil {
                warnings.append("\(workloads[index].title): its own \(UsageAnnotation.key) annotation is kept; the observed usage is not written")
            } else {
                workloads[index].setTemplateAnnotation(UsageAnnotation.key, to: text)
            }
        }
        warnings += UnmodelledFailures.warnings(for: podsOf.flatMap { $0 })

        let traced = Set(podsOf.joined().map { name(of: $0) })
        let isTraced = { (pod: KValue) in pod["metadata"]?["namespace"]?.stringValue == namespace && traced.contains(name(of: pod)) }
        let cluster = try readCluster(reader, isTraced: isTraced, warnings: &warnings)
        let document = traceDocument(workloads, namespace: namespace, cluster: cluster)
        return NamespaceSnapshot(namespace: namespace, trace: try Trace(document: document), warnings: warnings)
    }

    // MARK: Parts

    private static func name(of object: KValue) -> String {
        object["metadata"]?["name"]?.stringValue ?? ""
    }

    /// The declared cluster from the nodes and every namespace's pods, or nil (and a warning).
    private static func readCluster(_ reader: LiveReader, isTraced: (KValue) -> Bool, warnings: inout [String]) throws -> KValue? {
        guard let nodes = try reader.optionalItems("/api/v1/nodes", unread: { warnings.append("nodes not read (\($0)): \(LiveCluster.demoFallback)") })
        else { return nil }
        let pods = try reader.optionalItems("/api/v1/pods") {
            warnings.append("the pods of all namespaces not read (\($0)): each node is declared with its whole allocatable, as if nothing else ran there")
        }
        return try LiveCluster.declaration(nodes: nodes, otherPods: (pods ?? []).filter { !isTraced($0) }, warnings: &warnings)
    }

    /// The SimKube trace: tracked Deployments and StatefulSets, one event applying `workloads`,
    /// their pod-template hashes, no pod lifecycles, and the declared cluster if any.
    private static func traceDocument(_ workloads: [TracedWorkload], namespace: String, cluster: KValue?) -> KValue {
        var tracked = KMap()
        var index = KMap()
        for kind in [WorkloadKind.deployment, .statefulSet] {
            let gvk = KValue.string(GroupVersionKind(group: "apps", version: "v1", kind: kind.rawValue).description)
            tracked[gvk] = ["podSpecTemplatePaths": [.string(kind.templatePointer.description)]]
            let hashes = workloads.filter { $0.kind == kind }.map { workload in
                KMap.Entry(key: .string("\(namespace)/\(workload.name)"),
                           value: .integer(ScenarioTraceBuilder.podTemplateHash(workload.object.value(at: kind.templatePointer) ?? .null)))
            }
            if !hashes.isEmpty { index[gvk] = .map(KMap(hashes)) }
        }
        let ts = workloads.compactMap(\.createdAt).max() ?? 0
        var document: KValue = [
            "version": .int(Trace.supportedVersion),
            "config": ["trackedObjects": .map(tracked)],
            "events": [["ts": .int(ts), "applied_objs": .array(workloads.map(\.object)), "deleted_objs": []]],
            "index": .map(index),
            "pod_lifecycles": .map(KMap()),
        ]
        if let cluster { document["metadata"] = ["scenario": ["cluster": cluster]] }
        return document
    }
}
