import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// Runs a step's tasks on the files of its step directory: what each stage executable does for
/// one task (`bin/step.sh`), and the in-process trainer for every task with `--keep-steps`.
/// A task whose output file is there is skipped, so a step stopped or killed midway continues
/// where it left off; every file is written atomically.
public struct StepDirectoryDriver {
    public let files: StepFiles
    public let configuration: RunConfiguration
    public var environment: Environment
    public var context: StepContext
    public var state: StepState

    /// The driver of step `files` of a run configured as `configuration`, for `tasks`;
    /// `backend` makes the simulation backend (for preflight and simulate), `pid` holds the lock.
    public init(files: StepFiles, configuration: RunConfiguration, backend: Result<any ClusterBackend, any Error>?,
                pid: Int32?, tasks: [StepTask]) throws {
        self.files = files
        self.configuration = configuration
        environment = Environment(configuration: configuration, backend: backend)
        context = try StepContext(configuration: configuration, runDirectory: files.runDirectory, pid: pid, tasks: tasks)
        state = files.state(run: configuration)
    }

    /// Runs `task` (unless `skipDone` and its output is already there); `output` gets the
    /// progress line of an episode the record ends. A failed preflight is saved, then thrown.
    public mutating func run(_ task: StepTask, skipDone: Bool = true, output: (String) -> Void) throws {
        if skipDone, files.isDone(task) { return }
        try files.load(task, into: &state)
        if task == .stage(.learn) { try context.prepareLearning(&state) }
        try state.perform(task, in: environment, context: &context)
        try files.save(task, from: state, replay: context.replay)
        if let failure = state.preflight?.failure, task == .stage(.preflight) {
            throw SimArenaError(.temporary, "preflight failed: \(failure)")
        }
        if task == .stage(.record) { try recordStep(output: output) }
    }

    /// Appends the record, marks the step complete, prepares the next step and, when the step
    /// ended an episode, does what follows an episode. A step recorded before the run's last one
    /// (a record rerun by hand) changes nothing.
    private mutating func recordStep(output: (String) -> Void) throws {
        guard let record = state.record else { return }
        let directory = files.runDirectory
        let standing = try RunDirectory.recorded(episode: files.episode, step: files.step, in: directory)
        if standing == .earlier { return }
        var summary = try RunSummary.consistent(runDirectory: directory, agent: configuration.agent)
        try RunDirectory.append(record, to: directory, summary: &summary, standing: standing)
        try FileIO.writeAtomically([], to: files.file(StepFiles.complete))
        let next = RunDirectory.next(after: files, endsEpisode: state.endsEpisode, in: directory, configuration: configuration)
        try RunDirectory.prepare(next, in: directory)
        guard state.endsEpisode else { return }
        let agent = try files.agentFile.map(LearningAgent.load)
        let journal = directory + "/" + ReplayJournal.fileName
        func replay() throws -> ReplayBuffer? {
            guard case .dqn(let dqn) = agent else { return nil }
            return try ReplayBuffer.fromJournal(journal, capacity: dqn.settings.bufferSize, total: dqn.steps)
        }
        var end = EpisodeEnd(configuration: configuration, checkpointGap: 0)
        let first = StepFiles(runDirectory: directory, episode: files.episode, step: 1).file(StepFiles.trace)
        try end.finished(summary: summary, agent: agent, replay: replay,
                         rows: { PlotRows.fromStepDirectories(directory, configuration: configuration, lastEpisode: files.episode) },
                         epsilon: state.learned?.epsilon, seconds: RunPlots.secondsSinceModified(first), final: next == .finished,
                         output: output)
        if next == .finished { try end.saveCopy(summary: summary, agent: agent, replay: try replay()) }
    }
}
