import ArgumentParser
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

/// `sa-preflight` (and `sa-kube preflight`): the checks of a step, on the backends `Backends`
/// can make.
public struct PreflightCommand<Backends: ClusterBackendMaker>: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
        commandName: Backends.commandPrefix + "preflight",
        abstract: "Check that a step can run: trace, target workload, cluster spec (or SimKube cluster), run directory and its lock.",
        discussion: """
            Writes the verdict (each check with ok and a message) to --out and exits 0 when every \
            check passes; otherwise prints the first failure and exits 75. With --run-dir and --pid, \
            takes the run's lock for that process, taking over a stale lock left by a killed run. \
            With --backend simkube, checks the cluster instead of the cluster spec: API reachable and \
            authenticated, SimKube's CRD, the driver and metrics namespaces, no leftover Simulation, \
            permissions (docs/simkube-backend.md); each failure names its fix.
            With --step-dir, checks the step's trace.msgpack with the run's settings and writes its \
            preflight.json; --deploy, --namespace, --cluster and the backend flags override the settings.
            """)
    }

    @OptionGroup var step: StepDirectoryOptions

    @Option(help: "The trace the step will simulate.")
    var trace: String?

    @OptionGroup var workload: WorkloadOptions

    @Option(help: "The cluster spec (default: the trace's metadata.scenario.cluster, else the built-in demo cluster).")
    var cluster: String?

    @Option(name: .customLong("run-dir"), help: "The run directory to check for writability and the lock.")
    var runDirectory: String?

    @Option(help: "The orchestrator's process id, to hold the run's lock (with --run-dir or --step-dir).")
    var pid: Int32?

    @Option(help: "Where to write the verdict (JSON).")
    var out: String?

    @OptionGroup var backend: BackendFlags

    public init() {}

    public func validate() throws {
        if backend.backend == .simkube && cluster != nil {
            throw ValidationError("--cluster describes the embedded simulator's cluster; SimKube runs on the real one")
        }
        try step.refuse(fileFlags: [("--trace", trace != nil), ("--run-dir", runDirectory != nil), ("--out", out != nil)])
        if step.stepDirectory == nil {
            guard trace != nil else { throw ValidationError("--trace is required") }
            guard workload.deploy != nil else { throw ValidationError("--deploy is required") }
        }
    }

    public func run() throws {
        if step.stepDirectory != nil {
            return try step.run(.stage(.preflight), pid: pid, backend: Backends.make(for:)) { configuration in
                workload.apply(to: &configuration)
                configuration.cluster = cluster ?? configuration.cluster
                configuration.backend = backend.applied(to: configuration.backend)
            }
        }
        guard let trace, let deploy = workload.deploy else { return }
        let made = Backends.make(backend.applied(to: BackendSetting()), cluster: cluster, durationSeconds: 90)
        let verdict = PreflightVerdict(traceName: trace, loadTrace: { try Trace.load(trace) }, workload: deploy, namespace: workload.namespace,
                                       backend: made, runDirectory: runDirectory, pid: pid)
        if let out { try Document.write(verdict.value, to: out) }
        if let failure = verdict.failure {
            throw SimArenaError(.temporary, "preflight failed: \(failure)")
        }
    }
}
