import ArgumentParser
import SimArenaCLI
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

#if canImport(Glibc)
import Glibc
#endif

@main
struct SARun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-run",
        abstract: "Run-directory bookkeeping for the orchestrator: create a run, plan the next step, record a step.",
        discussion: "The run directory's files are described in docs/run-directory.md.",
        subcommands: [New.self, Flags.self, Show.self, Next.self, Record.self, Hook.self, ContinueSeed.self, Lock.self, Unlock.self])

    static func main() {
        runAsTool()
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a run from bin/train.sh's flags: runs/<agent>_<YYYYmmdd_HHMMSS> with run.json, and its checkpoint folder with command.txt; print the run's path.",
            discussion: """
                Everything after '--' is bin/train.sh's command line (see bin/train.sh --help). Every \
                flag is checked and every trace read before anything is created: a run that cannot \
                start leaves nothing behind. Errors are one line, prefixed with --caller's name.
                """)

        @Option(help: "The command the flags were given to: names it in errors and in command.txt.")
        var caller = "sa-run new"

        @Option(name: .customLong("repo"), help: "The repository: runs/, checkpoints/ and jobs/plot.sh are found there (default: the working directory).")
        var repository = "."

        @Argument(parsing: .captureForPassthrough, help: "-- and bin/train.sh's flags.")
        var arguments: [String] = []

        func run() throws {
            let flags = arguments.first == "--" ? Array(arguments.dropFirst()) : arguments
            let name = caller.split(separator: "/").last.map(String.init) ?? caller
            let options: RunOptions
            do {
                options = try RunOptions.parse(flags)
            } catch {
                let message = RunOptions.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
                printError("\(name): \(message) (see \(caller) --help)")
                throw ExitCode(RunOptions.exitCode(for: error).rawValue)
            }
            do {
                let configuration = try options.configuration(command: [caller] + flags, plotScript: repository + "/jobs/plot.sh")
                let directory = try RunDirectory.create(
                    root: options.runsRoot ?? repository + "/runs", checkpoints: options.checkpointsRoot ?? repository + "/checkpoints",
                    configuration: configuration, startedAt: time(nil))
                let created = try RunDirectory.configuration(of: directory)
                try FileIO.writeAtomically(Array((ProcessRunner.commandLine(created.command) + "\n").utf8),
                                           to: created.checkpointFolder + "/command.txt")
                print(directory)
            } catch let error as SimArenaError {
                printError("\(name): \(error.message)")
                throw ExitCode(error.exitCode)
            }
        }
    }

    struct Flags: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print bin/train.sh's flags, the ones 'new' takes after '--'.")

        func run() {
            // The options only: the usage line names the parser, not bin/train.sh.
            let help = RunOptions.helpMessage(columns: 100).split(separator: "\n", omittingEmptySubsequences: false)
            print("Flags:")
            print(help.drop { !$0.hasPrefix("OPTIONS:") }.dropFirst().joined(separator: "\n"))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print settings of a run (keys of run.json), tab-separated on one line.",
            discussion: "Strings as they are, numbers and booleans as JSON writes them, null as an empty field.")

        @Option(name: .customLong("run-dir"), help: "The run directory.")
        var runDirectory: String

        @Argument(help: "The keys, e.g. checkpoint_folder fast.")
        var keys: [String]

        func run() throws {
            let value = try RunDirectory.configuration(of: runDirectory).value
            let fields = try keys.map { key -> String in
                guard let field = value[key] else { throw ValidationError("run.json has no key \"\(key)\"") }
                if field.isNull { return "" }
                return try field.stringValue ?? String(decoding: try JSONWriter.encode(field, pretty: false), as: UTF8.self)
            }
            print(fields.joined(separator: "\t"))
        }
    }

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prepare the next step's directory and print it (ep0001/step0002), or 'finished'.",
            discussion: """
                The step after the last one recorded in step.jsonl, so a killed run resumes where it \
                stopped. Also writes it to the run's next-step file, and the run's stages.tsv when missing.
                """)

        @Option(name: .customLong("run-dir"), help: "The run directory.")
        var runDirectory: String

        func run() throws {
            let next = try RunDirectory.next(runDirectory)
            try RunDirectory.prepare(next, in: runDirectory)
            print(next.line)
        }
    }

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a completed step: append it to step.jsonl, update summary.json, prepare the next step; after an episode, print its progress line and save checkpoints and plots.",
            discussion: "Safe to repeat after a crash at any point.")

        @OptionGroup var step: StepDirectoryOptions

        func validate() throws {
            guard step.stepDirectory != nil else { throw ValidationError("--step-dir is required") }
        }

        func run() throws {
            try step.run(.stage(.record))
        }
    }

    struct Hook: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one hook point's hooks of the run for a step; log each outcome to the step's hooks.jsonl.",
            discussion: """
                Hooks get SA_RUN_DIR, SA_STEP_DIR, SA_EPISODE, SA_STEP and SA_STAGE in their environment. \
                A failing hook (unless marked ignore_failure) stops the step: exit 75.
                """)

        @Option(help: "The hook point: pre_start, pre_run, post_run or post_stop.")
        var stage: String

        @OptionGroup var step: StepDirectoryOptions

        func validate() throws {
            guard HookSet.Stage(rawValue: stage) != nil else {
                throw ValidationError("--stage must be one of \(HookSet.Stage.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard step.stepDirectory != nil else { throw ValidationError("--step-dir is required") }
        }

        func run() throws {
            guard let point = HookSet.Stage(rawValue: stage) else { return }
            // SIGINT/SIGTERM stop the running hook's processes too, and exit 130/143 with a message.
            InterruptSignals.install()
            try step.run(.hooks(point))
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

    struct Lock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take the run's lock for a process (exit 75 while another live process holds it; a stale lock is taken over).")

        @Option(name: .customLong("run-dir"), help: "The run directory.")
        var runDirectory: String

        @Option(help: "The process id to hold the lock.")
        var pid: Int32

        @Option(help: ArgumentHelp(
            "An open descriptor of the run's lock file, inherited from the caller, through which to hold it.",
            discussion: "The hold lasts while the caller or any child that inherited the descriptor runs "
                + "(bin/train.sh opens it as 9), so a resumed run waits for a killed run's last step.",
            valueName: "fd"))
        var hold: Int32?

        func run() throws {
            if let note = try RunLock.acquire(runDirectory, pid: pid, holding: hold) { print(note) }
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
