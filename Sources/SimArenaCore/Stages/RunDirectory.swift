#if canImport(Glibc)
import Glibc
#endif

/// A run directory's layout and bookkeeping (docs/run-directory.md): creating a run, planning
/// the next step, and recording completed steps in `step.jsonl` and `summary.json`.
public enum RunDirectory {
    /// `ep0001/step0001`.
    public static func stepPath(episode: Int, step: Int) -> String {
        "ep\(padded(episode))/step\(padded(step))"
    }

    private static func padded(_ number: Int) -> String {
        let text = String(number)
        return text.count >= 4 ? text : String(repeating: "0", count: 4 - text.count) + text
    }

    /// Creates `<root>/<agent>_<YYYYmmdd_HHMMSS>` (with `-2`, `-3`… if taken), writes `run.json`,
    /// and points `<root>/step.jsonl` and `<root>/summary.json` at the new run. Returns its path.
    public static func create(root: String, settings: RunSettings, startedAt time: time_t) throws -> String {
        if let load = settings.load {
            let agent = try LearningAgent.load(load)
            guard agent.name == settings.agent else {
                throw SimArenaError(.usage, "--load \(load): a checkpoint of the \(agent.name) agent, not of \(settings.agent)")
            }
        }
        try FileIO.createDirectories(root)
        var moment = time
        var parts = tm()
        localtime_r(&moment, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        strftime(&buffer, buffer.count, "%Y%m%d_%H%M%S", &parts)
        let stamp = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var name = "\(settings.agent)_\(stamp)"
        var attempt = 1
        while mkdir(root + "/" + name, 0o755) != 0 {
            guard errno == EEXIST, attempt < 100 else {
                throw SimArenaError(.cannotCreate, "\(root)/\(name): cannot create: \(FileIO.describe(errno))")
            }
            attempt += 1
            name = "\(settings.agent)_\(stamp)-\(attempt)"
        }
        let directory = root + "/" + name
        var settings = settings
        settings.run = name
        try Document.write(settings.value, to: directory + "/run.json")
        try Document.write(RunSummary(agent: settings.agent).value, to: directory + "/summary.json")
        try pointLatest(root: root, run: name)
        return directory
    }

    /// Makes `<root>/step.jsonl` and `<root>/summary.json` symlinks into `run`, replacing the
    /// old ones atomically.
    public static func pointLatest(root: String, run: String) throws {
        for file in ["step.jsonl", "summary.json"] {
            let link = root + "/" + file
            let temporary = link + ".tmp.\(getpid())"
            unlink(temporary)
            guard symlink(run + "/" + file, temporary) == 0, rename(temporary, link) == 0 else {
                throw SimArenaError(.cannotCreate, "\(link): cannot point it at \(run): \(FileIO.describe(errno))")
            }
        }
    }

    /// What the orchestrator does next.
    public enum Next: Sendable, Equatable {
        /// Run this step: its directory (relative to the run directory), its seed, and the trace
        /// to copy in as its `trace.msgpack` (the original trace's path as given, or the previous
        /// step's `next-trace.msgpack` inside the run directory), and the step before it, if any
        /// (relative; across episodes too, since a learning agent carries on from it).
        case step(episode: Int, step: Int, seed: UInt64, directory: String, trace: String, previous: String?)
        /// Every episode is done.
        case finished
    }

    public static func settings(of directory: String) throws -> RunSettings {
        try RunSettings(document: try Document.read(directory + "/run.json"))
    }

    /// The step after the last one recorded in `step.jsonl`.
    public static func next(_ directory: String) throws -> Next {
        let settings = try settings(of: directory)
        func start(_ episode: Int, after previous: String?) -> Next {
            guard episode <= settings.episodes else { return .finished }
            return .step(episode: episode, step: 1, seed: settings.seed(episode: episode, step: 1),
                         directory: stepPath(episode: episode, step: 1), trace: settings.trace(forEpisode: episode),
                         previous: previous)
        }
        guard let line = try FileIO.lastLine(of: directory + "/step.jsonl") else { return start(1, after: nil) }
        let last = try JSONReader.parse(line)
        let episode = Int(try last["episode"]?.requireInt64(at: "step.jsonl episode") ?? 0)
        let step = Int(try last["step"]?.requireInt64(at: "step.jsonl step") ?? 0)
        let previous = stepPath(episode: episode, step: step)
        if last["terminated"]?.boolValue == true || last["truncated"]?.boolValue == true {
            return start(episode + 1, after: previous)
        }
        return .step(episode: episode, step: step + 1, seed: settings.seed(episode: episode, step: step + 1),
                     directory: stepPath(episode: episode, step: step + 1),
                     trace: directory + "/" + previous + "/next-trace.msgpack", previous: previous)
    }

    /// Creates the step's directory and puts its `trace.msgpack` in place (a hard link to the
    /// previous step's `next-trace.msgpack`, or an atomic copy of the original trace), unless
    /// they are already there.
    public static func prepare(_ next: Next, in directory: String) throws {
        guard case .step(_, _, _, let path, let trace, let previous) = next else { return }
        for folder in [directory + "/" + String(path.split(separator: "/")[0]), directory + "/" + path] {
            guard FileIO.isDirectory(folder) || mkdir(folder, 0o755) == 0 else {
                throw SimArenaError(.cannotCreate, "\(folder): cannot create: \(FileIO.describe(errno))")
            }
        }
        try place(trace, at: directory + "/" + path + "/trace.msgpack", linking: trace.hasPrefix(directory + "/"))
        // A learning agent starts the step from the state the previous step ended with, or from
        // the run's --load checkpoint at the very first step.
        // Its file is `agent-in.json` (tabular) or `agent-in.safetensors` (DQN).
        let stepDirectory = directory + "/" + path
        if let previous, let state = RunCheckpoints.agentFile(inStep: directory + "/" + previous) {
            try place(state, at: stepDirectory + "/agent-in." + state.split(separator: ".").last!, linking: true)
        } else if previous == nil, let load = try settings(of: directory).load {
            let agent = try LearningAgent.load(load)
            try place(load, at: stepDirectory + "/agent-in." + agent.fileExtension, linking: false)
            try ReplayJournal.start(directory + "/" + ReplayJournal.fileName, fromCheckpoint: load)
        }
    }

    /// Puts `source` at `target` unless something is there: a hard link when asked (and
    /// possible), else an atomic copy.
    private static func place(_ source: String, at target: String, linking: Bool) throws {
        guard !FileIO.exists(target) else { return }
        if linking, link(source, target) == 0 { return }
        try FileIO.writeAtomically(try FileIO.read(source), to: target)
    }

    /// The next step's plan as the orchestrator reads it: tab-separated episode, step, seed,
    /// directory and trace, or `finished`.
    public static func planLine(_ next: Next) -> String {
        switch next {
        case .finished: return "finished"
        case .step(let episode, let step, let seed, let directory, let trace, _): return "\(episode)\t\(step)\t\(seed)\t\(directory)\t\(trace)"
        }
    }

    /// Updates `summary.json`, appends the step's record (unless it is already the last line),
    /// and marks the step `complete`. Safe to repeat after a crash at any point.
    @discardableResult
    public static func record(_ directory: String, episode: Int, step: Int, durationSeconds: Double) throws -> StepRecord {
        let settings = try settings(of: directory)
        let record = try StepRecord(run: settings, runDirectory: directory, episode: episode, step: step,
                                    durationSeconds: durationSeconds)
        let summaryPath = directory + "/summary.json"
        var summary = FileIO.exists(summaryPath)
            ? try RunSummary(document: try Document.read(summaryPath)) : RunSummary(agent: settings.agent)
        try append(record, to: directory, summary: &summary)
        try FileIO.writeAtomically([], to: directory + "/" + stepPath(episode: episode, step: step) + "/complete")
        return record
    }

    /// Counts `record` in `summary` and saves it as `summary.json`, then appends the record to
    /// `step.jsonl` unless it is already the last line. Safe to repeat after a crash at any point.
    public static func append(_ record: StepRecord, to directory: String, summary: inout RunSummary) throws {
        // The summary first: `next` trusts the last line of step.jsonl, so that line must only
        // appear once everything it stands for is saved. Both updates skip a step already counted.
        summary.add(record)
        try Document.write(summary.value, to: directory + "/summary.json")
        let log = directory + "/step.jsonl"
        let last = try FileIO.lastLine(of: log).map { try JSONReader.parse($0) }
        let alreadyThere = last?["episode"]?.int64Value == Int64(record.episode) && last?["step"]?.int64Value == Int64(record.step)
        if !alreadyThere { try FileIO.appendLine(try record.line(), to: log) }
    }
}
