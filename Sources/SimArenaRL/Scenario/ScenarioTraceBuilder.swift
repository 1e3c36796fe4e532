import SimArenaModel
import SimArenaSimulation

/// Turns a ``Scenario`` into a SimKube version-2 trace: one event applying one `apps/v1`
/// Deployment `web` in namespace `default`, plus the `metadata.scenario` block
/// (docs/scenarios.md).
public enum ScenarioTraceBuilder {
    /// The event time of every scenario trace (2023-11-14T22:13:20Z), fixed so output is
    /// deterministic.
    public static let eventTimestamp: Int64 = 1_700_000_000
    /// The pod-template annotation holding each container's usage, as compact JSON.
    public static let usageAnnotation = "simarena.io/usage"
    public static let deploymentName = "web"
    public static let namespace = "default"
    public static let containerName = "web"
    public static let image = "nginx:1.25"

    /// The trace document.
    public static func document(for scenario: Scenario, cluster: ScenarioCluster = .demo) -> KValue {
        let deployment = self.deployment(for: scenario.initial)
        let template = deployment["spec"]?["template"] ?? .null
        return [
            "version": .int(Trace.supportedVersion),
            "config": ["trackedObjects": ["apps/v1.Deployment": ["podSpecTemplatePaths": ["/spec/template"]]]],
            "events": [["ts": .int(eventTimestamp), "applied_objs": [deployment], "deleted_objs": []]],
            "index": ["apps/v1.Deployment": ["\(namespace)/\(deploymentName)": .integer(podTemplateHash(template))]],
            "pod_lifecycles": .map(KMap()),
            "metadata": ["scenario": scenarioBlock(for: scenario, cluster: cluster)],
        ]
    }

    /// The trace (decoded, so its typed views are ready).
    public static func trace(for scenario: Scenario, cluster: ScenarioCluster = .demo) throws -> Trace {
        try Trace(document: document(for: scenario, cluster: cluster))
    }

    /// The Deployment for a state: requests always, limits only when set, and the usage
    /// annotation only when some usage is set; no `status`.
    public static func deployment(for state: ScenarioState) -> KValue {
        let labels: KValue = ["app": .string(deploymentName)]
        var resources = KMap([KMap.Entry(key: "requests", value: requests(state))])
        let limits = self.limits(state)
        if !limits.isEmpty { resources["limits"] = .map(limits) }
        let container: KValue = [
            "name": .string(containerName),
            "image": .string(image),
            "resources": .map(resources),
        ]
        var templateMetadata = KMap([KMap.Entry(key: "labels", value: labels)])
        if let usage = usageAnnotationValue(state) {
            templateMetadata["annotations"] = [usageAnnotation: .string(usage)]
        }
        return [
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": ["name": .string(deploymentName), "namespace": .string(namespace), "labels": labels],
            "spec": [
                "replicas": .int(Int64(state.replicas)),
                "selector": ["matchLabels": labels],
                "template": ["metadata": .map(templateMetadata), "spec": ["containers": [container]]],
            ],
        ]
    }

    /// The `simarena.io/usage` annotation's text (compact JSON, container name →
    /// `{"cpu", "memory"}` quantities), or `nil` when no usage is set.
    public static func usageAnnotationValue(_ state: ScenarioState) -> String? {
        let usage = self.usage(state)
        guard !usage.isEmpty else { return nil }
        let json: KValue = [containerName: .map(usage)]
        // Encoding strings and maps cannot fail (only NaN and infinity can).
        let bytes = (try? JSONWriter.encode(json, pretty: false)) ?? []
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The index hash of a pod template: 64-bit FNV-1a of the template's MessagePack encoding
    /// (as ``MessagePackWriter`` writes it, keys in stored order). SimKube's own hash is a
    /// different function of the template; any stable hash serves, since SimKube uses the index
    /// only to match pods to their owner's template within the trace.
    public static func podTemplateHash(_ template: KValue) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in MessagePackWriter.encode(template) {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    // MARK: Parts

    private static func requests(_ state: ScenarioState) -> KValue {
        ["cpu": .string(ScenarioRules.formatCPU(state.cpuRequestMillis)),
         "memory": .string(ScenarioRules.formatMemory(state.memoryRequestBytes))]
    }

    private static func limits(_ state: ScenarioState) -> KMap {
        var map = KMap()
        if let cpu = state.cpuLimitMillis { map["cpu"] = .string(ScenarioRules.formatCPU(cpu)) }
        if let memory = state.memoryLimitBytes { map["memory"] = .string(ScenarioRules.formatMemory(memory)) }
        return map
    }

    private static func usage(_ state: ScenarioState) -> KMap {
        var map = KMap()
        if let cpu = state.cpuUsageMillis { map["cpu"] = .string(ScenarioRules.formatCPU(cpu)) }
        if let memory = state.memoryUsageBytes { map["memory"] = .string(ScenarioRules.formatMemory(memory)) }
        return map
    }

    /// `{replicas, requests, limits, usage}`; `limits` and `usage` list only what is set.
    public static func stateBlock(_ state: ScenarioState) -> KValue {
        [
            "replicas": .int(Int64(state.replicas)),
            "requests": requests(state),
            "limits": .map(limits(state)),
            "usage": .map(usage(state)),
        ]
    }

    /// The `metadata.scenario` block.
    public static func scenarioBlock(for scenario: Scenario, cluster: ScenarioCluster = .demo) -> KValue {
        [
            "name": .string(scenario.name),
            "failure_mode": .string(scenario.failureMode.rawValue),
            "severity": .string(scenario.severity.rawValue),
            "target": .int(Int64(scenario.target)),
            "goal": .string(scenario.goal.rawValue),
            "initial_state": stateBlock(scenario.initial),
            "fixed_state": stateBlock(scenario.fixedState),
            "fix": .array(scenario.fix.map { .string($0.name) }),
            "expected_behavior": .string(scenario.expectedBehavior),
            "seed": .integer(scenario.seed),
            "cluster": [
                "nodes": .int(Int64(cluster.nodes)),
                "cpu": .string(ScenarioRules.formatCPU(cluster.cpuMillisPerNode)),
                "memory": .string(ScenarioRules.formatMemory(cluster.memoryBytesPerNode)),
                "pods": .int(Int64(cluster.podsPerNode)),
            ],
        ]
    }
}
