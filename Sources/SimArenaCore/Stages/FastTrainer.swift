/// `sa-train` (`bin/train.sh --fast`): the loop of `bin/train.sh` and `bin/step.sh` in one
/// process. Each step runs the same stage functions on values kept in memory (the trace in
/// force, the previous observation and action, the agent state) and records the same
/// `step.jsonl` line, `summary.json` and checkpoints as the shell path, byte for byte.
///
/// Differences from the shell path:
/// - Preflight runs once per original trace file (and the run directory and lock once), not per
///   step: the traces of later steps are the actions' edits, made in memory. With `keepSteps`
///   every step also gets the shell path's per-step preflight on its written `trace.msgpack`.
/// - Step directories are only written with `keepSteps` (then with the shell path's files,
///   except `commands.sh` and `timings.jsonl`, which are not written). Without it, what the next
///   step needs is saved in `fast-carry-0.json`/`fast-carry-1.json` (and `.msgpack` for the next
///   trace) in the run directory, alternately, so a killed run resumes (`--resume`) exactly.
public enum FastTrainer {
    public static let carryFormat = "simarena.fast-carry/v2"

    /// Who chooses actions.
    public enum Chooser: Sendable {
        case policy(HandCodedPolicy)
        case command(String, timeout: Double)
        /// A learning agent; `fresh` makes the agent a run starts with when it has no `--load`.
        case learning(fresh: FreshAgent)
        /// A trained agent that acts (as it is, so usually ``LearningAgent/withoutExploration``)
        /// but does not learn: an evaluation.
        case trained(LearningAgent)
    }

    public struct Options: Sendable {
        public var runDirectory: String
        public var workload: String
        public var namespace: String?
        public var target: Int64?
        public var durationSeconds: Double = 90
        public var reward: RewardFunction = .shaped
        public var goal: EpisodeGoal?
        /// Most actions per episode (`--steps`).
        public var maxActions: Int = 200
        public var allowedActions: Int = 4
        public var chooser: Chooser
        public var clusterPath: String?
        public var actionSettings = ActionSettings()
        /// The run's checkpoint folder (`checkpoints/<run>`), for learning agents.
        public var checkpointFolder: String?
        public var checkpointInterval: Int = 10
        public var save: String?
        public var keepSteps = false
        /// The plotting job (`jobs/plot.sh`) to render the checkpoint folder's plots after each
        /// episode; nil for none.
        public var plotScript: String?
        /// The process holding the run's lock.
        public var pid: Int32

        public init(runDirectory: String, workload: String, chooser: Chooser, pid: Int32) {
            self.runDirectory = runDirectory
            self.workload = workload
            self.chooser = chooser
            self.pid = pid
        }
    }

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

