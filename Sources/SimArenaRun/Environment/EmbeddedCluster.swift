import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// The embedded simulator as an ``Environment``'s backend: simulated time, no cluster, the
/// same bytes for the same trace and seed.
public struct EmbeddedCluster: ClusterBackend {
    public var cluster: ClusterSpec
    /// Where the cluster spec came from (nil: the built-in demo cluster), for messages.
    public var clusterPath: String?
    /// Simulated milliseconds per step.
    public var durationMillis: Int64

    /// Loads the cluster spec at `clusterPath` (nil: the demo cluster).
    public init(clusterPath: String?, durationSeconds: Double) throws {
        cluster = try clusterPath.map(ClusterSpec.load) ?? .demo
        self.clusterPath = clusterPath
        durationMillis = Int64((durationSeconds * 1000).rounded())
    }

    public func simulate(_ trace: Trace, seed: UInt64, step: StepIdentity) throws -> any SimulationOutcome {
        try ClusterSimulator(trace: trace, cluster: cluster, options: SimulationOptions(duration: durationMillis, seed: seed)).run()
    }

    public func addPreflightChecks(to verdict: inout PreflightVerdict, namespaces: [String]) {
        verdict.check("cluster") {
            let nodes = cluster.nodePools.reduce(0) { $0 + $1.count }
            return "\(clusterPath ?? "built-in demo cluster"): \(nodes) nodes"
        }
    }
}
