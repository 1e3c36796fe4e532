import ArgumentParser
import SimArenaCLI
import SimArenaCore

@main
struct SASimulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-simulate",
        abstract: "Replay a trace on the embedded cluster simulator and write the cluster's final state.",
        discussion: """
            Simulated time runs for --duration seconds from the first trace event; no cluster and no \
            waiting are needed. The result (format simarena.simulation/v1, docs/simulation-format.md) \
            is JSON, or MessagePack when OUT ends in .msgpack. Same inputs and seed, same bytes.
            """)

    @Option(help: "The trace to replay (MessagePack or JSON).")
    var trace: String

    @Option(help: "Where to write the result (.json or .msgpack; '-' for JSON on standard output).")
    var out: String

    @Option(help: "The cluster spec (default: the built-in demo cluster, three 16-CPU 32Gi nodes).")
    var cluster: String?

    @Option(help: "Simulated seconds to run (0 to 86400).")
    var duration: Double = 90

    @Option(help: "Seed for delay jitter and generated pod names.")
    var seed: UInt64 = 0

    static func main() {
        runAsTool()
    }

    func validate() throws {
        guard duration.isFinite, duration >= 0, duration <= Double(SimulationOptions.maxDuration / 1000) else {
            throw ValidationError("--duration must be between 0 and \(SimulationOptions.maxDuration / 1000) seconds")
        }
    }

    func run() throws {
        let result = try Simulation.run(
            tracePath: trace, clusterPath: cluster,
            options: SimulationOptions(duration: Int64((duration * 1000).rounded()), seed: seed))
        if out == "-" {
            CommandSupport.writeStandardOutput(try JSONWriter.encode(result.value, pretty: true))
        } else if DataFormat(path: out) == .msgpack {
            // Streamed: the same bytes as encoding `result.value`, without building it.
            try FileIO.writeAtomically(result.messagePack, to: out)
        } else {
            try Document.write(result.value, to: out)
        }
    }
}
