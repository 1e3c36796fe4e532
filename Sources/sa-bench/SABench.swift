import ArgumentParser
import SimArenaCLI
import SimArenaCore

@main
struct SABench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-bench",
        abstract: "Benchmarks of Sim-Arena's core (bin/bench.sh runs them all).",
        subcommands: [Codec.self])

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
}
