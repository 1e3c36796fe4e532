import ArgumentParser
import SimArenaCLI

@main
struct SABenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-benchmark",
        abstract: "The benchmark's plumbing: plan agents × seeds × suites, run cells or lanes, make the report, render Kubernetes Jobs.",
        discussion: """
            bin/benchmark.sh (flags) and bin/sweep.sh (a sweep file) run plan, lane and report. The \
            report folder's files are described in docs/benchmark.md; sweeps and Indexed Jobs in docs/scale-out.md.
            """,
        subcommands: [PlanCommand.self, CountCommand.self, CellCommand.self, LaneCommand.self, ReportCommand.self, RenderCommand.self])

    static func main() {
        runAsTool()
    }
}
