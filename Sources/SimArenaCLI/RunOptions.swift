import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// `bin/train.sh`'s flags: the one table of a run's settings, parsed once (by `sa-run new`) into
/// a ``RunConfiguration``.
public struct RunOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A trace episodes start from (SimKube MessagePack or JSON); repeat for several.", valueName: "file"))
    var trace: [String] = []

    @Option(help: ArgumentHelp("A folder of traces (*.msgpack, *.sktrace, *.json) or a glob; episodes use them in a seeded order.",
                               valueName: "dir|glob"))
    var traces: String?

    @Option(help: "The target workload's name.")
    var deploy = "web"

    @Option(name: .customLong("ns"), help: "The target workload's namespace (default: the first workload of that name).")
    var namespace: String?

    @Option(help: "Ready pods that count as healthy (default: the target each trace's scenario declares).")
    var target: Int64?

    @Option(help: "dqn, greedy (learning), or a policy: noop, heuristic, random, bump_cpu, bump_mem, scale_replicas.")
    var agent = "heuristic"

    @Option(name: .customLong("policy-cmd"), help: "An outside program: gets the observation (JSON) on stdin, prints an action.")
    var policyCommand: String?

    @Option(name: .customLong("policy-timeout"), help: "Seconds the outside program may take per step.")
    var policyTimeout: Double = 5

    @Option(help: ArgumentHelp("Evaluate a trained agent's checkpoint: act greedily with it, without learning; the checkpoint is not changed.",
                               valueName: "checkpoint"))
    var evaluate: String?

    @Option(help: "Episodes to run.")
    var episodes = 200

    @Option(help: "Most actions per episode.")
    var steps = 200

    @Option(help: "Simulated seconds per step (wall seconds with SimKube).")
    var duration: Double = 90

    @Option(help: "The reward function: base, shaped, max_punish or cost_aware.")
    var reward = RewardFunction.shaped

    @Option(name: .customLong("Naction"), help: "Size of the action space (1 to 7; 7 adds the reductions).")
    var actionCount = 4

    @Option(help: "Base seed (default: random, or the one a --load checkpoint records).")
    var seed: UInt64?

    @Option(help: "When an episode is over: healthy or right_sized (default: the scenario's, else healthy).")
    var goal: EpisodeGoal?

    @Option(help: "The embedded simulator's cluster spec (default: each trace's metadata.scenario.cluster, else the built-in demo cluster).")
    var cluster: String?

    @Option(help: "Hooks to run around each step's simulation (JSON; docs/run-directory.md).")
    var hooks: String?

    @Option(name: .customLong("checkpoint-interval"), help: "Keep checkpoint_ep<N> and plot copies every this many episodes.")
    var checkpointInterval = 10

    @Option(help: "A learning agent's checkpoint to start from.")
    var load: String?

    @Option(help: "Also copy the final checkpoint here (learning agents).")
    var save: String?

    @Option(name: .customLong("runs-dir"), help: "Where run directories go (default: the repository's runs/).")
    var runsDirectory: String?

    @Option(name: .customLong("checkpoints-dir"), help: "Where checkpoint folders go (default: the repository's checkpoints/).")
    var checkpointsDirectory: String?

    @Flag(name: .customLong("no-plots"), help: "Do not render plots after each episode.")
    var noPlots = false

    @Flag(help: "Run the steps in one process (sa-train); the same step.jsonl, summary.json and checkpoints.")
    var fast = false

    @Flag(name: .customLong("keep-steps"), help: "With --fast: write every step's directory, as the shell path does.")
    var keepSteps = false

    @Flag(name: .customLong("log-to-terminal"), help: "Print to the terminal even when standard output is not one (read by bin/train.sh).")
    var logToTerminal = false

    @OptionGroup var backend: BackendFlags
    @OptionGroup var learner: LearnerOptions
    @OptionGroup var actions: ActionSettingsOptions

    public init() {}

    /// The run `flags` (bin/train.sh's, without the program) describe, as
    /// ``configuration(command:plotScript:)`` makes it without plots; a flag the table does not
    /// know is a usage error naming it.
    public static func configuration(parsing flags: [String]) throws -> RunConfiguration {
        let options: RunOptions
        do {
            options = try RunOptions.parse(flags)
        } catch {
            let message = RunOptions.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw SimArenaError(.usage, message)
        }
        return try options.configuration(command: ["bin/train.sh"] + flags, plotScript: nil)
    }

    /// Where runs go when `--runs-dir` is not given.
    public var runsRoot: String? { runsDirectory }
    /// Where checkpoint folders go when `--checkpoints-dir` is not given.
    public var checkpointsRoot: String? { checkpointsDirectory }

    /// The run these flags describe, checked, with every path made absolute (a run resumed
    /// from another folder finds its files). `command` is the command line as typed; `plotScript`
    /// renders the plots unless `--no-plots`. Traces are read here, so a run that cannot start
    /// fails before its directory exists.
    public func configuration(command: [String], plotScript: String?) throws -> RunConfiguration {
        let chooser = try chooserSetting()
        let paths = try traceList()
        let seed = try self.seed ?? load.flatMap { try LearningAgent.continueSeed(ofCheckpoint: Self.absolute($0)) } ?? Self.randomSeed()
        var configuration = RunConfiguration(agent: try runName(chooser), traces: paths, seed: seed, chooser: chooser)
        configuration.command = self.seed == nil ? command + ["--seed", String(seed)] : command
        configuration.episodes = episodes
        configuration.steps = steps
        configuration.load = load.map(Self.absolute)
        configuration.workload = deploy
        // SimKube runs a trace's namespace NS as virtual-NS: either names the same workload.
        configuration.namespace = namespace.map { $0.hasPrefix("virtual-") ? String($0.dropFirst("virtual-".count)) : $0 }
        configuration.target = target
        configuration.durationSeconds = duration
        configuration.reward = reward
        configuration.goal = goal
        configuration.actionCount = actionCount
        configuration.actions = try actions.applied(to: ActionSettings())
        configuration.cluster = cluster.map(Self.absolute)
        configuration.hooks = hooks.map(Self.absolute)
        var backend = backend.applied(to: BackendSetting())
        backend.kubeconfig = backend.kubeconfig.map(Self.absolute)
        backend.simKubeConfig = backend.simKubeConfig.map(Self.absolute)
        configuration.backend = backend
        configuration.checkpointInterval = checkpointInterval
        configuration.save = save.map(Self.absolute)
        configuration.plotScript = noPlots ? nil : plotScript
        configuration.fast = fast
        configuration.keepSteps = keepSteps
        try configuration.validate()
        try checkInputs(configuration)
        return configuration
    }

    private func chooserSetting() throws -> ChooserSetting {
        if let evaluate {
            guard policyCommand == nil else { throw SimArenaError(.usage, "--evaluate and --policy-cmd cannot both choose the actions") }
            guard learner.isEmpty, load == nil else { throw SimArenaError(.usage, "--evaluate does not learn: drop --load and the learning flags") }
            return .evaluate(checkpoint: Self.absolute(evaluate))
        }
        if let policyCommand { return .command(policyCommand, timeoutSeconds: policyTimeout) }
        if LearningAgent.names.contains(agent) { return .learning(try learner.fresh(agent: agent, actions: actionCount)) }
        guard let policy = HandCodedPolicy(rawValue: agent) else {
            let policies = HandCodedPolicy.allCases.map(\.rawValue).joined(separator: ", ")
            throw SimArenaError(.usage, "--agent must be dqn, greedy, \(policies) (or use --policy-cmd)")
        }
        guard learner.isEmpty else { throw SimArenaError(.usage, "the learning flags need a learning agent (--agent dqn or greedy)") }
        return .policy(policy)
    }

    /// The run's name: the chooser's (`command` for an outside program, `<agent>-eval` for an evaluation).
    private func runName(_ chooser: ChooserSetting) throws -> String {
        switch chooser {
        case .policy(let policy): return policy.rawValue
        case .command: return "command"
        case .learning(let learner): return learner.name
        case .evaluate(let checkpoint): return try LearningAgent.load(checkpoint).name + "-eval"
        }
    }

    /// The `--trace` files, then those of `--traces` (a folder's traces sorted by name, or a glob's matches).
    private func traceList() throws -> [String] {
        var paths: [String] = []
        if let traces {
            if FileIO.isDirectory(traces) {
                paths = try FileIO.list(traces).filter { ["msgpack", "sktrace", "json"].contains($0.split(separator: ".").last ?? "") }
                    .sorted().map { traces + "/" + $0 }
            } else {
                paths = Self.glob(traces)
            }
            guard !paths.isEmpty else { throw SimArenaError(.noInput, "--traces '\(traces)' matches no trace files") }
        }
        paths.insert(contentsOf: trace, at: 0)
        guard !paths.isEmpty else { throw SimArenaError(.usage, "--trace FILE (or --traces DIR|GLOB) is required") }
        for path in paths where !FileIO.exists(path) || FileIO.isDirectory(path) {
            throw SimArenaError(.noInput, "--trace: \(path): no such file")
        }
        return paths.map(Self.absolute)
    }

    /// What no `--resume` could cure: each trace reads, names the workload, declares a target
    /// when `--target` is not given, and declares a cluster that reads when the embedded
    /// simulator will use it (no `--cluster`); the cluster spec, hooks and checkpoints read.
    private func checkInputs(_ configuration: RunConfiguration) throws {
        for path in configuration.traces {
            let trace = try Trace.load(path)
            guard try !trace.workloads(named: configuration.workload, namespace: configuration.namespace).isEmpty else {
                let names = try trace.workloads().map { "\($0.namespace)/\($0.name)" }
                throw SimArenaError(.data, "--deploy \(configuration.workload): \(path) has no such workload (it has: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
            }
            let declared: Int64?
            do {
                declared = try Observation.declaredTarget(of: trace)
            } catch let error as SimArenaError {
                throw error.prefixed(path)
            }
            if configuration.target == nil, declared == nil {
                throw SimArenaError(.usage, "--target is needed: \(path) declares no metadata.scenario.target")
            }
            if configuration.cluster == nil, configuration.backend.kind == .embedded {
                do {
                    _ = try DeclaredCluster.spec(of: trace)
                } catch let error as SimArenaError {
                    throw error.prefixed(path)
                }
            }
        }
        if let cluster = configuration.cluster { _ = try ClusterSpec.load(cluster) }
        if let hooks = configuration.hooks { _ = try HookSet.load(hooks) }
        if let load = configuration.load, case .learning(let learner) = configuration.chooser {
            let agent = try LearningAgent.load(load)
            guard agent.name == learner.name else {
                throw SimArenaError(.usage, "--load \(load): a checkpoint of the \(agent.name) agent, not of \(learner.name)")
            }
        }
    }

    /// `path` made absolute against the working directory.
    public static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let folder = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return folder + "/" + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }

    /// The files a glob pattern matches, sorted (none when it matches nothing).
    static func glob(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard Glibc.glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }

    static func randomSeed() -> UInt64 {
        UInt64(UInt32.random(in: 0...UInt32.max))
    }
}
