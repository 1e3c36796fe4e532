import SimArenaModel
import SimArenaSimulation
import SimArenaRL

extension Trainer {
    /// Without `--keep-steps`: the steps' values stay in memory (see ``Trainer``).
    mutating func runInMemory(interrupted: () -> Int32) throws -> Int32 {
        var plan = try RunDirectory.next(directory)
        carry = try loadCarry(plan: plan)
        var currentEpisode = 0
        var episodeStart = Stopwatch.now()
        do {
            while true {
                let episode: Int
                if case .step(let files, _, _, _) = plan { episode = files.episode } else { episode = -1 }
                if episode != currentEpisode {
                    if currentEpisode != 0 { try finishEpisode(final: episode == -1, seconds: Stopwatch.now() - episodeStart) }
                    currentEpisode = episode
                    episodeStart = Stopwatch.now()
                }
                guard case .step(let files, let seed, let traceFrom, let previous) = plan else { break }
                let state = try runStep(files, seed: seed, traceFrom: traceFrom, previous: previous)
                plan = RunDirectory.next(after: files, endsEpisode: state.endsEpisode, in: directory, configuration: configuration)
                let stop = interrupted()
                if stop != 0 {
                    try flush()
                    try end.saveHeldBack()
                    output("interrupted: stopped cleanly after the last complete step; continue with: bin/train.sh --resume \(configuration.run)")
                    return stop
                }
            }
        } catch {
            // The steps recorded before the failure are sound: keep them.
            try? flush()
            throw error
        }
        try flush()
        try end.saveCopy(summary: summary, agent: carry?.agent, replay: context.replay)
        return 0
    }

    private mutating func flush() throws {
        try pending.flush(carry: &carry, summary: summary, directory: directory, journal: journal)
    }

    /// Runs one step's tasks on values in memory and records it.
    private mutating func runStep(_ files: StepFiles, seed: UInt64, traceFrom: String, previous: StepFiles?) throws -> StepState {
        var state = StepState(identity: StepIdentity(run: configuration.run, episode: files.episode, step: files.step), seed: seed,
                              trace: nil, traceName: traceFrom)
        if files.step == 1 {
            state.trace = try original(traceFrom)
        } else {
            guard let next = carry?.nextTrace else {
                throw SimArenaError(.noInput, "\(traceFrom): the trace of step \(files.step) of episode \(files.episode) is missing")
            }
            state.trace = next
            state.previousObservation = carry?.observation
            state.previousAction = carry?.action
        }
        if configuration.learns { try startAgent(&state, previous: previous) }
        if context.hooks != nil {
            // The hooks run in the step's directory, with the step's trace there to look at.
            try RunDirectory.makeDirectory(files)
            try state.trace?.write(to: files.file(StepFiles.trace))
            state.directory = files.directory
        }
        for task in tasks where task != .stage(.preflight) {
            if task == .stage(.learn) { try context.prepareLearning(&state) }
            try state.perform(task, in: environment, context: &context)
            if task == .stage(.learn), let report = state.learning, report.updated, case .dqn = report.agent, let replay = context.replay {
                pending.add(replay[replay.count - 1], number: replay.total - 1)
            }
            if task == .stage(.record) { try record(state, traceFrom: traceFrom) }
        }
        return state
    }

    /// The agent a learning step starts from: the one the step before left, or the run's
    /// `--load` checkpoint at its very first step (nil: a fresh one).
    private mutating func startAgent(_ state: inout StepState, previous: StepFiles?) throws {
        if previous != nil {
            state.agent = carry?.agent
        } else if let load = configuration.load {
            state.agent = try LearningAgent.load(load)
            try ReplayJournal.start(journal, fromCheckpoint: load)
        }
    }

    /// The original trace at `path`, checked by preflight (with the run directory and its lock)
    /// when first used.
    private mutating func original(_ path: String) throws -> Trace {
        if let trace = originals[path] { return trace }
        var check = StepState(identity: StepIdentity(run: configuration.run, episode: 0, step: 0), seed: 0, trace: nil, traceName: path)
        try check.perform(.stage(.preflight), in: environment, context: &context)
        if let failure = check.preflight?.failure { throw SimArenaError(.temporary, "preflight failed: \(failure)") }
        let trace = try Trace.load(path)
        originals[path] = trace
        return trace
    }

    /// Counts the step's record and keeps what the next step needs; writes them when due (every
    /// step when hooks run, so that `post_stop` hooks find the record).
    private mutating func record(_ state: StepState, traceFrom: String) throws {
        guard let record = state.record, let observation = state.observation else { return }
        carry = Carry(episode: state.identity.episode, step: state.identity.step, observation: observation, action: state.action,
                      nextTrace: state.endsEpisode ? nil : state.nextTrace, agent: state.agent, slot: carry?.slot ?? 1)
        if let learned = state.learned { epsilon = learned.epsilon }
        summary.add(record.recorded)
        pending.lines.append(try record.line())
        if state.identity.step == 1, configuration.plotScript != nil {
            plotRows[traceFrom] = PlotData.Row(label: PlotRows.label(tracePath: traceFrom, trace: originals[traceFrom]), observation: observation)
        }
        if pending.isDue || context.hooks != nil { try flush() }
    }

    private mutating func finishEpisode(final: Bool, seconds: Double) throws {
        let replay = context.replay
        let rows = plotRows.sorted { $0.key < $1.key }.map(\.value)
        try end.finished(summary: summary, agent: carry?.agent, replay: { replay }, rows: { rows }, epsilon: epsilon, seconds: seconds,
                         final: final, output: output)
    }
}
