import SimArenaModel
import SimArenaSimulation

/// Turns a ``Scenario`` into a SimKube version-2 trace: one event applying the scenario's
/// workload (for the generator's scenarios an `apps/v1` Deployment `web` in namespace
/// `default`), after its neighbour when the setting has one, plus the `metadata.scenario` block
/// (docs/scenarios.md).
public enum ScenarioTraceBuilder {
    /// The event time of every scenario trace (2023-11-14T22:13:20Z), fixed so output is
    /// deterministic.
    public static let eventTimestamp: Int64 = 1_700_000_000
    /// The pod-template annotation holding each container's usage, as compact JSON.
    public static let usageAnnotation = "simarena.io/usage"

    /// The trace document.
    public static func document(for scenario: Scenario) -> KValue {
        var objects: [KValue] = []
        if let neighbour = scenario.setting.neighbour {
            objects.append(self.neighbour(neighbour, replicas: scenario.setting.cluster.nodes))
        }
        objects.append(workload(for: scenario.initial, in: scenario.setting))
        var tracked = KMap()
        var index = KMap()
        for object in objects {
            let kind = "apps/v1." + (object["kind"]?.stringValue ?? "")
            let key = "\(object["metadata"]?["namespace"]?.stringValue ?? "")/\(object["metadata"]?["name"]?.stringValue ?? "")"
            tracked[kind] = ["podSpecTemplatePaths": ["/spec/template"]]
            var entries = index[kind]?.mapValue ?? KMap()
            entries[key] = .integer(podTemplateHash(object["spec"]?["template"] ?? .null))
            index[kind] = .map(entries)
        }
        return [
            "version": .int(Trace.supportedVersion),
            "config": ["trackedObjects": .map(tracked)],
            "events": [["ts": .int(eventTimestamp), "applied_objs": .array(objects), "deleted_objs": []]],
            "index": .map(index),
            "pod_lifecycles": .map(KMap()),
            "metadata": ["scenario": scenarioBlock(for: scenario)],
        ]
    }

    /// The trace (decoded, so its typed views are ready).
    public static func trace(for scenario: Scenario) throws -> Trace {
        try Trace(document: document(for: scenario))
    }

    /// The workload for a state in a setting: requests always, limits only when set, the
    /// sidecar after the first container, and the usage annotation only when some usage is set;
    /// no `status`.
    public static func workload(for state: ScenarioState, in setting: ScenarioSetting = .demo) -> KValue {
        let labels: KValue = ["app": .string(setting.name)]
        var requests = Self.requests(cpu: state.cpuRequestMillis, memory: state.memoryRequestBytes)
        var limits = self.limits(state)
        if case .extendedResource(let resource, let count) = setting.placement {
            // Kubernetes takes an extended resource's request from its limit, which must be set.
            requests[resource] = .string(String(count))
            limits[resource] = .string(String(count))
        }
        var resources = KMap([KMap.Entry(key: "requests", value: requests)])
        if !limits.isEmpty { resources["limits"] = .map(limits) }
        var containers: [KValue] = [
            ["name": .string(setting.container), "image": .string(setting.image), "resources": .map(resources)],
        ]
        if let sidecar = setting.sidecar {
            let amounts = Self.requests(cpu: sidecar.cpuMillis, memory: sidecar.memoryBytes)
            containers.append(["name": .string(sidecar.name), "image": .string(sidecar.image),
                               "resources": ["requests": amounts, "limits": amounts]])
        }
        var templateMetadata = KMap([KMap.Entry(key: "labels", value: labels)])
        if let usage = usageAnnotationValue(state, container: setting.container) {
            templateMetadata["annotations"] = [usageAnnotation: .string(usage)]
        }
        var spec = KMap([KMap.Entry(key: "replicas", value: .int(Int64(state.replicas)))])
        if setting.kind == .statefulSet {
            spec["serviceName"] = .string(setting.name)
            if !setting.orderedReady { spec["podManagementPolicy"] = "Parallel" }
        }
        spec["selector"] = ["matchLabels": labels]
        var podSpec = KMap([KMap.Entry(key: "containers", value: .array(containers))])
        for (key, value) in setting.placement?.podSpecFields(workload: setting.name) ?? [] { podSpec[key] = value }
        spec["template"] = ["metadata": .map(templateMetadata), "spec": .map(podSpec)]
        return [
            "apiVersion": "apps/v1",
            "kind": .string(setting.kind.rawValue),
            "metadata": ["name": .string(setting.name), "namespace": .string(setting.namespace), "labels": labels],
            "spec": .map(spec),
        ]
    }

    /// The neighbour's Deployment: `replicas` pods (one per node) of one container that uses
    /// exactly its requests.
    static func neighbour(_ neighbour: ScenarioSetting.Neighbour, replicas: Int) -> KValue {
        let labels: KValue = ["app": .string(neighbour.name)]
        let container: KValue = [
            "name": .string(neighbour.name), "image": .string(neighbour.image),
            "resources": ["requests": requests(cpu: neighbour.cpuMillis, memory: neighbour.memoryBytes)],
        ]
        return [
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": ["name": .string(neighbour.name), "namespace": .string(neighbour.namespace), "labels": labels],
            "spec": [
                "replicas": .int(Int64(replicas)),
                "selector": ["matchLabels": labels],
                "template": ["metadata": ["labels": labels], "spec": ["containers": [container]]],
            ],
        ]
    }

    /// The `simarena.io/usage` annotation's text (compact JSON, container name →
    /// `{"cpu", "memory"}` quantities) for the first container, named `container`, or `nil` when
    /// no usage is set.
    public static func usageAnnotationValue(_ state: ScenarioState, container: String = ScenarioSetting.demo.container) -> String? {
        let usage = self.usage(state)
        guard !usage.isEmpty else { return nil }
        let json: KValue = [container: .map(usage)]
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

    private static func requests(cpu: Int64, memory: Int64) -> KValue {
        ["cpu": .string(ScenarioRules.formatCPU(cpu)), "memory": .string(ScenarioRules.formatMemory(memory))]
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
            "requests": requests(cpu: state.cpuRequestMillis, memory: state.memoryRequestBytes),
            "limits": .map(limits(state)),
            "usage": .map(usage(state)),
        ]
    }

    /// The `metadata.scenario` block. A shifted scenario's `failure_mode` names its family and
    /// `base_failure_mode` the generator's mode; a workload other than `web` in `default` is named
    /// by `deploy` and `namespace`.
    public static func scenarioBlock(for scenario: Scenario) -> KValue {
        var block: KValue = [
            "name": .string(scenario.name),
            "failure_mode": .string(scenario.shift?.failureMode ?? scenario.failureMode.rawValue),
            "severity": .string(scenario.severity.rawValue),
            "target": .int(Int64(scenario.target)),
            "goal": .string(scenario.goal.rawValue),
            "initial_state": stateBlock(scenario.initial),
            "fixed_state": stateBlock(scenario.fixedState),
            "fix": .array(scenario.fix.map { .string($0.name) }),
            "expected_behavior": .string(scenario.expectedBehavior),
            "seed": .integer(scenario.seed),
            "cluster": scenario.setting.cluster.declaration(zones: scenario.setting.placement?.isZoneSpread ?? false),
        ]
        if scenario.shift != nil { block["base_failure_mode"] = .string(scenario.failureMode.rawValue) }
        if !scenario.isSolvable { block["solvable"] = false }
        if !scenario.setting.isDefaultWorkload {
            block["deploy"] = .string(scenario.setting.name)
            block["namespace"] = .string(scenario.setting.namespace)
        }
        return block
    }
}