    /// Runs the run's remaining steps. `output` gets the progress lines; `interrupted` is asked
    /// after every step and returns 0, or the exit status to stop with (130, 143). Returns the
    /// exit status: 0 when the run is finished.
    public static func run(_ options: Options, output: (String) -> Void, interrupted: () -> Int32) throws -> Int32 {
        let directory = options.runDirectory
        let settings = try RunDirectory.settings(of: directory)
        if let note = try RunLock.acquire(directory, pid: options.pid) { output(note) }
        defer { RunLock.release(directory, pid: options.pid) }
        let cluster = try options.clusterPath.map(ClusterSpec.load) ?? .demo
        var summary = try RunSummary.consistent(runDirectory: directory, agent: settings.agent)
        let learning: Bool
        if case .learning = options.chooser { learning = true } else { learning = false }
        let journal = directory + "/" + ReplayJournal.fileName

        // Preflight, once per original trace (the run directory and its lock with it).
        var originals: [String: Trace] = [:]
        func original(_ path: String) throws -> Trace {
            if let trace = originals[path] { return trace }
            if !options.keepSteps {
                let verdict = PreflightVerdict(tracePath: path, workload: options.workload, namespace: options.namespace,
                                               clusterPath: options.clusterPath, runDirectory: directory, pid: options.pid)
                if let failure = verdict.failure { throw SimArenaError(.temporary, "preflight failed: \(failure)") }
            }
            let trace = try Trace.load(path)
            originals[path] = trace
            return trace
        }

        var plan = try RunDirectory.next(directory)
        var carry = try loadCarry(directory, plan: plan, learning: learning)
        // A DQN agent's replay buffer, kept in memory; its new transitions reach the journal
        // with the pending steps.
        var replay: ReplayBuffer?
        var pending = PendingSteps()
        var lastCheckpoint = -Double.infinity
        /// A finished episode's checkpoint not yet written (they are written at most every second).
        var unsavedCheckpoint: (agent: LearningAgent, replay: ReplayBuffer?, episode: Int)?
        if case .dqn(let agent) = carry?.agent {
            replay = try ReplayBuffer.fromJournal(journal, capacity: agent.settings.bufferSize, total: agent.steps)
        }
        var epsilon: Double?
        var currentEpisode = 0
        var episodeStart = Stopwatch.now()
        let duration = Int64((options.durationSeconds * 1000).rounded())

        // The plots' rows: each trace's latest first observation (from this process's steps).
        var plotRows: [String: PlotData.Row] = [:]
        var plotting = options.plotScript != nil

        func finishEpisode(final: Bool) throws {
            guard let finished = summary.episodes.last(where: \.finished) else { return }
            output(RunProgress.line(episode: finished, of: settings.episodes, epsilon: RunProgress.epsilonText(epsilon),
                                    seconds: Stopwatch.now() - episodeStart))
            if learning, let folder = options.checkpointFolder, let agent = carry?.agent {
                let interval = options.checkpointInterval
                if final || finished.episode % interval == 0 || Stopwatch.now() - lastCheckpoint >= 1 {
                    try RunCheckpoints.save(agent: agent, replay: replay, episode: finished.episode, runSeed: settings.seed, to: folder, interval: interval)
                    lastCheckpoint = Stopwatch.now()
                    unsavedCheckpoint = nil
                } else {
                    unsavedCheckpoint = (agent, replay, finished.episode)
                }
            }
            if plotting, let folder = options.checkpointFolder, let script = options.plotScript,
               let warning = RunPlots.update(folder: folder, summary: summary, run: settings.run, agent: carry?.agent,
                                             rows: plotRows.sorted { $0.key < $1.key }.map(\.value), settings: options.actionSettings,
                                             script: script, interval: options.checkpointInterval, final: final) {
                output(warning + "; no more plots in this run")
                plotting = false
            }
        }

        do {
            while true {
                let episode: Int
                if case .step(let planned, _, _, _, _, _) = plan { episode = planned } else { episode = -1 }
                if episode != currentEpisode {
                    if currentEpisode != 0 { try finishEpisode(final: episode == -1) }
                    currentEpisode = episode
                    episodeStart = Stopwatch.now()
                }
                guard case .step(_, let step, let seed, let path, let traceFrom, let previous) = plan else { break }
                let stepDirectory = directory + "/" + path

                // The trace in force and what the step before left.
                var trace: Trace
                if step == 1 {
                    trace = try original(traceFrom)
                } else {
                    guard let next = carry?.nextTrace else {
                        throw SimArenaError(.noInput, "\(traceFrom): the trace of step \(step) of episode \(episode) is missing")
                    }
                    trace = next
                }
                if options.keepSteps {
                    try RunDirectory.prepare(plan, in: directory)
                    let verdict = PreflightVerdict(tracePath: stepDirectory + "/trace.msgpack", workload: options.workload,
                                                   namespace: options.namespace, clusterPath: options.clusterPath,
                                                   runDirectory: directory, pid: options.pid)
                    try Document.write(verdict.value, to: stepDirectory + "/preflight.json")
                    if let failure = verdict.failure { throw SimArenaError(.temporary, "preflight failed: \(failure)") }
                }

                // simulate, observe
                let result: SimulationResult
                do {
                    result = try ClusterSimulator(trace: trace, cluster: cluster, options: SimulationOptions(duration: duration, seed: seed)).run()
                } catch let error as SimArenaError where error.kind == .data {
                    throw error.prefixed("\(path)/trace.msgpack")
                }
                if options.keepSteps { try Document.write(result.value, to: stepDirectory + "/simulation.json") }
                guard let target = options.target ?? Observation.declaredTarget(of: trace) else {
                    throw SimArenaError(.usage, "--target is needed: \(traceFrom) declares no metadata.scenario.target")
                }
                let observation = try Observation(result: result, trace: trace, workload: options.workload,
                                                  namespace: options.namespace, target: target)
                if options.keepSteps { try Document.write(observation.value, to: stepDirectory + "/observation.json") }
                if step == 1, plotting {
                    plotRows[traceFrom] = PlotData.Row(label: PlotRows.label(tracePath: traceFrom, trace: originals[traceFrom]),
                                                       observation: observation)
                }

                // reward
                let previousStep = step > 1 ? carry : nil
                let reward = RewardReport(
                    observation: observation, previous: previousStep?.action, function: options.reward,
                    goal: options.goal ?? observation.declaredGoal ?? .healthy, step: step, maxActions: options.maxActions,
                    settings: options.actionSettings)
                if options.keepSteps { try Document.write(reward.value, to: stepDirectory + "/reward.json") }

                // learn
                var agent: LearningAgent?
                var learning: StepRecord.Learning?
                if case .learning(let fresh) = options.chooser {
                    var start: LearningAgent
                    if previous != nil, let carried = carry?.agent {
                        start = carried
                    } else if previous == nil, let load = settings.load {
                        start = try LearningAgent.load(load)
                        try ReplayJournal.start(journal, fromCheckpoint: load)
                    } else {
                        start = fresh.make(seed: seed)
                    }
                    if case .dqn(let dqn) = start, replay == nil {
                        replay = try ReplayBuffer.fromJournal(journal, capacity: dqn.settings.bufferSize, total: dqn.steps)
                    }
                    var transition: (observation: Observation, action: ActionReport)?
                    if let previousStep, let previousObservation = previousStep.observation, let previousAction = previousStep.action {
                        transition = (previousObservation, previousAction)
                    }
                    let report = LearnStage.learn(agent: start, observation: observation, previous: transition, reward: reward,
                                                  settings: options.actionSettings, replay: &replay, seed: seed)
                    if report.updated, case .dqn = report.agent, let replay {
                        pending.add(replay[replay.count - 1], number: replay.total - 1)
                    }
                    agent = report.agent
                    epsilon = report.agent.epsilon
                    learning = StepRecord.Learning(loss: report.loss, epsilon: report.agent.epsilon)
                    if options.keepSteps {
                        try FileIO.writeAtomically(try report.agent.encoded(), to: stepDirectory + "/agent." + report.agent.fileExtension)
                        try Document.write(report.value, to: stepDirectory + "/learn.json")
                    }
                }

                // act
                var action: ActionReport?
                if !reward.endsEpisode {
                    let chooser: ActionChooser
                    switch options.chooser {
                    case .policy(let policy): chooser = .policy(policy)
                    case .command(let line, let timeout): chooser = .command(line, timeout: timeout)
                    case .learning: chooser = .agent(agent!)
                    case .trained(let trained): chooser = .agent(trained)
                    }
                    action = try ActStage.act(on: observation, trace: &trace, workload: options.workload, namespace: options.namespace,
                                              chooser: chooser, allowed: options.allowedActions, seed: seed, settings: options.actionSettings)
                    if options.keepSteps {
                        try trace.write(to: stepDirectory + "/next-trace.msgpack")
                        try Document.write(action!.value, to: stepDirectory + "/action.json")
                    }
                }

                // record (written with the pending steps; every step with keepSteps, as the shell path)
                carry = Carry(episode: episode, step: step, observation: observation, action: action,
                              nextTrace: reward.endsEpisode ? nil : trace, agent: agent, slot: carry?.slot ?? 1)
                let record = StepRecord(run: settings, episode: episode, step: step, observation: observation, reward: reward,
                                        action: action, learning: learning, durationSeconds: options.durationSeconds)
                summary.add(record)
                pending.lines.append(try record.line())
                if options.keepSteps || pending.isDue {
                    try pending.flush(carry: &carry, summary: summary, directory: directory, journal: journal, keepSteps: options.keepSteps)
                }
                if options.keepSteps { try FileIO.writeAtomically([], to: stepDirectory + "/complete") }

                // The next step, as `RunDirectory.next` plans it from the line just recorded.
                if reward.endsEpisode {
                    plan = episode + 1 <= settings.episodes
                        ? .step(episode: episode + 1, step: 1, seed: settings.seed(episode: episode + 1, step: 1),
                                directory: RunDirectory.stepPath(episode: episode + 1, step: 1),
                                trace: settings.trace(forEpisode: episode + 1), previous: path)
                        : .finished
                } else {
                    plan = .step(episode: episode, step: step + 1, seed: settings.seed(episode: episode, step: step + 1),
                                 directory: RunDirectory.stepPath(episode: episode, step: step + 1),
                                 trace: directory + "/" + path + "/next-trace.msgpack", previous: path)
                }
                let stop = interrupted()
                if stop != 0 {
                    try pending.flush(carry: &carry, summary: summary, directory: directory, journal: journal, keepSteps: options.keepSteps)
                    if let unsaved = unsavedCheckpoint, let folder = options.checkpointFolder {
                        try RunCheckpoints.save(agent: unsaved.agent, replay: unsaved.replay, episode: unsaved.episode, runSeed: settings.seed, to: folder,
                                                interval: options.checkpointInterval)
                    }
                    output("interrupted: stopped cleanly after the last complete step; continue with: bin/train.sh --resume \(settings.run)")
                    return stop
                }
            }
        } catch {
            // The steps recorded before the failure are sound: keep them.
            try? pending.flush(carry: &carry, summary: summary, directory: directory, journal: journal, keepSteps: options.keepSteps)
            throw error
        }
        try pending.flush(carry: &carry, summary: summary, directory: directory, journal: journal, keepSteps: options.keepSteps)
        if learning, let save = options.save, let folder = options.checkpointFolder, let agent = carry?.agent,
           let finished = summary.episodes.last(where: \.finished) {
            try RunCheckpoints.save(agent: agent, replay: replay, episode: finished.episode, runSeed: settings.seed, to: folder,
                                    interval: options.checkpointInterval, extra: save)
        }
        output("done: \(directory)/summary.json")
        return 0
    }

