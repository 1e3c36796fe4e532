import ArgumentParser
import SimArenaBenchmark
import SimArenaCLI
import SimArenaModel

/// `sa-benchmark report`: the complete cells → the report's files.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Make report.json, report.md, episodes.jsonl and report-plot.tsv from the complete cells.",
        discussion: """
            Refuses while cells are missing, naming them (with --if-complete: writes nothing, prints \
            nothing, exit 0). Prints the path of report.md. The same cells give the same bytes, whatever \
            order, parallelism or machines ran them. jobs/benchmark-plot.sh draws report.png from report-plot.tsv.
            """)

    @Option(help: "The report folder.")
    var out: String

    @Flag(name: .customLong("if-complete"), help: "Make the report only if every cell is complete (the last lane's step).")
    var ifComplete = false

    func run() throws {
        if ifComplete {
            let plan = try BenchmarkPlan.load(reportDirectory: out)
            let cells = try plan.cells.indices.map { try BenchmarkCell(plan: plan, index: $0, reportDirectory: out) }
            guard cells.allSatisfy(\.isComplete) else { return }
        }
        let report = try BenchmarkReport.load(reportDirectory: out)
        try report.write(to: out)
        print(out + "/" + BenchmarkReport.files.markdown)
    }
}
