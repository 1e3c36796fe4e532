import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// A workload in a cluster trace that an agent fixes, one action at a time: the environment of
/// the gym. Each step simulates the trace in force on a ``ClusterBackend``, observes the
/// workload, scores the observation as the outcome of the previous action, and (unless the
/// episode ended) applies the next action to the trace.
///
/// The trainer runs these parts as the stages of ``StepState``; outside drivers (a benchmark,
/// a Gymnasium binding) use ``reset(trace:traceName:seed:)`` and ``step(_:)``, which run the
/// same stages.
public struct Environment {
    /// Where simulations run, or why it could not be set up (preflight reports it); nil for a
    /// process that only observes, scores or acts on files.
    public var backend: Result<any ClusterBackend, any Error>?
    public var workload: String
    public var namespace: String?
    /// Ready pods that count as healthy; nil: each trace's declared scenario target.
    public var target: Int64?
    public var reward: RewardFunction
    /// nil: each trace's declared goal, else healthy.
    public var goal: EpisodeGoal?
    /// Most actions per episode; the step after the last action is truncated.
    public var maxActions: Int
    /// Size of the action space.
    public var actionCount: Int
    public var actions: ActionSettings

    /// The run's name, for naming simulations on a real cluster.
    public var run: String

    /// An environment for `workload`; the rest as a run's defaults (the shaped reward, at most
    /// 200 actions, each trace's declared target and goal).
    public init(workload: String, namespace: String? = nil, actionCount: Int = 4, actions: ActionSettings = ActionSettings(),
                backend: Result<any ClusterBackend, any Error>? = nil) {
        self.backend = backend
        self.workload = workload
        self.namespace = namespace
        reward = .shaped
        maxActions = 200
        self.actionCount = actionCount
        self.actions = actions
        run = ""
    }

    /// The environment a run configuration describes, simulating on `backend`.
    public init(configuration: RunConfiguration, backend: Result<any ClusterBackend, any Error>?) {
        self.init(workload: configuration.workload, namespace: configuration.namespace, actionCount: configuration.actionCount,
                  actions: configuration.actions, backend: backend)
        target = configuration.target
        reward = configuration.reward
        goal = configuration.goal
        maxActions = configuration.steps
        run = configuration.run
    }

    // MARK: The parts of a step

    /// Replays `trace` on the backend.
    public func simulate(_ trace: Trace, seed: UInt64, step: StepIdentity) throws -> any SimulationOutcome {
        guard let backend else { throw SimArenaError(.usage, "this process has no simulation backend") }
        return try backend.get().simulate(trace, seed: seed, step: step)
    }

    /// The workload's observation in `outcome`, after `previous` (the action that led to it; nil
    /// at an episode's first step); `traceName` names the trace when it declares no target.
    public func observe(_ outcome: any SimulationOutcome, trace: Trace, traceName: String, after previous: ActionReport?) throws
        -> Observation {
        let declared: Int64?
        do {
            declared = try Observation.declaredTarget(of: trace)
        } catch let error as SimArenaError {
            throw error.prefixed(traceName)
        }
        guard let goal = target ?? declared else {
            throw SimArenaError(.usage, "--target is needed: \(traceName) declares no metadata.scenario.target")
        }
        return try Observation(snapshot: try outcome.snapshot(), trace: trace, workload: workload, namespace: namespace, target: goal,
                               lastActionBlocked: previous?.outcome.blocked ?? false)
    }

    /// Scores `observation` as the outcome of `previous` (nil at an episode's first step), and
    /// says whether step `step` ends the episode.
    public func score(_ observation: Observation, after previous: ActionReport?, step: Int) -> RewardReport {
        RewardReport(observation: observation, previous: previous, function: reward, goal: goal ?? observation.declaredGoal ?? .healthy,
                     step: step, maxActions: maxActions, settings: actions)
    }

    /// Has `chooser` choose an action for `observation` and applies it to `trace`.
    public func act(on observation: Observation, trace: inout Trace, chooser: ActionChooser, seed: UInt64) throws -> ActionReport {
        let action = try chooser.choose(observation, allowed: actionCount, seed: seed, settings: actions)
        let outcome = try TraceEditor.apply(action, to: &trace, workload: workload, namespace: namespace, settings: actions)
        return ActionReport(action: action, chooser: chooser.label, outcome: outcome, allowedActions: actionCount, seed: seed)
    }

    // MARK: Driving it from outside

    /// What ``step(_:)`` returns: Gymnasium's five values.
    public struct Transition: Sendable {
        public var observation: Observation
        public var reward: Double
        public var terminated: Bool
        public var truncated: Bool
        /// What the action did (blocked or not, the field it changed).
        public var info: ActionReport
    }

    /// The episode an outside driver is in: the last step's values.
    private var current: StepState?

    /// How the last observation of the episode in progress scored: whether the episode has
    /// ended (a goal met at ``reset(trace:traceName:seed:)`` ends it at once). Nil before a reset.
    public var lastScore: RewardReport? { current?.reward }

    /// The trace in force at the episode's last step, and what simulating it gave; nil before a
    /// reset. A driver that judges the whole cluster (the recommender) reads them.
    public var trace: Trace? { current?.trace }
    public var simulation: (any SimulationOutcome)? { current?.simulation }

    /// Starts an episode on `trace` (named `traceName` in messages) with `seed`: simulates it
    /// and returns the first observation.
    public mutating func reset(trace: Trace, traceName: String, seed: UInt64) throws -> Observation {
        var state = StepState(identity: StepIdentity(run: run, episode: 1, step: 1), seed: seed, trace: trace, traceName: traceName)
        try state.run([.stage(.simulate), .stage(.observe), .stage(.reward)], in: self, context: nil)
        current = state
        return state.observation!
    }

    /// Applies `action` to the trace in force, simulates the result and scores it.
    public mutating func step(_ action: AgentAction) throws -> Transition {
        guard var state = current, let reward = state.reward else {
            throw SimArenaError(.usage, "step before reset: call reset(trace:traceName:seed:) first")
        }
        guard !reward.endsEpisode else { throw SimArenaError(.usage, "the episode has ended: call reset(trace:traceName:seed:)") }
        try state.run([.stage(.act)], in: self, context: StepContext(chooser: .given(action)))
        var next = state.following(seed: state.seed &+ 1)
        try next.run([.stage(.simulate), .stage(.observe), .stage(.reward)], in: self, context: nil)
        current = next
        let scored = next.reward!
        return Transition(observation: next.observation!, reward: scored.reward ?? 0, terminated: scored.terminated,
                          truncated: scored.truncated, info: state.action!)
    }
}
