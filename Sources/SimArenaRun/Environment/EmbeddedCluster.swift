import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// The embedded simulator as an ``Environment``'s backend: simulated time, no cluster, the
/// same bytes for the same trace and seed.
///
/// Each trace runs on the cluster spec the run named (`--cluster`), else on the cluster the
/// trace's scenario declares (``DeclaredCluster``), else on the built-in demo cluster.
public struct EmbeddedCluster: ClusterBackend {
    /// The spec `--cluster` named; nil: each trace's declared cluster, or the demo cluster.
    public var cluster: ClusterSpec?
    /// Where that spec came from, for messages.
    public var clusterPath: String?
    /// Simulated milliseconds per step.
    public var durationMillis: Int64
    private let declared = DeclaredClusterCache()
    private let memo = SimulationMemo()

    /// Loads the cluster spec at `clusterPath` (nil: each trace's declared cluster, else the demo).
    public init(clusterPath: String?, durationSeconds: Double) throws {
        cluster = try clusterPath.map(ClusterSpec.load)
        self.clusterPath = clusterPath
        durationMillis = Int64((durationSeconds * 1000).rounded())
    }

    /// The cluster `trace` runs on; a bad declaration is a data error naming the field.
    public func spec(for trace: Trace) throws -> ClusterSpec {
        try cluster ?? declared.spec(for: trace)
    }

    public func simulate(_ trace: Trace, seed: UInt64, step: StepIdentity) throws -> any SimulationOutcome {
        try ClusterSimulator(trace: trace, cluster: spec(for: trace), options: SimulationOptions(duration: durationMillis, seed: seed),
                             memo: memo).run()
    }

    public func addPreflightChecks(to verdict: inout PreflightVerdict, trace: Trace?, traceName: String, namespaces: [String]) {
        verdict.check("cluster") {
            let source: String
            let spec: ClusterSpec
            if let cluster {
                (source, spec) = (clusterPath ?? "--cluster", cluster)
            } else {
                guard let trace else { throw SimArenaError(.data, "\(traceName): no trace to read a declared cluster from") }
                let declaredSpec: ClusterSpec
                do {
                    declaredSpec = try declared.spec(for: trace)
                } catch let error as SimArenaError {
                    throw error.prefixed(traceName)
                }
                source = DeclaredCluster.declaration(in: trace) == nil ? "built-in demo cluster" : DeclaredCluster.field
                spec = declaredSpec
            }
            return "\(source): \(spec.nodePools.reduce(0) { $0 + $1.count }) nodes"
        }
    }
}

/// The last declared cluster an ``EmbeddedCluster`` read, so that the steps of an episode (whose
/// traces all declare the same cluster) parse it once.
private final class DeclaredClusterCache {
    private var declaration: KValue?
    private var spec = ClusterSpec.demo

    /// The trace's declared cluster, else the demo cluster.
    func spec(for trace: Trace) throws -> ClusterSpec {
        guard let value = DeclaredCluster.declaration(in: trace) else { return .demo }
        if value != declaration {
            spec = try DeclaredCluster.spec(value)
            declaration = value
        }
        return spec
    }
}
