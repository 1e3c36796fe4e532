import ArgumentParser
import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

/// `--step-dir`: run a stage on a step directory of a run, as `bin/step.sh` does, with the
/// run's settings (`run.json`) and the directory's files; the stage's other setting flags
/// override single settings.
public struct StepDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("step-dir"), help: ArgumentHelp(
        "A step directory (runs/<run>/epNNNN/stepNNNN): read the run's settings and the step's files, write the stage's output there.",
        valueName: "dir"))
    public var stepDirectory: String?

    public init() {}

    /// Refuses `flags` (names of file flags given) in step-directory mode, where the files come
    /// from the directory.
    public func refuse(fileFlags given: [(String, Bool)]) throws {
        guard stepDirectory != nil else { return }
        if let flag = given.first(where: \.1)?.0 {
            throw ValidationError("\(flag) goes without --step-dir (the step directory holds the stage's files)")
        }
    }

    /// Runs `task` on the step directory: loads `run.json`, lets `override` change settings,
    /// and prints what the task reports (an episode's progress line) on standard output.
    public func run(_ task: StepTask, pid: Int32? = nil, backend: ((RunConfiguration) -> Result<any ClusterBackend, any Error>)? = nil,
                    override: (inout RunConfiguration) throws -> Void = { _ in }) throws {
        guard let stepDirectory else { return }
        let files = try StepFiles(directory: stepDirectory)
        var configuration = try RunDirectory.configuration(of: files.runDirectory)
        try override(&configuration)
        var driver = try StepDirectoryDriver(files: files, configuration: configuration, backend: backend?(configuration), pid: pid,
                                             tasks: [task])
        try driver.run(task, skipDone: false) { print($0) }
    }
}
