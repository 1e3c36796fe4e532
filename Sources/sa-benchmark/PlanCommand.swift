import ArgumentParser
import SimArenaBenchmark
import SimArenaCLI
import SimArenaModel
import SimArenaRL

/// `sa-benchmark plan`: a sweep file or the agent, suite and episode flags → `plan.json`.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Write the report folder's plan.json and command.txt; print the number of cells.",
        discussion: """
            The plan comes from a sweep file (--sweep, docs/scale-out.md) or from the flags below. A cell \
            is one agent with one seed, evaluated on every scenario of every suite (or on one of --shards \
            parts of them, for agents that do not train). Without agent flags the default agents are the \
            recipes dqn (demo/recipes/dqn.flags) and greedy (demo/recipes/greedy.flags) and the policies \
            heuristic, vpa, krr and random; without --suite the suites are demo/suites/heldout and \
            demo/suites/shifted. A folder that already holds the same plan is kept (the benchmark \
            continues); another plan is refused.
            """)

    @Option(help: "The report folder.")
    var out: String

    @Option(help: ArgumentHelp("A sweep file (simarena.sweep/v1, YAML or JSON) instead of the flags below.", valueName: "file"))
    var sweep: String?

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

    @Option(help: "Split the scenarios of each agent that does not train into N cells per seed.")
    var shards: Int = 1

    @Option(help: "Most actions per episode.")
    var steps: Int = 50

    @Option(name: .customLong("Naction"), help: "Size of the action space (1 to 7).")
    var actionCount: Int = 7

    @Option(help: "Simulated seconds per step.")
    var duration: Double = 90

    @Option(help: "The agent the others' steps are compared with (default: heuristic, when it is one of the agents).")
    var reference: String?

    func run() throws {
        let sweep: BenchmarkSweep
        let command: [String]
        if let file = self.sweep {
            let given = CommandLine.arguments.dropFirst(2).map { String($0.split(separator: "=")[0]) }
                .filter { $0.hasPrefix("--") && !["--out", "--sweep"].contains($0) }
            if let flag = given.first { throw SimArenaError(.usage, "\(flag): with --sweep, the sweep file says what runs") }
            sweep = try SweepFile.read(file)
            command = ["bin/sweep.sh", file, "--out", out]
        } else {
            sweep = try flagSweep()
            command = ["bin/benchmark.sh"] + CommandLine.arguments.dropFirst(2)
        }
        let plan = try sweep.plan(checkRecipe: BenchmarkRecipe.check)
        try plan.write(reportDirectory: out)
        let commandPath = out + "/command.txt"
        if !FileIO.exists(commandPath) { try FileIO.writeAtomically(Array((ProcessRunner.commandLine(command) + "\n").utf8), to: commandPath) }
        print(plan.cells.count)
    }

    /// The sweep the flags describe.
    private func flagSweep() throws -> BenchmarkSweep {
        guard (1...1000).contains(seeds) else { throw SimArenaError(.usage, "--seeds must be 1 to 1000") }
        guard duration > 0, duration <= 86_400 else { throw SimArenaError(.usage, "--duration must be above 0 and at most 86400") }
        guard policyTimeout > 0, policyTimeout.isFinite else { throw SimArenaError(.usage, "--policy-timeout must be positive") }
        let defaults = policies.isEmpty && checkpoints.isEmpty && commands.isEmpty && recipes.isEmpty
        var agents: [BenchmarkSweep.Agent] = []
        for name in defaults ? ["heuristic", "vpa", "krr", "random"] : policies {
            guard let policy = HandCodedPolicy(rawValue: name) else {
                throw SimArenaError(.usage, "--policy \(name): not one of \(HandCodedPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            agents.append(.init(try BenchmarkAgent(name: name, kind: .policy(policy))))
        }
        for entry in defaults ? ["dqn=demo/recipes/dqn.flags", "greedy=demo/recipes/greedy.flags"] : recipes {
            let (name, file) = try Self.pair(entry, flag: "--recipe")
            agents.append(.init(try BenchmarkAgent(name: name, kind: .recipe(file: file, flags: try BenchmarkAgent.recipeFlags(file)))))
        }
        for entry in checkpoints {
            let (name, path) = try Self.pair(entry, flag: "--checkpoint")
            agents.append(.init(try BenchmarkAgent(name: name, kind: .checkpoint(path: RunOptions.absolute(path)))))
        }
        for entry in commands {
            let (name, line) = try Self.pair(entry, flag: "--policy-cmd")
            agents.append(.init(try BenchmarkAgent(name: name, kind: .command(line: line, timeoutSeconds: policyTimeout))))
        }
        var sweep = BenchmarkSweep(agents: agents)
        if !suites.isEmpty { sweep.suites = suites }
        sweep.seeds = (1...seeds).map(UInt64.init)
        sweep.shards = shards
        sweep.maxActions = steps
        sweep.actionCount = actionCount
        sweep.durationSeconds = duration
        sweep.reference = reference
        return sweep
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
