import ArgumentParser
import SimArenaBenchmark
import SimArenaCLI
import SimArenaKube
import SimArenaModel

#if canImport(Glibc)
import Glibc
#endif

/// `sa-benchmark cell`: one cell of the plan.
struct CellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cell",
        abstract: "Run one cell of the plan (skipped when complete); a killed cell continues where it stopped.",
        discussion: """
            SIGINT/SIGTERM stop after the current training step or episode (exit 130/143); run the \
            same command again to continue. 'sa-benchmark lane' runs the cells of an Indexed Job's index.
            """)

    @Option(help: "The report folder (with plan.json).")
    var out: String

    @Option(help: "The cell, 0-based.")
    var index: Int

    func run() throws {
        InterruptSignals.install()
        let status = try CellRunner.run(plan: try BenchmarkPlan.load(reportDirectory: out), cell: index, out: out)
        if status != 0 { throw ExitCode(status) }
    }
}

/// Runs cells with this tool's backends (the embedded simulator and SimKube), printing progress
/// and stopping at SIGINT/SIGTERM.
enum CellRunner {
    /// Runs cell `index` of `plan` in the report folder `out`; returns 0 or the status to exit with.
    static func run(plan: BenchmarkPlan, cell index: Int, out: String) throws -> Int32 {
        let cell = try BenchmarkCell(plan: plan, index: index, reportDirectory: out)
        do {
            return try cell.run(
                recipe: { flags in try BenchmarkRecipe.configuration(flags) },
                backends: { KubeBackends.make($0, cluster: $1, durationSeconds: $2) }, pid: getpid(),
                output: { line in
                    print("benchmark: " + line)
                    fflush(nil)
                }, interrupted: { InterruptSignals.received().map { 128 + $0 } ?? 0 })
        } catch let interrupted as SimKubeInterrupted {
            printError("sa-benchmark: interrupted by signal \(interrupted.signal); deleted simulation \(interrupted.simulation)")
            return 128 + interrupted.signal
        }
    }
}
