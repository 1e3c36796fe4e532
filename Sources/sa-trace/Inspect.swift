import ArgumentParser
import SimArenaCLI
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

extension SATrace {
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarise a trace: events, time span, objects by kind, workloads and their resources.")

        @Argument(help: "The trace to read.")
        var input: String

        @Flag(help: "Print the summary as JSON (a `workloads` array with kind, namespace, name, replicas, containers).")
        var json = false

        func run() throws {
            let trace = try Trace.load(input)
            let summary: TraceSummary
            do {
                summary = try TraceSummary(trace)
            } catch let error as SimArenaError {
                throw error.prefixed(input)
            }
            if json {
                CommandSupport.writeStandardOutput(try JSONWriter.encode(summary.value, pretty: true))
            } else {
                print(summary.render(source: input))
            }
        }
    }
}
