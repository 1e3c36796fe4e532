import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// Where a step's simulation runs: the embedded simulator (milliseconds, no cluster) or a
/// cluster with SimKube (docs/simkube-backend.md).
public enum SimulationBackend: String, Sendable, CaseIterable {
    case embedded
    case simkube
}
