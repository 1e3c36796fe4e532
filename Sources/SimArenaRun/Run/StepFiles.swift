import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// The files of a step directory (`runs/<run>/epNNNN/stepNNNN/`, docs/run-directory.md): the
/// only place that knows their names, which task writes each, and what each task reads.
public struct StepFiles: Sendable, Hashable {
    public static let trace = "trace.msgpack"
    public static let preflight = "preflight.json"
    public static let simulation = "simulation.json"
    public static let observation = "observation.json"
    public static let reward = "reward.json"
    public static let learn = "learn.json"
    public static let action = "action.json"
    public static let nextTrace = "next-trace.msgpack"
    public static let complete = "complete"
    public static let hooksLog = "hooks.jsonl"

    /// `agent-in.<ext>`: the learning agent's state the step starts from.
    public static func agentIn(_ ext: String) -> String { "agent-in." + ext }
    /// `agent.<ext>`: the state the learn stage leaves.
    public static func agent(_ ext: String) -> String { "agent." + ext }

    public var runDirectory: String
    public var episode: Int
    public var step: Int

    public init(runDirectory: String, episode: Int, step: Int) {
        self.runDirectory = runDirectory
        self.episode = episode
        self.step = step
    }

    /// The step whose directory is `path` (`…/<run>/epNNNN/stepNNNN`).
    public init(directory path: String) throws {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        while parts.count > 1, parts.last == "" || parts.last == "." { parts.removeLast() }
        guard parts.count >= 3, let step = Self.number(parts[parts.count - 1], prefix: "step"),
              let episode = Self.number(parts[parts.count - 2], prefix: "ep") else {
            throw SimArenaError(.usage, "\(path): not a step directory (…/<run>/epNNNN/stepNNNN)")
        }
        let run = parts.dropLast(2).joined(separator: "/")
        self.init(runDirectory: run.isEmpty ? "/" : run, episode: episode, step: step)
    }

    private static func number(_ name: String, prefix: String) -> Int? {
        guard name.hasPrefix(prefix), name.count > prefix.count else { return nil }
        return Int(name.dropFirst(prefix.count)).flatMap { $0 >= 1 ? $0 : nil }
    }

    /// `ep0001/step0001`, relative to the run directory.
    public static func relativePath(episode: Int, step: Int) -> String {
        "ep\(padded(episode))/step\(padded(step))"
    }

    private static func padded(_ number: Int) -> String {
        let text = String(number)
        return text.count >= 4 ? text : String(repeating: "0", count: 4 - text.count) + text
    }

    public var relativePath: String { Self.relativePath(episode: episode, step: step) }
    public var directory: String { runDirectory + "/" + relativePath }

    /// The path of `name` in the step directory.
    public func file(_ name: String) -> String { directory + "/" + name }

    /// The step before, in the same episode.
    public var previous: StepFiles? {
        step > 1 ? StepFiles(runDirectory: runDirectory, episode: episode, step: step - 1) : nil
    }

    /// The agent state file the step holds (`agent.<ext>`), if any.
    public var agentFile: String? {
        LearningAgent.names.map { file(Self.agent(LearningAgent.fileExtension(agent: $0))) }.first(where: FileIO.exists)
    }

    /// The agent state the step starts from (`agent-in.<ext>`), if any.
    public var agentInFile: String? {
        LearningAgent.names.map { file(Self.agentIn(LearningAgent.fileExtension(agent: $0))) }.first(where: FileIO.exists)
    }

    /// The file whose presence means `task` is done, so that a step stopped or killed midway
    /// continues where it left off; nil for a task that runs whenever it is reached. The hooks
    /// before the simulation count as done once it is, those after it once the observation is.
    public static func output(of task: StepTask) -> String? {
        switch task {
        case .stage(.preflight): return preflight
        case .hooks(.preStart), .hooks(.preRun), .stage(.simulate): return simulation
        case .hooks(.postRun), .stage(.observe): return observation
        case .stage(.reward): return reward
        case .stage(.learn): return learn
        case .stage(.act): return action
        case .stage(.record): return complete
        case .hooks(.postStop): return nil
        }
    }

