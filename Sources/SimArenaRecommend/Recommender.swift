import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

/// Turns a cluster's trace into the changes that fix its workloads, checked on the whole
/// cluster: it simulates the trace, and for each workload that is unhealthy or wasteful (in the
/// order the trace applies them) lets the fixer act on it through an ``Environment`` whose
/// every step simulates the *whole* trace, then keeps the best state the fixer reached that
/// made no other workload worse. Each fix starts from the trace the fixes before it left.
public struct Recommender {
    /// Who acts: a policy, a trained agent acting greedily, or an outside program.
    public var fixer: ActionChooser
    /// Where the simulations run (the embedded simulator).
    public var backend: any ClusterBackend
    public var settings: RecommendSettings

    public init(fixer: ActionChooser, backend: any ClusterBackend, settings: RecommendSettings) {
        self.fixer = fixer
        self.backend = backend
        self.settings = settings
    }

    /// The recommendation for `trace`, named `traceName` in messages. `progress` hears of each
    /// workload as its fix is settled.
    public func recommend(_ trace: Trace, traceName: String, progress: (WorkloadFix) -> Void = { _ in }) throws -> Recommendation {
        let identity = StepIdentity(run: "recommend", episode: 1, step: 1)
        let first = try simulate(trace, traceName: traceName, identity: identity)
        var current = WorkloadFix.Waypoint(trace: trace, health: try WorkloadHealth.diagnose(first, trace: trace), actions: [])
        let before = current.health
        var fixes: [WorkloadFix] = []
        for index in before.indices where current.health[index].needsFix(settings: settings.actions) {
            let waypoints = try walk(from: current, workload: index, traceName: traceName)
            let (kept, fix) = WorkloadFix.choose(waypoints, workload: index, settings: settings.actions)
            current = WorkloadFix.Waypoint(trace: kept.trace, health: kept.health, actions: [])
            fixes.append(fix)
            progress(fix)
        }
        // The prediction: the fixed trace simulated as the original was, so that replaying it
        // (`sa-simulate --seed`) gives the same state.
        let after = try WorkloadHealth.diagnose(try simulate(current.trace, traceName: traceName, identity: identity), trace: current.trace)
        return Recommendation(traceName: traceName, fixer: fixer.label, settings: settings, durationSeconds: settings.durationSeconds, original: trace, fixed: current.trace,
                              before: before, after: after, fixes: fixes)
    }

    /// The fixer's episode on workload `index`, from `start`: every state it passes through.
    private func walk(from start: WorkloadFix.Waypoint, workload index: Int, traceName: String) throws -> [WorkloadFix.Waypoint] {
        let target = start.health[index]
        var environment = Environment(workload: target.name, namespace: target.namespace, actionCount: settings.actionCount,
                                      actions: settings.actions, backend: .success(backend))
        environment.target = target.observation.target
        environment.goal = .rightSized
        environment.maxActions = settings.maxActions
        environment.run = "recommend"
        let seed = settings.seed &+ UInt64(index) &* 1000
        var observation = try environment.reset(trace: start.trace, traceName: traceName, seed: seed)
        var waypoints = [start]
        var actions: [ActionReport] = []
        var visits: [[UInt8]: Int] = [MessagePackWriter.encode(start.trace.document): 1]
        var unchanged = 0
        while let score = environment.lastScore, !score.endsEpisode, unchanged < Self.stallLimit {
            let action = try fixer.choose(observation, allowed: settings.actionCount, seed: seed &+ UInt64(actions.count),
                                          settings: settings.actions)
            let transition = try environment.step(action)
            observation = transition.observation
            actions.append(transition.info)
            guard let trace = environment.trace, let outcome = environment.simulation else { break }
            let changed = transition.info.outcome.editedObjects > 0 && !transition.info.outcome.blocked
            unchanged = changed ? 0 : unchanged + 1
            let key = MessagePackWriter.encode(trace.document)
            visits[key, default: 0] += 1
            waypoints.append(WorkloadFix.Waypoint(trace: trace, health: try WorkloadHealth.diagnose(outcome, trace: trace),
                                                  actions: actions))
            if visits[key, default: 0] >= Self.cycleLimit { break }
        }
        return waypoints
    }

    /// The fixer's walk ends early when it stalls (this many actions in a row change nothing:
    /// blocked, noop) or cycles (the same trace in force this many times).
    static let stallLimit = 10
    static let cycleLimit = 3

    private func simulate(_ trace: Trace, traceName: String, identity: StepIdentity) throws -> any SimulationOutcome {
        do {
            return try backend.simulate(trace, seed: settings.seed, step: identity)
        } catch let error as SimArenaError where error.kind == .data {
            throw error.prefixed(traceName)
        }
    }
}

/// How the recommender's fixer acts: its action space, step sizes and safeguards, how many
/// actions it may take per workload, and the seed of the simulations.
public struct RecommendSettings: Sendable {
    public var actions = ActionSettings()
    /// Size of the action space; all seven by default, so that requests and replicas can come down.
    public var actionCount = AgentAction.allCases.count
    /// Most actions per workload.
    public var maxActions = 300
    public var seed: UInt64 = 0
    /// Simulated seconds of each simulation (the backend's; recorded in the report).
    public var durationSeconds: Double = 90

    public init() {}
}
