import ArgumentParser
import SimArenaBenchmark
import SimArenaCLI
import SimArenaModel

/// `sa-benchmark lane`: the cells of one lane, which is what one index of an Indexed Job runs.
struct LaneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lane",
        abstract: "Run the cells of one lane, one after another (complete cells are skipped); a killed lane continues where it stopped.",
        discussion: """
            Lane K holds cells K, K+L, K+2L, … of the plan's L lanes ('sa-benchmark count --lanes'): one \
            cell per lane on the embedded simulator, one lane per SimKube context otherwise. Without \
            --index the lane is $JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job sets it in each pod. \
            --plan copies a plan (from a ConfigMap) into the report folder first. SIGINT/SIGTERM stop \
            after the current training step or episode (exit 130/143).
            """)

    @Option(help: "The report folder.")
    var out: String

    @Option(help: "The lane, 0-based (default: $JOB_COMPLETION_INDEX).")
    var index: Int?

    @Option(help: ArgumentHelp("A plan.json to write into the report folder first (kept when the folder holds the same plan; another is refused).", valueName: "file"))
    var plan: String?

    func run() throws {
        InterruptSignals.install()
        guard let lane = try index ?? BenchmarkRecipe.completionIndex() else {
            throw SimArenaError(.usage, "--index is required (or JOB_COMPLETION_INDEX in the environment)")
        }
        let plan: BenchmarkPlan
        if let file = self.plan {
            let folder = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            guard file.hasSuffix("/" + BenchmarkPlan.fileName) || file == BenchmarkPlan.fileName else {
                throw SimArenaError(.usage, "--plan \(file): expected a file named \(BenchmarkPlan.fileName)")
            }
            plan = try BenchmarkPlan.load(reportDirectory: folder.isEmpty ? "." : folder)
        } else {
            plan = try BenchmarkPlan.load(reportDirectory: out)
        }
        guard (0..<plan.laneCount).contains(lane) else {
            throw SimArenaError(.usage, "lane \(lane): the plan has lanes 0 to \(plan.laneCount - 1)")
        }
        if self.plan != nil { try plan.write(reportDirectory: out) }
        for cell in plan.cells(inLane: lane) {
            let status = try CellRunner.run(plan: plan, cell: cell, out: out)
            if status != 0 { throw ExitCode(status) }
        }
    }
}
