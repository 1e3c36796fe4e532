import ArgumentParser
import SimArenaCLI
import SimArenaKube
import SimArenaModel
import SimArenaRL
import SimArenaSimulation
import SimArenaRecommend
import SimArenaRun

#if canImport(Glibc)
import Glibc
#endif

/// `sa-recommend fix` (the default): the recommendation for a trace, written to a folder.
struct FixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Simulate a trace, fix every unhealthy or wasteful workload in the simulator, write the patches and the report.",
        discussion: """
            Each workload with replicas (Deployment, StatefulSet, ReplicaSet) is judged at the end of a \
            simulation of the whole trace: unhealthy when fewer pods than its replicas are Ready, or some \
            are Pending, OOM-killed, crash-looping or starved of CPU; wasteful when the trace declares usage \
            (simarena.io/usage) and a request per pod is at least one action step above it. The fixer then \
            acts on each such workload in turn, every step simulating the whole trace; the best state it \
            reaches that makes no other workload worse is kept. Writes to --out: patch.yaml, kubectl.sh, \
            report.md, report.json, fixed-trace.json (or .msgpack, as the input), and with --namespace the \
            trace read from the cluster (trace.json). Nothing is written to a cluster. Exit status: 0 every \
            workload healthy after the fix, 1 some still unhealthy, 64 bad usage, 65 bad data, 66 unreadable \
            input, 73 cannot write, 75 a cluster that cannot be reached or read.
            """)

    @Option(help: "The trace to fix (a SimKube trace exported from a cluster: MessagePack or JSON).")
    var trace: String?

    @Option(help: "Read this namespace of a live cluster instead (read-only: Deployments, StatefulSets, pods, PodMetrics).")
    var namespace: String?

    @Option(help: "The output folder (created if missing).")
    var out: String

    @Option(help: ArgumentHelp("Who fixes: a policy (heuristic, vpa, krr, …) or a trained agent's checkpoint file (acting greedily).",
                               valueName: "policy|checkpoint"))
    var fixer: String?

    @Option(name: .customLong("policy-cmd"), help: "An outside program as the fixer (as bin/train.sh --policy-cmd).")
    var policyCommand: String?

    @Option(name: .customLong("policy-timeout"), help: "Seconds the outside program may take per decision.")
    var policyTimeout: Double = 5

    @Option(help: "The embedded simulator's cluster spec (default: the trace's metadata.scenario.cluster, else the built-in demo cluster).")
    var cluster: String?

    @Option(help: "Simulated seconds per simulation (default: the trace's time span + 90).")
    var duration: Double?

    @Option(help: "Most actions the fixer may take per workload.")
    var steps: Int = RecommendSettings().maxActions

    @Option(name: .customLong("Naction"), help: "Size of the fixer's action space (1 to 7; 7, the default, has the reductions).")
    var actionCount: Int = AgentAction.allCases.count

    @Option(help: "Seed of the simulations and of any random choice.")
    var seed: UInt64 = 0

    @OptionGroup var actions: ActionSettingsOptions
    @OptionGroup var backend: BackendFlags

    func validate() throws {
        guard (trace == nil) != (namespace == nil) else { throw ValidationError("give one of --trace FILE and --namespace NS") }
        if fixer != nil && policyCommand != nil { throw ValidationError("--fixer and --policy-cmd name two fixers; give one") }
        guard (1...AgentAction.allCases.count).contains(actionCount) else { throw ValidationError("--Naction must be between 1 and 7") }
        guard (1...100_000).contains(steps) else { throw ValidationError("--steps must be between 1 and 100000") }
        if let duration, !(duration.isFinite && duration > 0 && duration <= Double(SimulationOptions.maxDuration / 1000)) {
            throw ValidationError("--duration must be more than 0 and at most \(SimulationOptions.maxDuration / 1000) seconds")
        }
        guard policyTimeout > 0 && policyTimeout <= 3600 else { throw ValidationError("--policy-timeout must be between 0 and 3600 seconds") }
        if backend.backend == .simkube && cluster != nil {
            throw ValidationError("--cluster describes the embedded simulator's cluster; SimKube runs on the real one")
        }
    }

    func run() throws {
        // Everything that can be refused is checked before the output folder is made.
        var settings = RecommendSettings()
        settings.actions = try actions.applied(to: ActionSettings())
        settings.actionCount = actionCount
        settings.maxActions = steps
        settings.seed = seed
        let chooser = try makeFixer()
        let connection = KubeConfigOptions(kubeconfig: backend.kubeconfig, context: backend.context)
        let (input, inputName, snapshot) = try readInput(connection)
        settings.durationSeconds = duration ?? Self.defaultDuration(of: input)
        let embedded = try EmbeddedCluster(clusterPath: cluster, durationSeconds: settings.durationSeconds)
        let spec = try embedded.spec(for: input)
        var simKube: (any ClusterBackend)?
        if backend.backend == .simkube {
            simKube = try KubeBackends.make(backend.applied(to: BackendSetting()), cluster: nil, durationSeconds: settings.durationSeconds).get()
        }

        let recommender = Recommender(fixer: chooser, backend: embedded, settings: settings)
        var recommendation = try recommender.recommend(input, traceName: inputName) { fix in
            printError("sa-recommend: \(fix.label): \(fix.verdict.rawValue), \(fix.effectiveActions.count) action(s) kept of \(fix.actionsTried) tried")
        }
        let source = cluster ?? (DeclaredCluster.declaration(in: input) == nil ? "the built-in demo cluster" : DeclaredCluster.field)
        recommendation.cluster = "\(source): \(spec.nodePools.reduce(0) { $0 + $1.count }) nodes"
        if let simKube {
            let outcome = try simKube.simulate(recommendation.fixed, seed: seed, step: StepIdentity(run: "recommend", episode: 1, step: 1))
            recommendation.simKube = try WorkloadHealth.diagnose(outcome, trace: recommendation.fixed)
        }
        try write(recommendation, snapshot: snapshot)
        let unhealthy = recommendation.after.filter { !$0.isHealthy }.count
        let patched = try recommendation.patches().count
        print("\(out)/report.md: \(patched) workload\(patched == 1 ? "" : "s") patched; "
              + (unhealthy == 0 ? "every workload healthy after the fix" : "\(unhealthy) still unhealthy"))
        if unhealthy > 0 { throw ExitCode(1) }
    }

    /// The chooser --fixer or --policy-cmd names (default: the heuristic, the benchmark's best).
    private func makeFixer() throws -> ActionChooser {
        if let policyCommand { return .command(policyCommand, timeout: policyTimeout) }
        let name = fixer ?? HandCodedPolicy.heuristic.rawValue
        if let policy = HandCodedPolicy(rawValue: name) { return .policy(policy) }
        guard FileIO.exists(name) else {
            let policies = HandCodedPolicy.allCases.map(\.rawValue).joined(separator: ", ")
            throw SimArenaError(.usage, "--fixer \(name): neither a policy (\(policies)) nor a checkpoint file")
        }
        return .agent(try LearningAgent.load(name).withoutExploration)
    }

    /// The trace to fix, its name in messages, and the snapshot it came from in live mode.
    private func readInput(_ connection: KubeConfigOptions) throws -> (Trace, String, Trace?) {
        if let trace { return (try Trace.load(trace), trace, nil) }
        let snapshot = try NamespaceSnapshot.take(client: try KubeClient(options: connection), namespace: namespace ?? "")
        for warning in snapshot.warnings { printError("sa-recommend: warning: \(warning)") }
        return (snapshot.trace, "\(out)/trace.json", snapshot.trace)
    }

    /// The trace's time span plus 90 seconds (the original's step), within the simulator's limit.
    static func defaultDuration(of trace: Trace) -> Double {
        let times = trace.events.map(\.ts)
        let span = (times.max() ?? 0).subtractingReportingOverflow(times.min() ?? 0)
        let limit = Double(SimulationOptions.maxDuration / 1000)
        return span.overflow ? limit : min(limit, Double(span.partialValue) + 90)
    }

    /// Writes the output folder's files, each atomically.
    private func write(_ recommendation: Recommendation, snapshot: Trace?) throws {
        try FileIO.createDirectories(out)
        if let snapshot { try snapshot.write(to: "\(out)/trace.json") }
        try FileIO.writeAtomically(Array(try recommendation.patchFile().utf8), to: "\(out)/patch.yaml")
        try FileIO.writeAtomically(Array(try recommendation.kubectlScript().utf8), to: "\(out)/kubectl.sh")
        chmod("\(out)/kubectl.sh", 0o755)
        try Document.write(try recommendation.report(), to: "\(out)/report.json")
        try FileIO.writeAtomically(Array(try recommendation.markdown().utf8), to: "\(out)/report.md")
        let format = DataFormat(path: recommendation.traceName) ?? .json
        try recommendation.fixed.write(to: "\(out)/fixed-trace.\(format == .json ? "json" : "msgpack")", as: format)
    }
}
