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
    /// Adds this backend's own preflight checks (a cluster spec, or a reachable cluster) for a
    /// trace of `namespaces`.
    func addPreflightChecks(to verdict: inout PreflightVerdict, namespaces: [String])
}