    /// Whether `task` has already been done in this directory.
    public func isDone(_ task: StepTask) -> Bool {
        Self.output(of: task).map { FileIO.exists(file($0)) } ?? false
    }

    /// A fresh state for this step, before any file is read.
    public func state(run configuration: RunConfiguration) -> StepState {
        var state = StepState(identity: StepIdentity(run: configuration.run, episode: episode, step: step),
                              seed: configuration.seed(episode: episode, step: step), trace: nil, traceName: file(Self.trace))
        state.directory = directory
        return state
    }

    /// Reads into `state` what `task` needs and `state` does not hold yet.
    public func load(_ task: StepTask, into state: inout StepState) throws {
        func observation() throws {
            if state.observation == nil { state.observation = try Document.decode(file(Self.observation), Observation.init(document:)) }
        }
        func reward() throws {
            if state.reward == nil { state.reward = try Document.decode(file(Self.reward), RewardReport.init(document:)) }
        }
        func trace() throws {
            if state.trace == nil { state.trace = try Trace.load(file(Self.trace)) }
        }
        func previousAction() throws {
            if state.previousAction == nil, let previous {
                state.previousAction = try Document.decode(previous.file(Self.action), ActionReport.init(document:))
            }
        }
        switch task {
        case .stage(.preflight), .hooks: break
        case .stage(.simulate): try trace()
        case .stage(.observe):
            try trace()
            try previousAction()
            if state.simulation == nil { state.simulation = SimulationDocument(try Document.read(file(Self.simulation))) }
        case .stage(.reward):
            try observation()
            try previousAction()
        case .stage(.learn):
            try observation()
            try reward()
            try previousAction()
            if state.previousObservation == nil, let previous {
                state.previousObservation = try Document.decode(previous.file(Self.observation), Observation.init(document:))
            }
            if state.agent == nil, let path = agentInFile { state.agent = try LearningAgent.load(path) }
        case .stage(.act):
            try observation()
            try reward()
            try trace()
            if state.agent == nil, let path = agentFile { state.agent = try LearningAgent.load(path) }
        case .stage(.record):
            try observation()
            try reward()
            if state.action == nil, !state.endsEpisode {
                state.action = try Document.decode(file(Self.action), ActionReport.init(document:))
            }
            if state.learned == nil, FileIO.exists(file(Self.learn)) {
                let report = try Document.read(file(Self.learn))
                state.learned = StepRecord.Learning(loss: report["loss"]?.doubleValue, epsilon: report["epsilon"]?.doubleValue ?? 0)
            }
        }
    }

    /// Writes what `task` produced into the step directory, atomically; `replay` is the DQN
    /// agent's buffer after learning, whose new transition goes to the run's journal first.
    public func save(_ task: StepTask, from state: StepState, replay: ReplayBuffer?) throws {
        switch task {
        case .stage(.preflight): try state.preflight.map { try Document.write($0.value, to: file(Self.preflight)) }
        case .hooks, .stage(.record): break
        case .stage(.simulate): try state.simulation?.write(to: file(Self.simulation))
        case .stage(.observe): try state.observation.map { try Document.write($0.value, to: file(Self.observation)) }
        case .stage(.reward): try state.reward.map { try Document.write($0.value, to: file(Self.reward)) }
        case .stage(.learn):
            guard let report = state.learning else { return }
            try LearnStage.save(report, replay: replay, journal: runDirectory + "/" + ReplayJournal.fileName,
                                state: file(Self.agent(report.agent.fileExtension)), out: file(Self.learn))
        case .stage(.act):
            guard let action = state.action, let next = state.nextTrace else { return }
            try next.write(to: file(Self.nextTrace))
            try Document.write(action.value, to: file(Self.action))
        }
    }
}
