import SimArenaModel
import SimArenaSimulation
import SimArenaRL

#if canImport(Glibc)
import Glibc
#endif

/// A run directory's own files and bookkeeping (docs/run-directory.md): creating a run,
/// planning the next step, and recording completed steps in `step.jsonl` and `summary.json`.
/// The files inside a step directory are ``StepFiles``'.
public enum RunDirectory {
    public static let configuration = "run.json"
    public static let steps = "step.jsonl"
    public static let summary = "summary.json"
    /// The next step to run, `ep0001/step0002` or `finished`, for `bin/step.sh` and `bin/train.sh`.
    public static let nextStep = "next-step"
    /// The tasks of every step, one a line, for `bin/step.sh` (``stageLines(_:)``).
    public static let stages = "stages.tsv"

    /// Creates `<root>/<agent>_<YYYYmmdd_HHMMSS>` (with `-2`, `-3`… if taken) and its checkpoint
    /// folder `<checkpoints>/<run>`, writes `run.json`, and points `<root>/step.jsonl` and
    /// `<root>/summary.json` at the new run. Returns its path.
    public static func create(root: String, checkpoints: String, configuration: RunConfiguration, startedAt time: time_t) throws -> String {
        try FileIO.createDirectories(root)
        var moment = time
        var parts = tm()
        localtime_r(&moment, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        strftime(&buffer, buffer.count, "%Y%m%d_%H%M%S", &parts)
        let stamp = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var name = "\(configuration.agent)_\(stamp)"
        var attempt = 1
        while mkdir(root + "/" + name, 0o755) != 0 {
            guard errno == EEXIST, attempt < 100 else {
                throw SimArenaError(.cannotCreate, "\(root)/\(name): cannot create: \(FileIO.describe(errno))")
            }
            attempt += 1
            name = "\(configuration.agent)_\(stamp)-\(attempt)"
        }
        let directory = root + "/" + name
        var configuration = configuration
        configuration.run = name
        configuration.checkpointFolder = checkpoints + "/" + name
        try FileIO.createDirectories(configuration.checkpointFolder)
        try Document.write(configuration.value, to: directory + "/" + Self.configuration)
        try Document.write(RunSummary(agent: configuration.agent).value, to: directory + "/" + summary)
        try writeStages(directory, configuration: configuration)
        try pointLatest(root: root, run: name)
        return directory
    }

    /// Makes `<root>/step.jsonl` and `<root>/summary.json` symlinks into `run`, replacing the
    /// old ones atomically.
    public static func pointLatest(root: String, run: String) throws {
        for file in [steps, summary] {
            let link = root + "/" + file
            let temporary = link + ".tmp.\(getpid())"
            unlink(temporary)
            guard symlink(run + "/" + file, temporary) == 0, rename(temporary, link) == 0 else {
                throw SimArenaError(.cannotCreate, "\(link): cannot point it at \(run): \(FileIO.describe(errno))")
            }
        }
    }

    /// The run's configuration (`run.json`); errors name the file.
    public static func configuration(of directory: String) throws -> RunConfiguration {
        let path = directory + "/" + Self.configuration
        guard FileIO.exists(path) else {
            throw SimArenaError(.noInput, "\(path): no such file; create the run with bin/train.sh or 'sa-run new' first")
        }
        return try Document.decode(path, RunConfiguration.init(document:))
    }

    /// The tasks of a step of this run, one a line for `bin/step.sh`: the task's name, the file
    /// whose presence means it is done (`-`: none), and the command that runs it on a step
    /// directory (given as a last argument after `--step-dir`), tab-separated.
    public static func stageLines(_ configuration: RunConfiguration) -> String {
        StepTask.sequence(learns: configuration.learns, hooks: configuration.hooks != nil).map { task in
            let command: [String]
            switch task {
            case .stage(let stage): command = stage == .record ? ["sa-run", "record"] : [stage.tool]
            case .hooks(let point): command = ["sa-run", "hook", "--stage", point.rawValue]
            }
            return ([task.description, StepFiles.output(of: task) ?? "-"] + command + ["--step-dir"]).joined(separator: "\t") + "\n"
        }.joined()
    }

    private static func writeStages(_ directory: String, configuration: RunConfiguration) throws {
        try FileIO.writeAtomically(Array(stageLines(configuration).utf8), to: directory + "/" + stages)
    }

    /// What the orchestrator does next.
    public enum Next: Sendable, Equatable {
        /// Run this step, starting from `trace` (the original trace's path as given, or the
        /// previous step's `next-trace.msgpack` inside the run directory); `previous` is the step
        /// before it (across episodes too, since a learning agent carries on from it).
        case step(StepFiles, seed: UInt64, trace: String, previous: StepFiles?)
        /// Every episode is done.
        case finished

        /// `ep0001/step0002` or `finished`, as the `next-step` file holds it.
        public var line: String {
            if case .step(let files, _, _, _) = self { return files.relativePath }
            return "finished"
        }
    }

    /// The step after the last one recorded in `step.jsonl`.
    public static func next(_ directory: String) throws -> Next {
        let configuration = try configuration(of: directory)
        guard let line = try FileIO.lastLine(of: directory + "/" + steps) else {
            return next(after: nil, endsEpisode: true, in: directory, configuration: configuration)
        }
        let last: RecordedStep
        do {
            last = try RecordedStep(line: try JSONReader.parse(line))
        } catch let error as SimArenaError where error.kind == .data {
            throw error.prefixed(directory + "/" + steps + ": last line")
        }
        return next(after: StepFiles(runDirectory: directory, episode: last.episode, step: last.step), endsEpisode: last.endsEpisode, in: directory,
                    configuration: configuration)
    }

    /// The step after `previous` (nil: the run's first), which ended its episode or not.
    public static func next(after previous: StepFiles?, endsEpisode: Bool, in directory: String, configuration: RunConfiguration) -> Next {
        guard let previous, !endsEpisode else {
            let episode = (previous?.episode ?? 0) + 1
            guard episode <= configuration.episodes else { return .finished }
            return .step(StepFiles(runDirectory: directory, episode: episode, step: 1), seed: configuration.seed(episode: episode, step: 1),
                         trace: configuration.trace(forEpisode: episode), previous: previous)
        }
        let files = StepFiles(runDirectory: directory, episode: previous.episode, step: previous.step + 1)
        return .step(files, seed: configuration.seed(episode: files.episode, step: files.step),
                     trace: previous.file(StepFiles.nextTrace), previous: previous)
    }

    /// Creates the step's directory and puts its `trace.msgpack` in place (a hard link to the
    /// previous step's `next-trace.msgpack`, or the original trace as MessagePack, whichever
    /// format it was given in) and a learning agent's `agent-in` state, unless they are there;
    /// then records the step in `next-step` (and writes `stages.tsv` if it is missing).
    public static func prepare(_ next: Next, in directory: String) throws {
        if case .step(let files, _, let trace, let previous) = next {
            try makeDirectory(files)
            let target = files.file(StepFiles.trace)
            if files.step > 1 {
                try place(trace, at: target)
            } else if !FileIO.exists(target) {
                try FileIO.writeAtomically(try messagePack(ofTrace: trace), to: target)
            }
            // A learning agent starts from the state the previous step ended with, or from the
            // run's --load checkpoint at the very first step.
            if let previous, let state = previous.agentFile {
                try place(state, at: files.file(StepFiles.agentIn(String(state.split(separator: ".").last!))))
            } else if previous == nil, let load = try configuration(of: directory).load {
                let agent = try LearningAgent.load(load)
                let target = files.file(StepFiles.agentIn(agent.fileExtension))
                if !FileIO.exists(target) { try FileIO.writeAtomically(try FileIO.read(load), to: target) }
                try ReplayJournal.start(directory + "/" + ReplayJournal.fileName, fromCheckpoint: load)
            }
        }
        if !FileIO.exists(directory + "/" + stages) { try writeStages(directory, configuration: try configuration(of: directory)) }
        try FileIO.writeAtomically(Array((next.line + "\n").utf8), to: directory + "/" + nextStep)
    }

    /// Creates the step's directory (and its episode's) unless they are there.
    public static func makeDirectory(_ files: StepFiles) throws {
        for folder in [files.runDirectory + "/" + String(files.relativePath.split(separator: "/")[0]), files.directory] {
            guard FileIO.isDirectory(folder) || mkdir(folder, 0o755) == 0 else {
                throw SimArenaError(.cannotCreate, "\(folder): cannot create: \(FileIO.describe(errno))")
            }
        }
    }

    /// A trace file's bytes as MessagePack: a MessagePack file as it is, a JSON one converted.
    public static func messagePack(ofTrace path: String) throws -> [UInt8] {
        let bytes = try FileIO.read(path)
        if (DataFormat(path: path) ?? DataFormat.sniff(bytes)) == .msgpack { return bytes }
        return try DataFormat.msgpack.encode(try Trace.load(path).document)
    }

    /// Hard-links `source` at `target` unless something is there, else copies it atomically.
    private static func place(_ source: String, at target: String) throws {
        guard !FileIO.exists(target) else { return }
        if link(source, target) == 0 { return }
        try FileIO.writeAtomically(try FileIO.read(source), to: target)
    }

    /// Counts `record` in `summary` and saves it as `summary.json`, then appends the record to
    /// `step.jsonl` unless ``recorded(episode:step:in:)`` found it there already (`standing`).
    /// Safe to repeat after a crash at any point.
    public static func append(_ record: StepRecord, to directory: String, summary: inout RunSummary, standing: Recorded?) throws {
        // The summary first: `next` trusts the last line of step.jsonl, so that line must only
        // appear once everything it stands for is saved. Both updates skip a step already counted.
        summary.add(record.recorded)
        try Document.write(summary.value, to: directory + "/" + Self.summary)
        if standing == nil {
            try FileIO.appendLine(try record.line(), to: directory + "/" + steps)
        }
    }

    /// Whether step.jsonl already holds the step: `.last` when it is its last line, `.earlier`
    /// when a later step follows it, nil when it is not there.
    public static func recorded(episode: Int, step: Int, in directory: String) throws -> Recorded? {
        guard let line = try FileIO.lastLine(of: directory + "/" + steps) else { return nil }
        let last = try RecordedStep(line: try JSONReader.parse(line))
        if (last.episode, last.step) == (episode, step) { return .last }
        return (last.episode, last.step) > (episode, step) ? .earlier : nil
    }

    /// Where a step stands in step.jsonl.
    public enum Recorded: Sendable {
        case last, earlier
    }
}