    private static func carryPath(_ directory: String, slot: Int, _ ext: String) -> String {
        directory + "/fast-carry-\(slot).\(ext)"
    }

    static func saveCarry(_ carry: Carry, in directory: String) throws {
        // The JSON file last: it names the step, and a slot counts only once it does.
        if let trace = carry.nextTrace { try trace.write(to: carryPath(directory, slot: carry.slot, "msgpack")) }
        if let agent = carry.agent { try FileIO.writeAtomically(try agent.encoded(), to: carryPath(directory, slot: carry.slot, "agent")) }
        let value: KValue = [
            "format": .string(carryFormat), "episode": .int(Int64(carry.episode)), "step": .int(Int64(carry.step)),
            "observation": carry.observation?.value ?? .null, "action": carry.action?.value ?? .null,
            "has_next_trace": .bool(carry.nextTrace != nil), "has_agent": .bool(carry.agent != nil),
        ]
        try Document.write(value, to: carryPath(directory, slot: carry.slot, "json"))
    }

    /// What the step before `plan` left: from its step directory (a shell-path or `keepSteps`
    /// run), else from the fast-carry file that names it.
    static func loadCarry(_ directory: String, plan: RunDirectory.Next, learning: Bool) throws -> Carry? {
        let previousPath: String
        switch plan {
        case .step(_, let step, _, _, _, let previous):
            // A new episode needs only a learning agent's state.
            guard let previous, step > 1 || learning else { return nil }
            previousPath = previous
        case .finished:
            guard learning, let line = try FileIO.lastLine(of: directory + "/step.jsonl") else { return nil }
            let last = try JSONReader.parse(line)
            previousPath = RunDirectory.stepPath(episode: Int(last["episode"]?.int64Value ?? 0), step: Int(last["step"]?.int64Value ?? 0))
        }
        let parts = previousPath.split(separator: "/").map { Int($0.drop { !$0.isNumber }) ?? 0 }
        let (episode, step) = (parts[0], parts[1])
        let base = directory + "/" + previousPath
        if FileIO.exists(base + "/observation.json"), FileIO.exists(base + "/reward.json") {
            var carry = Carry(episode: episode, step: step)
            carry.observation = try Document.decode(base + "/observation.json", Observation.init(document:))
            if FileIO.exists(base + "/action.json") {
                carry.action = try Document.decode(base + "/action.json", ActionReport.init(document:))
            }
            if FileIO.exists(base + "/next-trace.msgpack") { carry.nextTrace = try Trace.load(base + "/next-trace.msgpack") }
            if let file = RunCheckpoints.agentFile(inStep: base) { carry.agent = try LearningAgent.load(file) }
            return carry
        }
        for slot in [0, 1] {
            let path = carryPath(directory, slot: slot, "json")
            guard FileIO.exists(path) else { continue }
            let value = try Document.read(path)
            guard value["format"]?.stringValue == carryFormat, value["episode"]?.int64Value == Int64(episode),
                  value["step"]?.int64Value == Int64(step) else { continue }
            var carry = Carry(episode: episode, step: step, slot: slot)
            if let observation = value["observation"], !observation.isNull { carry.observation = try Observation(document: observation) }
            if let action = value["action"], !action.isNull { carry.action = try ActionReport(document: action) }
            if value["has_agent"]?.boolValue == true { carry.agent = try LearningAgent.load(carryPath(directory, slot: slot, "agent")) }
            if value["has_next_trace"]?.boolValue == true { carry.nextTrace = try Trace.load(carryPath(directory, slot: slot, "msgpack")) }
            return carry
        }
        throw SimArenaError(.noInput, "\(base): the files of the last recorded step are missing, and no fast-carry file names it; cannot continue the run")
    }
}
