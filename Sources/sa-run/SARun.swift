import ArgumentParser
import SimArenaCLI
import SimArenaCore

#if canImport(Glibc)
import Glibc
#endif

@main
struct SARun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-run",
        abstract: "Run-directory bookkeeping for the orchestrator: create a run, plan the next step, record a step.",
        discussion: "The run directory's files are described in docs/run-directory.md.",
        subcommands: [New.self, Next.self, Record.self, Hook.self, Progress.self, Checkpoint.self, Plot.self, ContinueSeed.self, Command.self, Lock.self, Unlock.self])

    static func main() {
        runAsTool()
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create runs/<agent>_<YYYYmmdd_HHMMSS>, write run.json, point runs/step.jsonl at it; print its path.")

        @Option(help: "Where runs live.")
        var root = "runs"

        @Option(help: "The agent or policy name (names the run).")
        var agent: String

        @Option(help: "A trace episodes start from (repeat for several; used in a seeded order).")
        var trace: [String] = []

        @Option(help: "Episodes to run.")
        var episodes: Int

        @Option(help: "Most actions per episode.")
        var steps: Int

        @Option(help: "Base seed (episode e uses seed + 1000·(e−1)).")
        var seed: UInt64

        @Option(help: "A learning agent's checkpoint to start from.")
        var load: String?

        @Argument(parsing: .captureForPassthrough, help: "The orchestrator's command line, kept in run.json.")
        var command: [String] = []

        func validate() throws {
            guard !trace.isEmpty else { throw ValidationError("give at least one --trace") }
            guard (1...1_000_000).contains(episodes) else { throw ValidationError("--episodes must be between 1 and 1000000") }
            guard (1...100_000).contains(steps) else { throw ValidationError("--steps must be between 1 and 100000") }
            guard agent.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), !agent.isEmpty else {
                throw ValidationError("--agent may only hold letters, digits, - and _")
            }
        }

        func run() throws {
            for path in trace { _ = try Trace.load(path) }
            let settings = RunSettings(run: "", agent: agent, traces: trace, episodes: episodes, steps: steps, seed: seed,
                                       command: command.first == "--" ? Array(command.dropFirst()) : command, load: load)
            print(try RunDirectory.create(root: root, settings: settings, startedAt: time(nil)))
        }
    }

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prepare the next step's directory and print it as tab-separated EPISODE STEP SEED DIRECTORY TRACE, or 'finished'.",
            discussion: "The step after the last one recorded in step.jsonl, so a killed run resumes where it stopped.")

        @Option(name: .customLong("run-dir"), help: "The run directory.")
        var runDirectory: String

        func run() throws {
            let next = try RunDirectory.next(runDirectory)
            try RunDirectory.prepare(next, in: runDirectory)
            print(RunDirectory.planLine(next))
        }
    }

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append a completed step to step.jsonl and update summary.json (safe to repeat); then prepare and print the next step, as 'next' does.")

        @OptionGroup var target: StepSelection

        @Option(help: "Simulated seconds per step, for the record.")
        var duration: Double = 90

        func run() throws {
            try RunDirectory.record(target.runDirectory, episode: target.episode, step: target.step, durationSeconds: duration)
            let next = try RunDirectory.next(target.runDirectory)
            try RunDirectory.prepare(next, in: target.runDirectory)
            print(RunDirectory.planLine(next))
        }
    }

    struct Hook: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one stage's hooks for a step; log each outcome to the step's hooks.jsonl.",
            discussion: """
                Hooks get SA_RUN_DIR, SA_STEP_DIR, SA_EPISODE, SA_STEP and SA_STAGE in their environment. \
                A failing hook (unless marked ignore_failure) stops the step: exit 75.
                """)

        @Option(help: "The hooks file (JSON: stage -> [{command, ignore_failure, timeout_seconds}]).")
        var hooks: String

        @Option(help: "The stage: pre_start, pre_run, post_run or post_stop.")
        var stage: String

        @OptionGroup var target: StepSelection

        func run() throws {
            guard let hookStage = HookSet.Stage(rawValue: stage) else {
                throw ValidationError("--stage must be one of \(HookSet.Stage.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let set = try HookSet.load(hooks)
            let stepDirectory = target.runDirectory + "/" + RunDirectory.stepPath(episode: target.episode, step: target.step)
            let environment = ["SA_RUN_DIR": target.runDirectory, "SA_STEP_DIR": stepDirectory,
                               "SA_EPISODE": String(target.episode), "SA_STEP": String(target.step)]
            var logError: Error?
            _ = try set.run(stage: hookStage, environment: environment, workingDirectory: stepDirectory) { outcome in
                do {
                    try FileIO.appendLine(try JSONWriter.encode(outcome.value, pretty: false), to: stepDirectory + "/hooks.jsonl")
                } catch {
                    logError = error
                }
            }
            if let logError { throw logError }
        }
    }

    struct Progress: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the progress line of the last finished episode (episode, return, steps, success, steps/s).")

        @Option(name: .customLong("run-dir"), help: "The run directory.")
        var runDirectory: String

        @Option(help: "Wall-clock seconds the episode took (for steps/s).")
        var seconds: Double = 0

        func run() throws {
            print(try RunProgress.line(runDirectory, seconds: seconds))
        }
    }

    struct Checkpoint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save a learning agent's checkpoints for the last finished episode (latest, every --interval, --save).")

        @Option(name: .customLong("run-dir"), help: "The run directory.")
        var runDirectory: String

        @Option(help: "The run's checkpoints folder.")
        var to: String

        @Option(help: "Also keep checkpoint_ep<N> every this many episodes.")
        var interval: Int = 10

        @Option(help: "Also copy the checkpoint here.")
        var save: String?

        func run() throws {
            try RunCheckpoints.save(runDirectory: runDirectory, to: to, interval: interval, extra: save)
        }
    }

    struct Plot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the plot data of the last finished episode into the checkpoint folder and render it (docs/plots.md).",
            discussion: "Exits 0 with a one-line warning on stderr when the plots cannot be made (for example without gnuplot).")

        @Option(name: .customLong("run-dir"), help: "The run directory.")
        var runDirectory: String

        @Option(help: "The run's checkpoints folder.")
        var to: String

        @Option(help: "The plotting job (jobs/plot.sh).")
        var script: String

        @Option(help: "Also keep *_ep<N>.png copies every this many episodes.")
        var interval: Int = 10

        @Flag(help: "The run's last episode: render even if the last rendering was a moment ago.")
        var final = false

        @OptionGroup var actions: ActionSettingsOptions

        func run() throws {
            let settings = try RunDirectory.settings(of: runDirectory)
            let summary = try RunSummary(document: try Document.read(runDirectory + "/summary.json"))
            guard let last = summary.episodes.last(where: \.finished) else { return }
            let state = RunCheckpoints.agentFile(inStep: runDirectory + "/" + RunDirectory.stepPath(episode: last.episode, step: last.lastStep))
            let rows = PlotRows.fromStepDirectories(runDirectory, settings: settings, lastEpisode: last.episode)
            if let warning = RunPlots.update(folder: to, summary: summary, run: settings.run, agent: try state.map(LearningAgent.load),
                                             rows: rows, settings: actions.settings, script: script, interval: interval,
                                             final: final) {
                printError(warning)
            }
        }
    }

    struct ContinueSeed: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "continue-seed",
            abstract: "Print the seed with which a run that loads a checkpoint continues exactly (nothing if it records none).")

        @Option(help: "A learning agent's checkpoint.")
        var checkpoint: String

        func run() throws {
            if let seed = try LearningAgent.continueSeed(ofCheckpoint: checkpoint) { print(seed) }
        }
    }

    struct Command: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the run's original command-line arguments, NUL-separated (for --resume).")

        @Option(name: .customLong("run-dir"), help: "The run directory.")
        var runDirectory: String

        func run() throws {
            let settings = try RunDirectory.settings(of: runDirectory)
            CommandSupport.writeStandardOutput(settings.command.flatMap { Array($0.utf8) + [0] })
        }
    }

    struct Lock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take the run's lock for a process (exit 75 while another live process holds it; a stale lock is taken over).")

        @Option(name: .customLong("run-dir"), help: "The run directory.")
        var runDirectory: String

        @Option(help: "The process id to hold the lock.")
        var pid: Int32

        func run() throws {
            if let note = try RunLock.acquire(runDirectory, pid: pid) { print(note) }
        }
    }

    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release the run's lock if this pid holds it.")

        @Option(name: .customLong("run-dir"), help: "The run directory.")
        var runDirectory: String

        @Option(help: "The process id holding the lock.")
        var pid: Int32

        func run() throws {
            RunLock.release(runDirectory, pid: pid)
        }
    }
}

/// Which step of which run a subcommand works on.
struct StepSelection: ParsableArguments {
    @Option(name: .customLong("run-dir"), help: "The run directory.")
    var runDirectory: String

    @Option(help: "The episode (1-based).")
    var episode: Int

    @Option(help: "The step (1-based).")
    var step: Int
}
