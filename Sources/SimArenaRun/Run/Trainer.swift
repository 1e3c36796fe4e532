import SimArenaModel
import SimArenaSimulation
import SimArenaRL

#if canImport(Glibc)
import Glibc
#endif

/// Runs a run directory's remaining steps in one process (`sa-train`, `bin/train.sh --fast`):
/// the same tasks of the same step function as `bin/step.sh` (``StepTask/sequence(learns:hooks:)``,
/// ``StepState``), and the same `step.jsonl`, `summary.json` and checkpoints, byte for byte.
///
/// With `keep_steps` each step runs through ``StepDirectoryDriver`` as the stage executables
/// do, writing every step file. Without it the values stay in memory:
/// - preflight runs once per original trace (the run directory and lock with it), not per step;
/// - records reach the disk every ``flushInterval`` seconds (``PendingSteps``), with what the next
///   step needs in `fast-carry-0|1.json` (+ `.msgpack`, `.agent`), so a killed run resumes exactly;
/// - checkpoints are saved at most every second, besides every interval and at the end;
/// - with hooks, each step gets its directory, where the hooks run and log (`hooks.jsonl`), and
///   its record is written before the `post_stop` hooks.
public struct Trainer {
    public static let carryFormat = "simarena.fast-carry/v2"

    /// What a step leaves for the next one.
    struct Carry {
        var episode: Int
        var step: Int
        var observation: Observation?
        var action: ActionReport?
        var nextTrace: Trace?
        var agent: LearningAgent?
        /// The carry file slot it was last written to (or would have been).
        var slot = 0
    }

    let directory: String
    let configuration: RunConfiguration
    let environment: Environment
    let tasks: [StepTask]
    let pid: Int32
    let output: (String) -> Void
    var context: StepContext
    var summary: RunSummary
    var carry: Carry?
    var pending = PendingSteps()
    var end: EpisodeEnd
    var epsilon: Double?
    /// The original traces, each checked by preflight when first used.
    var originals: [String: Trace] = [:]
    /// The plots' rows: each trace's latest first observation (from this process's steps).
    var plotRows: [String: PlotData.Row] = [:]
    var journal: String { directory + "/" + ReplayJournal.fileName }

    /// Runs the remaining steps of the run in `directory`, simulating on `backend`, as process
    /// `pid` (which takes the run's lock). `output` gets the progress lines; `interrupted` is
    /// asked after every step and returns 0, or the exit status to stop with (130, 143).
    /// Returns the exit status: 0 when the run is finished.
    public static func run(directory: String, backend: Result<any ClusterBackend, any Error>, pid: Int32,
                           output: @escaping (String) -> Void, interrupted: () -> Int32) throws -> Int32 {
        let configuration = try RunDirectory.configuration(of: directory)
        let lock = try RunLock.openForHolding(directory)
        defer { close(lock) }
        if let note = try RunLock.acquire(directory, pid: pid, holding: lock) { output(note) }
        defer { RunLock.release(directory, pid: pid) }
        var trainer = try Trainer(directory: directory, configuration: configuration, backend: backend, pid: pid, output: output)
        let status = configuration.keepSteps ? try trainer.runOnFiles(backend: backend, interrupted: interrupted)
                                             : try trainer.runInMemory(interrupted: interrupted)
        if status == 0 { output("done: \(directory)/\(RunDirectory.summary)") }
        return status
    }

    init(directory: String, configuration: RunConfiguration, backend: Result<any ClusterBackend, any Error>, pid: Int32,
         output: @escaping (String) -> Void) throws {
        self.directory = directory
        self.configuration = configuration
        self.pid = pid
        self.output = output
        environment = Environment(configuration: configuration, backend: backend)
        tasks = StepTask.sequence(learns: configuration.learns, hooks: configuration.hooks != nil)
        context = try StepContext(configuration: configuration, runDirectory: directory, pid: pid, tasks: tasks)
        summary = try RunSummary.consistent(runDirectory: directory, agent: configuration.agent)
        end = EpisodeEnd(configuration: configuration, checkpointGap: 1)
    }

    /// `--keep-steps`: every task of every step on its step directory's files.
    mutating func runOnFiles(backend: Result<any ClusterBackend, any Error>, interrupted: () -> Int32) throws -> Int32 {
        var plan = try RunDirectory.next(directory)
        try RunDirectory.prepare(plan, in: directory)
        while case .step(let files, _, _, _) = plan {
            var driver = try StepDirectoryDriver(files: files, configuration: configuration, backend: backend, pid: pid, tasks: tasks)
            for task in tasks { try driver.run(task, output: output) }
            plan = RunDirectory.next(after: files, endsEpisode: driver.state.endsEpisode, in: directory, configuration: configuration)
            let stop = interrupted()
            if stop != 0 { return stopped(stop) }
        }
        return 0
    }

    private func stopped(_ status: Int32) -> Int32 {
        output("interrupted: stopped cleanly after the last complete step; continue with: bin/train.sh --resume \(configuration.run)")
        return status
    }
}
