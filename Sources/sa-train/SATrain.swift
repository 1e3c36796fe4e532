import ArgumentParser
import SimArenaCLI
import SimArenaCore

#if canImport(Glibc)
import Glibc
#endif

/// The exit status a SIGINT (130) or SIGTERM (143) asks for; 0 while none came.
nonisolated(unsafe) private var stopStatus: Int32 = 0

@main
struct SATrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-train",
        abstract: "Run a run directory's remaining steps in one process (bin/train.sh --fast).",
        discussion: """
            Continues a run created by 'sa-run new' (or resumed): the same stage functions as \
            bin/step.sh, with values kept in memory, give the same step.jsonl, summary.json and \
            checkpoints. Step directories are written only with --keep-steps. Preflight runs once per \
            original trace. Takes the run's lock for this process. SIGINT/SIGTERM finish the current \
            step, then exit 130/143. Hooks are not supported.
            """)

    @Option(name: .customLong("run-dir"), help: "The run directory (from 'sa-run new').")
    var runDirectory: String

    @OptionGroup var workload: WorkloadOptions

    @Option(help: "The number of ready pods that counts as healthy (default: the trace scenario's target).")
    var target: Int64?

    @Option(help: "Simulated seconds per step.")
    var duration: Double = 90

    @Option(help: "The reward function: base, shaped, max_punish or cost_aware.")
    var reward: RewardFunction = .shaped

    @Option(help: "When the episode is over: healthy or right_sized (default: the scenario's, else healthy).")
    var goal: EpisodeGoal?

    @Option(help: "Most actions per episode.")
    var steps: Int = 200

    @Option(name: .customLong("Naction"), help: "Size of the action space (1 to 7).")
    var actionCount: Int = 4

    @Option(help: "A hand-coded policy: noop, heuristic, random, bump_cpu, bump_mem, scale_replicas.")
    var policy: HandCodedPolicy?

    @Option(name: .customLong("policy-cmd"), help: "An outside program: gets the observation (JSON) on stdin, prints an action.")
    var policyCommand: String?

    @Option(name: .customLong("policy-timeout"), help: "Seconds the outside program may take.")
    var policyTimeout: Double = 5

    @OptionGroup var learner: LearnerOptions

    @Option(help: "Evaluate a trained agent's checkpoint: act greedily with it (epsilon 0), without learning.")
    var evaluate: String?

    @Option(help: "The cluster spec (default: the built-in demo cluster).")
    var cluster: String?

    @Option(name: .customLong("checkpoints-dir"), help: "Where checkpoints go: <DIR>/<run>/ (learning agents).")
    var checkpointsDirectory: String = "checkpoints"

    @Option(name: .customLong("checkpoint-interval"), help: "Also keep checkpoint_ep<N> every this many episodes.")
    var checkpointInterval: Int = 10

    @Option(help: "Also copy the final checkpoint here (learning agents).")
    var save: String?

    @Flag(name: .customLong("keep-steps"), help: "Write every step's directory, as the shell path does.")
    var keepSteps = false

    @Option(name: .customLong("plot-script"), help: "The plotting job (jobs/plot.sh) to render plots into the checkpoint folder after each episode.")
    var plotScript: String?

    @OptionGroup var actions: ActionSettingsOptions

    static func main() {
        runAsTool()
    }

    func validate() throws {
        guard (1...AgentAction.allCases.count).contains(actionCount) else {
            throw ValidationError("--Naction must be between 1 and \(AgentAction.allCases.count)")
        }
        guard [policy != nil, policyCommand != nil, learner.agent != nil, evaluate != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --policy, --policy-cmd, --agent or --evaluate")
        }
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
        guard checkpointInterval >= 1 else { throw ValidationError("--checkpoint-interval must be a positive whole number") }
        guard duration.isFinite, duration >= 0, duration <= Double(SimulationOptions.maxDuration / 1000) else {
            throw ValidationError("--duration must be between 0 and \(SimulationOptions.maxDuration / 1000) seconds")
        }
        if let target, target < 0 || target > 1_000_000 { throw ValidationError("--target must be between 0 and 1000000") }
        guard policyTimeout > 0, policyTimeout <= 3600 else { throw ValidationError("--policy-timeout must be between 0 and 3600 seconds") }
    }

    func run() throws {
        let chooser: FastTrainer.Chooser
        if let policy {
            chooser = .policy(policy)
        } else if let policyCommand {
            chooser = .command(policyCommand, timeout: policyTimeout)
        } else if let evaluate {
            chooser = .trained(try LearningAgent.load(evaluate).withoutExploration)
        } else {
            chooser = .learning(fresh: try learner.fresh(actions: actionCount)!)
        }
        let run = try RunDirectory.settings(of: runDirectory).run
        var options = FastTrainer.Options(runDirectory: runDirectory, workload: workload.deploy, chooser: chooser, pid: getpid())
        options.namespace = workload.namespace
        options.target = target
        options.durationSeconds = duration
        options.reward = reward
        options.goal = goal
        options.maxActions = steps
        options.allowedActions = actionCount
        options.clusterPath = cluster
        options.actionSettings = actions.settings
        options.checkpointInterval = checkpointInterval
        options.save = save
        options.keepSteps = keepSteps
        options.plotScript = plotScript
        if learner.agent != nil || plotScript != nil {
            let folder = checkpointsDirectory + "/" + run
            try FileIO.createDirectories(folder)
            options.checkpointFolder = folder
        }
        signal(SIGINT) { _ in stopStatus = 130 }
        signal(SIGTERM) { _ in stopStatus = 143 }
        let status = try FastTrainer.run(options, output: { line in
            print(line)
            fflush(nil)
        }, interrupted: { stopStatus })
        if status != 0 { throw ExitCode(status) }
    }
}
