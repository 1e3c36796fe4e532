import SimArenaCLI
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

/// One environment as an outside RL library drives it (the C ABI, `sa-env`, the Python
/// package): made from `bin/train.sh`'s flags, reset with a seed (and a trace, or one of the
/// configured traces drawn with the seed), stepped with action indices, its observations given
/// as the features vector and the action mask. The steps are ``Environment``'s, so a trajectory
/// is the one `bin/train.sh --fast` records for the same trace, seed and actions.
public final class GymEnvironment {
    public let configuration: RunConfiguration
    private var environment: Environment
    /// Traces read so far, by path.
    private var loaded: [String: Trace] = [:]

    /// The last step: the trace's path, the observation, how it scored, and the action that
    /// led to it (nil at an episode's first step).
    public private(set) var last: (trace: String, observation: Observation, reward: RewardReport, action: ActionReport?)?

    /// An environment from `flags` (bin/train.sh's, without the program name). The embedded
    /// simulator only: SimKube runs from `bin/train.sh` and `sa-kube`.
    public init(flags: [String]) throws {
        let configuration = try RunOptions.configuration(parsing: flags)
        guard configuration.backend.kind == .embedded else {
            throw SimArenaError(.usage, "--backend simkube: an in-process environment runs the embedded simulator; use bin/train.sh for SimKube")
        }
        self.configuration = configuration
        let backend = try EmbeddedCluster(clusterPath: configuration.cluster, durationSeconds: configuration.durationSeconds)
        environment = Environment(configuration: configuration, backend: .success(backend))
    }

    /// The length of an observation.
    public static var observationSize: Int { Observation.featureNames.count }
    public var actionCount: Int { configuration.actionCount }

    /// Starts the episode `bin/train.sh --seed seed` plays first: on `trace`, else on the trace
    /// that run draws first from the configured ones.
    @discardableResult
    public func reset(seed: UInt64, trace: String? = nil) throws -> Observation {
        var seeded = configuration
        seeded.seed = seed
        let path = trace ?? seeded.trace(forEpisode: 1)
        let observation = try environment.reset(trace: try load(path), traceName: path, seed: seeded.seed(episode: 1, step: 1))
        guard let reward = environment.lastScore else { throw SimArenaError(.usage, "reset left no score") }
        last = (path, observation, reward, nil)
        return observation
    }

    /// Applies action `index`, simulates and scores the result.
    @discardableResult
    public func step(_ index: Int) throws -> Environment.Transition {
        guard let current = last else { throw SimArenaError(.usage, "step before reset") }
        guard index >= 0, index < actionCount, let action = AgentAction(rawValue: index) else {
            throw SimArenaError(.usage, "action \(index) is outside the \(actionCount) actions (0 to \(actionCount - 1))")
        }
        let transition = try environment.step(action)
        guard let reward = environment.lastScore else { throw SimArenaError(.usage, "the step left no score") }
        last = (current.trace, transition.observation, reward, transition.info)
        return transition
    }

    /// Which actions the safeguards allow in `observation`.
    public func mask(_ observation: Observation) -> [Bool] {
        ActionMask.allowed(observation, actions: actionCount, settings: configuration.actions)
    }

    /// The last step as one document: the observation, reward and action files' contents and
    /// the trace's path; nil before a reset.
    public var info: KValue? {
        guard let last else { return nil }
        return ["observation": last.observation.value, "reward": last.reward.value, "action": last.action?.value ?? .null,
                "trace": .string(last.trace)]
    }

    private func load(_ path: String) throws -> Trace {
        if let trace = loaded[path] { return trace }
        let trace = try Trace.load(path)
        loaded[path] = trace
        return trace
    }
}
