import ArgumentParser
import SimArenaBenchmark
import SimArenaCLI

/// `sa-benchmark count`: how many cells (or lanes) a report folder's plan has.
struct CountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count", abstract: "Print the number of cells (or with --lanes, of lanes) of the plan in a report folder.")

    @Option(help: "The report folder.")
    var out: String

    @Flag(help: "Count the lanes: the indexes of an Indexed Job, the workers bin/sweep.sh can keep busy.")
    var lanes = false

    func run() throws {
        let plan = try BenchmarkPlan.load(reportDirectory: out)
        print(lanes ? plan.laneCount : plan.cells.count)
    }
}
