import ArgumentParser
import SimArenaCLI
import SimArenaCore
import SimArenaKube
import SimArenaKubeCLI

@main
struct SASimulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-simulate",
        abstract: "Replay a trace on the embedded cluster simulator, or on a cluster with SimKube, and write the cluster's final state.",
        discussion: """
            Embedded (the default): simulated time runs for --duration seconds from the first trace \
            event; no cluster and no waiting are needed. The result (format simarena.simulation/v1, \
            docs/simulation-format.md) is JSON, or MessagePack when OUT ends in .msgpack. Same inputs \
            and seed, same bytes.
            SimKube (--backend simkube, docs/simkube-backend.md): creates the step's Simulation (named \
            from --run, --episode and --step), waits until it runs, lets it run --duration / speed \
            seconds of wall time, writes the pods of the virtual namespaces in the same format and \
            deletes the Simulation, also on SIGINT/SIGTERM (exit 130/143). --cleanup deletes the \
            Simulations earlier runs left (those of --run when given).
            """)

    @Option(help: "The trace to replay (MessagePack or JSON).")
    var trace: String?

    @Option(help: "Where to write the result (.json or .msgpack; '-' for JSON on standard output).")
    var out: String?

    @Option(help: "The cluster spec (default: the built-in demo cluster, three 16-CPU 32Gi nodes).")
    var cluster: String?

    @Option(help: "Simulated seconds to run (0 to 86400).")
    var duration: Double = 90

    @Option(help: "Seed for delay jitter and generated pod names.")
    var seed: UInt64 = 0

    @OptionGroup var backend: BackendOptions

    @Option(name: .customLong("run"), help: "simkube: the run the step belongs to (names and labels the Simulation; default: manual).")
    var runName: String?

    @Option(help: "simkube: the step's episode (names the Simulation).")
    var episode: Int = 1

    @Option(help: "simkube: the step's number (names the Simulation).")
    var step: Int = 1

    @Flag(help: "simkube: delete the Simulations Sim-Arena left on the cluster (those of --run when given), then exit.")
    var cleanup = false

    static func main() {
        runAsTool()
    }

    func validate() throws {
        guard duration.isFinite, duration >= 0, duration <= Double(SimulationOptions.maxDuration / 1000) else {
            throw ValidationError("--duration must be between 0 and \(SimulationOptions.maxDuration / 1000) seconds")
        }
        guard episode >= 0, step >= 0 else { throw ValidationError("--episode and --step must not be negative") }
        if backend.backend == .embedded && (runName != nil || cleanup) {
            throw ValidationError("--run and --cleanup go with --backend simkube")
        }
        try backend.validate(clusterSpec: cluster)
        if !cleanup {
            guard trace != nil else { throw ValidationError("--trace is required") }
            guard out != nil else { throw ValidationError("--out is required") }
        }
    }

    func run() throws {
        if cleanup {
            let names = try SimKubeRunner.cleanup(client: try KubeClient(options: backend.kubeConfigOptions), run: runName)
            print(names.isEmpty ? "no Simulation to delete" : "deleted: \(names.joined(separator: " "))")
            return
        }
        guard let trace, let out else { return }
        let result: KValue
        switch backend.backend {
        case .embedded:
            let simulated = try Simulation.run(
                tracePath: trace, clusterPath: cluster,
                options: SimulationOptions(duration: Int64((duration * 1000).rounded()), seed: seed))
            if out != "-" && DataFormat(path: out) == .msgpack {
                // Streamed: the same bytes as encoding `result.value`, without building it.
                return try FileIO.writeAtomically(simulated.messagePack, to: out)
            }
            result = simulated.value
        case .simkube:
            result = try simulateOnCluster(trace: trace).value
        }
        if out == "-" {
            CommandSupport.writeStandardOutput(try JSONWriter.encode(result, pretty: true))
        } else {
            try Document.write(result, to: out)
        }
    }

    private func simulateOnCluster(trace path: String) throws -> SimKubeResult {
        InterruptSignals.install()
        let runner = SimKubeRunner(client: try KubeClient(options: backend.kubeConfigOptions), settings: try backend.settings())
        var namespaces: [String] = []
        for workload in try Trace.load(path).workloads() where !namespaces.contains(workload.namespace) {
            namespaces.append(workload.namespace)
        }
        let run = runName ?? "manual"
        let name = SimKubeSimulation.name(run: run, episode: episode, step: step)
        do {
            return try runner.run(tracePath: path, namespaces: namespaces, name: name, run: run, duration: duration)
        } catch let interrupted as SimKubeInterrupted {
            printError("sa-simulate: interrupted by signal \(interrupted.signal); deleted simulation \(interrupted.simulation)")
            throw ExitCode(128 + interrupted.signal)
        }
    }
}
