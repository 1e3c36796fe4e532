import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// Which step of which run a simulation belongs to; a backend on a real cluster names its
/// resources after it.
public struct StepIdentity: Sendable, Hashable {
    public var run: String
    public var episode: Int
    public var step: Int

    public init(run: String, episode: Int, step: Int) {
        self.run = run
        self.episode = episode
        self.step = step
    }
}

/// Where an ``Environment``'s simulations run: the embedded simulator (``EmbeddedCluster``) or
/// a cluster with SimKube (in the SimArenaKube module).
public protocol ClusterBackend {
    /// Replays `trace` for the environment's step duration; `seed` drives jitter and names.
    func simulate(_ trace: Trace, seed: UInt64, step: StepIdentity) throws -> any SimulationOutcome
    /// Adds this backend's own preflight checks (a cluster spec, or a reachable cluster) for
    /// `trace` (nil when it did not load), named `traceName` in messages, whose workload is in
    /// `namespaces`.
    func addPreflightChecks(to verdict: inout PreflightVerdict, trace: Trace?, traceName: String, namespaces: [String])
}

/// Makes the backend a setting names, as far as a tool can: a tool that does not link the
/// Kubernetes module makes only the embedded one (``ClusterBackendMaker`` conformers decide).
public protocol ClusterBackendMaker {
    /// What the stage commands' names start with in the tool that makes these backends: `sa-`
    /// (`sa-simulate`), or nothing for `sa-kube`'s subcommands (`simulate`).
    static var commandPrefix: String { get }
    static func make(_ setting: BackendSetting, cluster: String?, durationSeconds: Double) -> Result<any ClusterBackend, any Error>
    /// Deletes the Simulations Sim-Arena left on the cluster `setting` reaches (those of `run`
    /// when given); returns their names.
    static func cleanup(_ setting: BackendSetting, run: String?) throws -> [String]
}

extension ClusterBackendMaker {
    /// The backend a run configuration names.
    public static func make(for configuration: RunConfiguration) -> Result<any ClusterBackend, any Error> {
        make(configuration.backend, cluster: configuration.cluster, durationSeconds: configuration.durationSeconds)
    }
}
