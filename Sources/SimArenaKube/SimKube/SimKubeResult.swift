import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// The SimKube backend's `simulation.json`: the `simarena.simulation/v1` format with
/// `backend: "simkube"`, the Simulation's name and the pods the API showed. What the API does
/// not show (usage, per-container detail, nodes, workloads, events, seed) is left out or zero,
/// so `sa-observe` reads it as it reads the embedded simulator's.
public struct SimKubeResult: Sendable {
    public var simulation: String
    /// Simulated seconds.
    public var duration: Double
    public var pods: [Observation.PodStatus]

    public init(simulation: String, duration: Double, pods: [Observation.PodStatus]) {
        (self.simulation, self.duration, self.pods) = (simulation, duration, pods)
    }

    public var value: KValue {
        [
            "format": .string(SimulationResult.format),
            "backend": "simkube",
            "simulation": .string(simulation),
            "durationSeconds": SimulationResult.seconds(Int64((duration * 1000).rounded())),
            "pods": .array(pods.map { pod in
                [
                    "name": .string(pod.name), "namespace": .string(pod.namespace),
                    "workload": ["kind": .string(pod.workloadKind), "name": .string(pod.workloadName)],
                    "node": pod.node.map(KValue.string) ?? .null,
                    "phase": .string(pod.phase), "ready": .bool(pod.ready),
                    "reason": pod.reason.map(KValue.string) ?? .null, "message": pod.message.map(KValue.string) ?? .null,
                    "restartCount": .int(pod.restartCount), "oomKilled": .bool(pod.oomKilled),
                    "requests": pod.requestQuantities.map(SimulationResult.quantities) ?? SimulationResult.amounts(pod.requests),
                    "usage": SimulationResult.amounts(pod.usage),
                ]
            }),
        ]
    }
}
