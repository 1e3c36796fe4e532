import ArgumentParser
import SimArenaBenchmark
import SimArenaCLI
import SimArenaModel
import SimArenaRL
import SimArenaRun

#if canImport(Glibc)
import Glibc
#endif

@main
struct SABenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-benchmark",
        abstract: "The benchmark's plumbing: plan agents × seeds × suites, run a cell, make the report (bin/benchmark.sh runs all three).",
        discussion: "The report folder's files are described in docs/benchmark.md.",
        subcommands: [Plan.self, Count.self, Cell.self, Report.self])

    static func main() {
        runAsTool()
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the report folder's plan.json and command.txt; print the number of cells.",
            discussion: """
                A cell is one agent with one seed, evaluated on every scenario of every suite. \
                Without agent flags the default agents are the recipes dqn (demo/recipes/dqn.flags) and \
                greedy (demo/recipes/greedy.flags) and the policies heuristic, vpa, krr and random; \
                without --suite the suites are demo/suites/heldout and demo/suites/shifted. A folder \
                that already holds the same plan is kept (the benchmark continues); another plan is refused.
                """)

        @Option(help: "The report folder.")
        var out: String

        @Option(name: .customLong("policy"), help: ArgumentHelp("A hand-coded policy, by name; repeat for several.", valueName: "name"))
        var policies: [String] = []

        @Option(name: .customLong("checkpoint"), help: ArgumentHelp("A trained agent's checkpoint, acting greedily.", valueName: "name=path"))
        var checkpoints: [String] = []

        @Option(name: .customLong("policy-cmd"), help: ArgumentHelp("An outside program choosing the actions (as bin/train.sh --policy-cmd).", valueName: "name=command"))
        var commands: [String] = []

        @Option(name: .customLong("policy-timeout"), help: "Seconds an outside program may take per decision.")
        var policyTimeout: Double = 10

        @Option(name: .customLong("recipe"), help: ArgumentHelp("A file of bin/train.sh flags: trained with each seed, then evaluated greedily.", valueName: "name=file"))
        var recipes: [String] = []

        @Option(name: .customLong("suite"), help: ArgumentHelp("A folder of scenario traces; repeat for several.", valueName: "dir"))
        var suites: [String] = []

        @Option(help: "Seeds 1 to N: each agent runs once per seed (a recipe trains with it).")
        var seeds: Int = 5

        @Option(help: "Most actions per episode.")
        var steps: Int = 50

        @Option(name: .customLong("Naction"), help: "Size of the action space (1 to 7).")
        var actionCount: Int = 7

        @Option(help: "Simulated seconds per step.")
        var duration: Double = 90

        @Option(help: "The agent the others' steps are compared with (default: heuristic, when it is one of the agents).")
        var reference: String?

        func run() throws {
            guard (1...1000).contains(seeds) else { throw SimArenaError(.usage, "--seeds must be 1 to 1000") }
            guard duration > 0, duration <= 86_400 else { throw SimArenaError(.usage, "--duration must be above 0 and at most 86400") }
            guard policyTimeout > 0, policyTimeout.isFinite else { throw SimArenaError(.usage, "--policy-timeout must be positive") }
            let defaults = policies.isEmpty && checkpoints.isEmpty && commands.isEmpty && recipes.isEmpty
            var agents: [BenchmarkAgent] = []
            for name in defaults ? ["heuristic", "vpa", "krr", "random"] : policies {
                guard let policy = HandCodedPolicy(rawValue: name) else {
                    throw SimArenaError(.usage, "--policy \(name): not one of \(HandCodedPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                agents.append(try BenchmarkAgent(name: name, kind: .policy(policy)))
            }
            for entry in defaults ? ["dqn=demo/recipes/dqn.flags", "greedy=demo/recipes/greedy.flags"] : recipes {
                let (name, file) = try Self.pair(entry, flag: "--recipe")
                let flags = try BenchmarkAgent.recipeFlags(file)
                try BenchmarkRecipe.check(flags, file: file)
                agents.append(try BenchmarkAgent(name: name, kind: .recipe(file: file, flags: flags)))
            }
            for entry in checkpoints {
                let (name, path) = try Self.pair(entry, flag: "--checkpoint")
                _ = try LearningAgent.load(path)
                agents.append(try BenchmarkAgent(name: name, kind: .checkpoint(path: RunOptions.absolute(path))))
            }
            for entry in commands {
                let (name, line) = try Self.pair(entry, flag: "--policy-cmd")
                agents.append(try BenchmarkAgent(name: name, kind: .command(line: line, timeoutSeconds: policyTimeout)))
            }
            let folders = suites.isEmpty ? ["demo/suites/heldout", "demo/suites/shifted"] : suites
            var plan = try BenchmarkPlan(agents: agents, suites: try folders.map { try BenchmarkSuite(directory: $0) },
                                         seeds: (1...seeds).map(UInt64.init))
            plan.maxActions = steps
            plan.actionCount = actionCount
            plan.durationSeconds = duration
            plan.reference = reference ?? (agents.contains { $0.name == "heuristic" } ? "heuristic" : nil)
            try plan.validate()
            try plan.write(reportDirectory: out)
            let command = ProcessRunner.commandLine(["bin/benchmark.sh"] + CommandLine.arguments.dropFirst(2)) + "\n"
            let commandPath = out + "/command.txt"
            if !FileIO.exists(commandPath) { try FileIO.writeAtomically(Array(command.utf8), to: commandPath) }
            print(plan.cells.count)
        }

        /// `name=value` of a repeatable flag.
        static func pair(_ entry: String, flag: String) throws -> (String, String) {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw SimArenaError(.usage, "\(flag) \(entry): expected NAME=VALUE")
            }
            return (parts[0], parts[1])
        }
    }

    struct Count: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the number of cells of the plan in a report folder.")

        @Option(help: "The report folder.")
        var out: String

        func run() throws {
            print(try BenchmarkPlan.load(reportDirectory: out).cells.count)
        }
    }

    struct Cell: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one cell of the plan (skipped when complete); a killed cell continues where it stopped.",
            discussion: """
                Without --index the cell is $JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job sets it. \
                SIGINT/SIGTERM stop after the current training step or episode (exit 130/143); run the \
                same command again to continue.
                """)

        @Option(help: "The report folder (with plan.json).")
        var out: String

        @Option(help: "The cell, 0-based.")
        var index: Int?

        func run() throws {
            InterruptSignals.install()
            guard let index = try index ?? BenchmarkRecipe.completionIndex() else {
                throw SimArenaError(.usage, "--index is required (or JOB_COMPLETION_INDEX in the environment)")
            }
            let plan = try BenchmarkPlan.load(reportDirectory: out)
            let cell = try BenchmarkCell(plan: plan, index: index, reportDirectory: out)
            let status = try cell.run(
                recipe: { flags in try BenchmarkRecipe.configuration(flags) },
                trainingBackend: { EmbeddedBackends.make(for: $0) }, pid: getpid(),
                output: { line in
                    print("benchmark: " + line)
                    fflush(nil)
                }, interrupted: { InterruptSignals.received().map { 128 + $0 } ?? 0 })
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make report.json, report.md, episodes.jsonl and report-plot.tsv from the complete cells.",
            discussion: "Refuses while cells are missing, naming them. jobs/benchmark-plot.sh draws report.png from report-plot.tsv.")

        @Option(help: "The report folder.")
        var out: String

        func run() throws {
            let report = try BenchmarkReport.load(reportDirectory: out)
            try report.write(to: out)
            print(out + "/" + BenchmarkReport.files.markdown)
        }
    }
}
