import ArgumentParser
import SimArenaCLI
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

@main
struct SABench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-bench",
        abstract: "Benchmarks of Sim-Arena's core (bin/bench.sh runs them all).",
        subcommands: [Codec.self, Simulate.self, SimulateSummary.self, SyntheticTraceFile.self])

    static func main() {
        runAsTool()
    }

    struct Codec: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode and re-encode one trace file; report MB/s (medians) and peak memory.")

        @Argument(help: "The file (JSON or MessagePack).")
        var input: String

        @Option(help: "How many timed decode+encode rounds.")
        var repetitions = 20

        func run() throws {
            print(try CodecBenchmark(path: input, repetitions: repetitions).report)
        }
    }

    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate a synthetic trace (Deployments of 100 pods) on identical nodes; report run() and "
                + "MessagePack-encoding wall time (medians) and peak memory.")

        @Option(help: "How many pods the trace asks for.")
        var pods: Int

        @Option(help: "How many nodes (16 CPU, 64Gi, 110 pods each).")
        var nodes: Int

        @Option(help: "How many timed runs.")
        var repetitions = 5

        @Option(help: "Simulated seconds per run.")
        var duration = 90

        @Option(help: "Also append a machine-readable line to this file (for simulate-summary).")
        var record: String?

        func validate() throws {
            guard pods >= 0, pods <= 1_000_000 else { throw ValidationError("--pods must be between 0 and 1000000") }
            guard nodes >= 1, nodes <= ClusterSpec.maxNodes else {
                throw ValidationError("--nodes must be between 1 and \(ClusterSpec.maxNodes)")
            }
            guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
            guard duration >= 0, Int64(duration) * 1000 <= SimulationOptions.maxDuration else {
                throw ValidationError("--duration must be between 0 and \(SimulationOptions.maxDuration / 1000)")
            }
        }

        func run() throws {
            let benchmark = try SimulationBenchmark(
                pods: pods, nodes: nodes, repetitions: repetitions, duration: Int64(duration) * 1000)
            print(benchmark.report)
            if let record { try FileIO.appendLine(Array(benchmark.record.utf8), to: record) }
        }
    }

    struct SimulateSummary: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulate-summary",
            abstract: "Growth between the recorded simulate cases and the simulator goals, met or missed.")

        @Argument(help: "The file that simulate --record (and bin/bench.sh's demo timings) wrote.")
        var recordFile: String

        func run() throws {
            for line in try SimulationBenchmark.Summary(recordFile: recordFile).report { print(line) }
        }
    }

    struct SyntheticTraceFile: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "synthetic-trace",
            abstract: "Write the benchmark's synthetic trace (or the 3-pod demo trace) and, optionally, its cluster spec.")

        @Option(help: "Where to write the trace (.msgpack or .json).")
        var out: String

        @Option(help: "How many pods (ignored with --demo).")
        var pods = 1000

        @Flag(help: "The 3-pod demo trace: one Deployment of 3 replicas requesting 500m and 256Mi.")
        var demo = false

        @Option(help: "Also write a cluster spec with this many nodes ...")
        var nodes: Int?

        @Option(help: "... to this file.")
        var clusterOut: String?

        func run() throws {
            let document = demo ? SyntheticTrace.demoDocument() : SyntheticTrace.document(pods: pods)
            try Document.write(document, to: out)
            if let clusterOut {
                try Document.write(SyntheticTrace.clusterDocument(nodes: nodes ?? 10), to: clusterOut)
            }
        }
    }
}
