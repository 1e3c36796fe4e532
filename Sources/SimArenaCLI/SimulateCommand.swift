import ArgumentParser
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

/// `sa-simulate` (and `sa-kube simulate`): one simulation of a trace, on the backends `Backends`
/// can make.
public struct SimulateCommand<Backends: ClusterBackendMaker>: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
        commandName: Backends.commandPrefix + "simulate",
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
            With --step-dir, the trace is the step's trace.msgpack, the result its simulation.json, \
            and the settings and seed the run's; --duration, --cluster and the backend flags override them.
            """)
    }

    @OptionGroup var step: StepDirectoryOptions

    @Option(help: "The trace to replay (MessagePack or JSON).")
    var trace: String?

    @Option(help: "Where to write the result (.json or .msgpack; '-' for JSON on standard output).")
    var out: String?

    @Option(help: "The cluster spec (default: the trace's metadata.scenario.cluster, else the built-in demo cluster, three 16-CPU 32Gi nodes).")
    var cluster: String?

    @Option(help: "Simulated seconds to run (0 to 86400; default 90).")
    var duration: Double?

    @Option(help: "Seed for delay jitter and generated pod names (default 0).")
    var seed: UInt64 = 0

    @OptionGroup var backend: BackendFlags

    @Option(name: .customLong("run"), help: "simkube: the run the step belongs to (names and labels the Simulation; default: manual).")
    var runName: String?

    @Option(help: "simkube: the step's episode (names the Simulation).")
    var episode: Int = 1

    @Option(name: .customLong("step"), help: "simkube: the step's number (names the Simulation).")
    var stepNumber: Int = 1

    @Flag(help: "simkube: delete the Simulations Sim-Arena left on the cluster (those of --run when given), then exit.")
    var cleanup = false

    public init() {}

    public func validate() throws {
        if let duration {
            guard duration.isFinite, duration >= 0, duration <= Double(SimulationOptions.maxDuration / 1000) else {
                throw ValidationError("--duration must be between 0 and \(SimulationOptions.maxDuration / 1000) seconds")
            }
        }
        guard episode >= 0, stepNumber >= 0 else { throw ValidationError("--episode and --step must not be negative") }
        let setting = backend.applied(to: BackendSetting())
        if setting.kind == .embedded && (runName != nil || cleanup || setting.kubeconfig != nil || setting.context != nil || setting.simKubeConfig != nil) {
            if step.stepDirectory == nil {
                throw ValidationError("--run, --cleanup, --kubeconfig, --context and --simkube-config go with --backend simkube")
            }
        }
        if setting.kind == .simkube && cluster != nil {
            throw ValidationError("--cluster describes the embedded simulator's cluster; SimKube runs on the real one")
        }
        try step.refuse(fileFlags: [("--trace", trace != nil), ("--out", out != nil), ("--run", runName != nil), ("--cleanup", cleanup)])
        if step.stepDirectory == nil, !cleanup {
            guard trace != nil else { throw ValidationError("--trace is required") }
            guard out != nil else { throw ValidationError("--out is required") }
        }
    }

    public func run() throws {
        InterruptSignals.install()
        do {
            if step.stepDirectory != nil {
                try step.run(.stage(.simulate), backend: Backends.make(for:)) { configuration in
                    configuration.durationSeconds = duration ?? configuration.durationSeconds
                    configuration.cluster = cluster ?? configuration.cluster
                    configuration.backend = backend.applied(to: configuration.backend)
                }
            } else if cleanup {
                let names = try Backends.cleanup(backend.applied(to: BackendSetting()), run: runName)
                print(names.isEmpty ? "no Simulation to delete" : "deleted: \(names.joined(separator: " "))")
            } else if let trace, let out {
                try simulate(trace: trace, out: out)
            }
        } catch let interrupted as SimKubeInterrupted {
            printError("\(Self.configuration.commandName ?? "sa-simulate"): interrupted by signal \(interrupted.signal); deleted simulation \(interrupted.simulation)")
            throw ExitCode(128 + interrupted.signal)
        }
    }

    private func simulate(trace path: String, out: String) throws {
        let backend = try Backends.make(backend.applied(to: BackendSetting()), cluster: cluster, durationSeconds: duration ?? 90).get()
        let trace = try Trace.load(path)
        let result: any SimulationOutcome
        do {
            result = try backend.simulate(trace, seed: seed, step: StepIdentity(run: runName ?? "manual", episode: episode, step: stepNumber))
        } catch let error as SimArenaError where error.kind == .data {
            throw error.prefixed(path)
        }
        if out == "-" {
            CommandSupport.writeStandardOutput(try JSONWriter.encode(result.document, pretty: true))
        } else {
            try result.write(to: out)
        }
    }
}
