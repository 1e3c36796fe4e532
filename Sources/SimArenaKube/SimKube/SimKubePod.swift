import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


extension Observation.PodStatus {
    /// What an observation needs of a Pod object from the API. The namespace is the trace's
    /// (`<prefix>-NS` becomes NS). Usage is not part of a Pod: it is zero here, and comes from the
    /// resource metrics API when the cluster serves it (``SimKubeRunner``).
    public init(kubernetesPod pod: KValue, virtualNamespacePrefix prefix: String) throws {
        let name = try pod["metadata"]?["name"]?.requireString(at: "pod metadata.name") ?? ""
        let at = "pod \(name)"
        let metadata = try pod["metadata"]?.requireMap(at: "\(at): metadata") ?? KMap()
        let status = pod["status"] ?? [:]
        let containers = try (status["containerStatuses"] ?? []).requireArray(at: "\(at): status.containerStatuses")
        let conditions = try (status["conditions"] ?? []).requireArray(at: "\(at): status.conditions")
        func condition(_ type: String) -> KValue? {
            conditions.first { $0["type"]?.stringValue == type }
        }
        var namespace = metadata["namespace"]?.stringValue ?? ""
        if namespace.hasPrefix(prefix + "-") { namespace.removeFirst(prefix.count + 1) }
        let (kind, owner) = PodWorkload.of(metadata)
        let phase = status["phase"]?.stringValue ?? "Pending"
        let scheduling = condition("PodScheduled")
        let unschedulable = scheduling?["status"]?.stringValue == "False" && scheduling?["reason"]?.stringValue == "Unschedulable"
        let waiting = containers.compactMap { $0["state"]?["waiting"]?["reason"]?.stringValue }
        let terminations = containers.flatMap { [$0["lastState"], $0["state"]].compactMap { $0?["terminated"]?["reason"]?.stringValue } }
        let oomKilled = terminations.contains("OOMKilled")
        // Why the pod is unhealthy, in the embedded simulator's terms.
        let reason: String? =
            if status["reason"]?.stringValue == "Evicted" { "Evicted" }
            else if unschedulable { "Unschedulable" }
            else if waiting.contains("CrashLoopBackOff") { "CrashLoopBackOff" }
            else if containers.contains(where: { $0["state"]?["terminated"]?["reason"]?.stringValue == "OOMKilled" }) { "OOMKilled" }
            else if phase == "Succeeded" { "Completed" }
            else { nil }
        let restarts = try containers.enumerated().reduce(Int64(0)) { total, item in
            total + (try item.element["restartCount"]?.requireInt64(at: "\(at): containerStatuses[\(item.offset)].restartCount") ?? 0)
        }
        // The pod's effective requests, as the embedded simulator counts them (init containers,
        // sidecars, overhead), kept as quantities to print as Kubernetes does.
        let requirements = try pod["spec"].flatMap { spec in
            spec.isNull ? nil : try PodSchedulingRequirements(template: PodTemplate(pod, at: at), at: at)
        }
        self.init(
            name: name, namespace: namespace, workloadKind: kind, workloadName: owner,
            phase: phase, ready: condition("Ready")?["status"]?.stringValue == "True",
            reason: reason, message: reason == "Unschedulable" ? scheduling?["message"]?.stringValue : status["message"]?.stringValue,
            node: pod["spec"]?["nodeName"]?.stringValue, restartCount: restarts, oomKilled: oomKilled,
            requests: requirements?.requests ?? .zero, requestQuantities: requirements?.requestQuantities,
            usage: .zero, usageSamples: nil)
    }
}
