import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// What a step's tasks share besides the step's own values: the chooser, a learning agent's
/// fresh start and replay buffer, the hooks, and where the step's bookkeeping goes.
public struct StepContext {
    /// Who acts, unless the agent learns (then the step's own ``StepState/agent`` acts).
    public var chooser: ActionChooser?
    /// The agent a learning run starts with when there is no state to continue from.
    public var fresh: FreshAgent?
    /// A DQN agent's replay buffer; the learn stage adds the step's transition to it.
    public var replay: ReplayBuffer?
    public var hooks: HookSet?
    /// The run directory and the process holding its lock, checked by preflight.
    public var runDirectory: String?
    public var pid: Int32?
    /// The run, for the record (its seeds and simulated seconds).
    public var configuration: RunConfiguration?

    public init(chooser: ActionChooser? = nil) {
        self.chooser = chooser
    }
}

/// One step's values, filled in by its tasks in order (``StepTask/sequence(learns:hooks:)``):
/// the trace in force and what the step before left, then the preflight verdict, the
/// simulation, the observation, the reward, the learning report, the action and the next trace,
/// and the record. ``run(_:in:context:)`` is the step function: the in-process trainer, the
/// stage executables (one task each, on a step directory's files) and ``Environment`` all run it.
public struct StepState {
    public var identity: StepIdentity
    public var seed: UInt64
    /// The trace in force; nil until loaded (preflight loads it itself, to report a bad one).
    public var trace: Trace?
    /// Where the trace came from, for messages.
    public var traceName: String
    /// The step's directory, when it has one (the hooks run there).
    public var directory: String?

    // What the step before left (nil at an episode's first step).
    public var previousObservation: Observation?
    public var previousAction: ActionReport?
    /// A learning agent: the state the step starts from, then the one learning leaves.
    public var agent: LearningAgent?

    public var preflight: PreflightVerdict?
    public var simulation: (any SimulationOutcome)?
    public var observation: Observation?
    public var reward: RewardReport?
    public var learning: LearnStage.Report?
    /// What the learn stage reported, as the record keeps it (also when read back from a file).
    public var learned: StepRecord.Learning?
    public var action: ActionReport?
    public var nextTrace: Trace?
    public var record: StepRecord?

    public init(identity: StepIdentity, seed: UInt64, trace: Trace?, traceName: String) {
        self.identity = identity
        self.seed = seed
        self.trace = trace
        self.traceName = traceName
    }

    /// Whether no action follows this step.
    public var endsEpisode: Bool { reward?.endsEpisode ?? false }

    /// The next step of the same episode, starting from this one's next trace.
    public func following(seed: UInt64) -> StepState {
        var next = StepState(identity: StepIdentity(run: identity.run, episode: identity.episode, step: identity.step + 1), seed: seed,
                             trace: nextTrace, traceName: traceName)
        next.previousObservation = observation
        next.previousAction = action
        next.agent = agent
        return next
    }

    /// Runs `tasks` in order on `environment`.
    public mutating func run(_ tasks: [StepTask], in environment: Environment, context: inout StepContext) throws {
        for task in tasks { try perform(task, in: environment, context: &context) }
    }

    /// Runs `tasks` in order, with no chooser or bookkeeping (simulate, observe, reward).
    public mutating func run(_ tasks: [StepTask], in environment: Environment, context: StepContext?) throws {
        var context = context ?? StepContext()
        try run(tasks, in: environment, context: &context)
    }

    /// Runs one task. Each reads the values the tasks before it left and fails with a usage
    /// error naming the missing one when run out of order.
    public mutating func perform(_ task: StepTask, in environment: Environment, context: inout StepContext) throws {
        switch task {
        case .stage(.preflight): preflight = checked(in: environment, context: context)
        case .hooks(let point): try runHooks(point, context: context)
        case .stage(.simulate):
            do {
                simulation = try environment.simulate(try need(trace, "trace"), seed: seed, step: identity)
            } catch let error as SimArenaError where error.kind == .data {
                throw error.prefixed(traceName)
            }
        case .stage(.observe):
            observation = try environment.observe(try need(simulation, "simulation"), trace: try need(trace, "trace"), traceName: traceName,
                                                  after: previousAction)
        case .stage(.reward): reward = environment.score(try need(observation, "observation"), after: previousAction, step: identity.step)
        case .stage(.learn): try learn(in: environment, context: &context)
        case .stage(.act): try act(in: environment, context: context)
        case .stage(.record):
            guard let configuration = context.configuration else { throw SimArenaError(.usage, "record: no run configuration") }
            record = StepRecord(run: configuration, episode: identity.episode, step: identity.step,
                                observation: try need(observation, "observation"), reward: try need(reward, "reward"),
                                action: action, learning: learned, durationSeconds: configuration.durationSeconds)
        }
    }

    private func need<T>(_ value: T?, _ name: String) throws -> T {
        guard let value else {
            throw SimArenaError(.usage, "step \(identity.episode)/\(identity.step): the \(name) is missing; run the stages before this one first")
        }
        return value
    }

    private func checked(in environment: Environment, context: StepContext) -> PreflightVerdict {
        let loaded = trace
        let name = traceName
        return PreflightVerdict(traceName: name, loadTrace: { try loaded ?? Trace.load(name) }, workload: environment.workload,
                                namespace: environment.namespace, backend: environment.backend, runDirectory: context.runDirectory,
                                pid: context.pid)
    }

    private func runHooks(_ point: HookSet.Stage, context: StepContext) throws {
        guard let hooks = context.hooks, let directory else { return }
        let environment = ["SA_RUN_DIR": context.runDirectory ?? "", "SA_STEP_DIR": directory,
                           "SA_EPISODE": String(identity.episode), "SA_STEP": String(identity.step)]
        var logError: Error?
        _ = try hooks.run(stage: point, environment: environment, workingDirectory: directory) { outcome in
            do {
                try FileIO.appendLine(try JSONWriter.encode(outcome.value, pretty: false), to: directory + "/" + StepFiles.hooksLog)
            } catch {
                logError = error
            }
        }
        if let logError { throw logError }
    }

    private mutating func learn(in environment: Environment, context: inout StepContext) throws {
        let observed = try need(observation, "observation")
        let scored = try need(reward, "reward")
        guard let start = agent ?? context.fresh?.make(seed: seed) else {
            throw SimArenaError(.usage, "learn: no agent state to start from and no fresh agent")
        }
        if case .dqn = start, context.replay == nil {
            throw SimArenaError(.usage, "learn: a DQN agent needs its replay buffer (the run's replay journal)")
        }
        var transition: (observation: Observation, action: ActionReport)?
        if let previousObservation, let previousAction { transition = (previousObservation, previousAction) }
        let report = LearnStage.learn(agent: start, observation: observed, previous: transition, reward: scored,
                                      settings: environment.actions, replay: &context.replay, seed: seed)
        learning = report
        learned = StepRecord.Learning(loss: report.loss, epsilon: report.agent.epsilon)
        agent = report.agent
    }

    private mutating func act(in environment: Environment, context: StepContext) throws {
        if try need(reward, "reward").endsEpisode { return }
        let chooser: ActionChooser
        if let agent, context.chooser == nil {
            chooser = .agent(agent)
        } else {
            chooser = try need(context.chooser, "chooser")
        }
        var next = try need(trace, "trace")
        action = try environment.act(on: try need(observation, "observation"), trace: &next, chooser: chooser, seed: seed)
        nextTrace = next
    }
}
