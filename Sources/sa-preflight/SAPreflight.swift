import ArgumentParser
import SimArenaCLI
import SimArenaCore
import SimArenaKube
import SimArenaKubeCLI

#if canImport(Glibc)
import Glibc
#endif

@main
struct SAPreflight: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-preflight",
        abstract: "Check that a step can run: trace, target workload, cluster spec (or SimKube cluster), run directory and its lock.",
        discussion: """
            Writes the verdict (each check with ok and a message) to --out and exits 0 when every \
            check passes; otherwise prints the first failure and exits 75. With --run-dir and --pid, \
            takes the run's lock for that process, taking over a stale lock left by a killed run. \
            With --backend simkube, checks the cluster instead of the cluster spec: API reachable and \
            authenticated, SimKube's CRD, the driver and metrics namespaces, no leftover Simulation, \
            permissions (docs/simkube-backend.md); each failure names its fix.
            """)

    @Option(help: "The trace the step will simulate.")
    var trace: String

    @OptionGroup var workload: WorkloadOptions

    @Option(help: "The cluster spec (default: the built-in demo cluster).")
    var cluster: String?

    @Option(name: .customLong("run-dir"), help: "The run directory to check for writability and the lock.")
    var runDirectory: String?

    @Option(help: "The orchestrator's process id, to hold the run's lock (with --run-dir).")
    var pid: Int32?

    @Option(help: "Where to write the verdict (JSON).")
    var out: String?

    @OptionGroup var backend: BackendOptions

    static func main() {
        runAsTool()
    }

    func validate() throws {
        try backend.validate(clusterSpec: cluster)
    }

    func run() throws {
        let simKube = backend.backend == .simkube
        var verdict = PreflightVerdict(tracePath: trace, workload: workload.deploy, namespace: workload.namespace, clusterPath: cluster,
                                       runDirectory: runDirectory, pid: pid, embeddedCluster: !simKube)
        if simKube {
            let settings = try backend.settings()
            let namespaces = [workload.namespace ?? (try? Trace.load(trace).workloads(named: workload.deploy).first?.namespace) ?? "default"]
            verdict.addSimKubeChecks(client: { try PreflightVerdict.simKubeClient(backend.kubeConfigOptions) }, settings: settings,
                                     namespaces: namespaces)
        }
        if let out { try Document.write(verdict.value, to: out) }
        if let failure = verdict.failure {
            throw SimArenaError(.temporary, "preflight failed: \(failure)")
        }
    }
}
