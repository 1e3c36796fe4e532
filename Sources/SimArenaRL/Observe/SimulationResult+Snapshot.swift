import SimArenaModel
import SimArenaSimulation

extension SimulationResult {
    /// The pods and the largest node, as an observation needs them.
    public func snapshot() -> Observation.Snapshot {
        Observation.Snapshot(
            pods: pods.map { pod in
                Observation.PodStatus(
                    name: pod.name, namespace: pod.namespace, workloadKind: pod.workloadKind, workloadName: pod.workloadName,
                    phase: pod.phase.rawValue, ready: pod.ready, reason: pod.reason, message: pod.message, node: pod.node,
                    restartCount: Int64(pod.restartCount), oomKilled: pod.oomKilled, requests: pod.requests, usage: pod.usage,
                    usageSamples: pod.containers.first?.usageSamples)
            },
            largestNode: Observation.Snapshot.largest(of: nodes.map(\.allocatable)))
    }
}
