import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// Who chooses a run's actions.
public enum ChooserSetting: Sendable, Equatable {
    /// A hand-coded policy (`--agent heuristic`, …).
    case policy(HandCodedPolicy)
    /// An outside program (`--policy-cmd`), given the observation on stdin, with a time limit.
    case command(String, timeoutSeconds: Double)
    /// A learning agent (`--agent greedy|dqn`) that learns as it acts.
    case learning(FreshAgent)
    /// A trained agent's checkpoint acting greedily, without learning (`--evaluate`).
    case evaluate(checkpoint: String)

    public var learns: Bool {
        if case .learning = self { return true }
        return false
    }
}

/// Where a run's simulations happen and, for SimKube, how to reach the cluster.
public struct BackendSetting: Sendable, Hashable {
    public var kind: SimulationBackend = .embedded
    public var kubeconfig: String?
    public var context: String?
    /// SimKube's settings file (docs/simkube-backend.md).
    public var simKubeConfig: String?

    public init() {}
}

/// Everything a run is: its traces, workload, episode shape, reward, chooser, backend and
/// bookkeeping, fixed when the run starts (`sa-run new`, from `bin/train.sh`'s flags) and
/// written to `run.json` (docs/run-directory.md). Every stage reads it from the run directory;
/// a stage's own flags override single settings for use by hand. `--resume` reads it back.
public struct RunConfiguration: Sendable, Equatable {
    public static let format = "simarena.run/v2"

    /// The run's name: its directory's (`<agent>_<YYYYmmdd_HHMMSS>`).
    public var run = ""
    /// The chooser's name, which names the run and is `summary.json`'s `agent`.
    public var agent: String
    /// The traces episodes start from: one, or several (`--traces`), used in a seeded order.
    public var traces: [String]
    public var episodes = 200
    /// Most actions per episode (`--steps`).
    public var steps = 200
    public var seed: UInt64
    /// The command line that started the run, as typed (`command.txt`).
    public var command: [String] = []
    /// A learning agent's checkpoint to start from (`--load`).
    public var load: String?

    /// The target workload (`--deploy`, `--ns`).
    public var workload = "web"
    public var namespace: String?
    /// Ready pods that count as healthy; nil: the target each trace's scenario declares.
    public var target: Int64?
    /// Simulated seconds per step (wall seconds with SimKube).
    public var durationSeconds: Double = 90
    public var reward = RewardFunction.shaped
    /// nil: the goal the trace's scenario declares, else healthy.
    public var goal: EpisodeGoal?
    /// Size of the action space (`--Naction`).
    public var actionCount = 4
    public var actions = ActionSettings()
    public var chooser: ChooserSetting

    /// The embedded simulator's cluster spec; nil: each trace's declared cluster, else the built-in demo cluster.
    public var cluster: String?
    /// The hooks file (`--hooks`).
    public var hooks: String?
    public var backend = BackendSetting()

    /// The run's checkpoint folder (`<checkpoints-dir>/<run>`): checkpoints, plots, command.txt, train.log.
    public var checkpointFolder = ""
    public var checkpointInterval = 10
    /// Where to copy the final checkpoint (`--save`).
    public var save: String?
    /// The plotting job run after each episode; nil: no plots.
    public var plotScript: String?
    /// Run the steps in one process (`--fast`), writing step directories only with `keepSteps`.
    public var fast = false
    public var keepSteps = false

    public init(agent: String, traces: [String], seed: UInt64, chooser: ChooserSetting) {
        self.agent = agent
        self.traces = traces
        self.seed = seed
        self.chooser = chooser
    }

    /// The trace episode `episode` (1-based) starts from: the traces in a seeded order, repeated.
    public func trace(forEpisode episode: Int) -> String {
        var order = Array(traces.indices)
        var random = SeededGenerator(seed: seed, stream: 0x7472_6163_6573)
        random.shuffle(&order)
        return traces[order[(episode - 1) % traces.count]]
    }

    /// Episode seeds are the base seed + 1000 × (episode − 1); step seeds add the step number.
    public func seed(episode: Int, step: Int) -> UInt64 {
        seed &+ UInt64(episode - 1) &* 1000 &+ UInt64(step)
    }

    /// Whether the agent learns, and so has state files and checkpoints.
    public var learns: Bool { chooser.learns }

    /// Refuses combinations that cannot run; messages name `bin/train.sh`'s flags.
    public func validate() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw SimArenaError(.usage, message) }
        }
        try check(!traces.isEmpty, "--trace FILE (or --traces DIR|GLOB) is required")
        try check((1...1_000_000).contains(episodes), "--episodes must be between 1 and 1000000")
        try check((1...100_000).contains(steps), "--steps must be between 1 and 100000")
        try check((1...AgentAction.allCases.count).contains(actionCount), "--Naction must be between 1 and \(AgentAction.allCases.count)")
        if let target { try check((1...1_000_000).contains(target), "--target must be between 1 and 1000000") }
        try check(durationSeconds.isFinite && durationSeconds > 0 && durationSeconds <= Double(SimulationOptions.maxDuration / 1000),
                  "--duration must be more than 0 and at most \(SimulationOptions.maxDuration / 1000) seconds")
        try check(checkpointInterval >= 1, "--checkpoint-interval must be a positive whole number")
        try check(!workload.isEmpty, "--deploy must name a workload")
        try actions.validate()
        switch chooser {
        case .learning(let learner):
            try learner.validate()
            try check(learner.actions == actionCount, "the learning agent's action space is not --Naction's")
        case .command(_, let timeout):
            try check(timeout > 0 && timeout <= 3600, "--policy-timeout must be between 0 and 3600 seconds")
        case .policy, .evaluate: break
        }
        if !learns {
            try check(load == nil && save == nil, "--load and --save need a learning agent (--agent dqn or greedy)")
        }
        try check(fast || !keepSteps, "--keep-steps goes with --fast (the shell path always keeps the steps)")
        if backend.kind == .embedded {
            try check(backend.kubeconfig == nil && backend.context == nil && backend.simKubeConfig == nil,
                      "--kubeconfig, --context and --simkube-config go with --backend simkube")
        } else {
            try check(cluster == nil, "--cluster describes the embedded simulator's cluster; SimKube runs on the real one")
        }
    }

    public var value: KValue {
        let chooserValue: KValue
        switch chooser {
        case .policy(let policy): chooserValue = ["kind": "policy", "policy": .string(policy.rawValue)]
        case .command(let line, let timeout): chooserValue = ["kind": "command", "command": .string(line), "timeout_s": .double(timeout)]
        case .learning(let learner): chooserValue = ["kind": "learning", "learner": learner.value]
        case .evaluate(let checkpoint): chooserValue = ["kind": "evaluate", "checkpoint": .string(checkpoint)]
        }
        func optional(_ text: String?) -> KValue { text.map(KValue.string) ?? .null }
        return [
            "format": .string(Self.format), "run": .string(run), "agent": .string(agent),
            "traces": .array(traces.map(KValue.string)), "episodes": .int(Int64(episodes)), "steps": .int(Int64(steps)),
            "seed": .integer(seed), "command": .array(command.map(KValue.string)), "load": optional(load),
            "workload": .string(workload), "namespace": optional(namespace), "target": target.map(KValue.int) ?? .null,
            "duration_s": .double(durationSeconds), "reward": .string(reward.rawValue), "goal": optional(goal?.rawValue),
            "n_actions": .int(Int64(actionCount)), "actions": actions.value, "chooser": chooserValue,
            "cluster": optional(cluster), "hooks": optional(hooks),
            "backend": ["kind": .string(backend.kind.rawValue), "kubeconfig": optional(backend.kubeconfig),
                        "context": optional(backend.context), "simkube_config": optional(backend.simKubeConfig)],
            "checkpoint_folder": .string(checkpointFolder), "checkpoint_interval": .int(Int64(checkpointInterval)),
            "save": optional(save), "plot_script": optional(plotScript), "fast": .bool(fast), "keep_steps": .bool(keepSteps),
        ]
    }

    public init(document: KValue) throws {
        var fields = try FieldReader(document, at: "run.json")
        let format = try fields.string("format")
        guard format == Self.format else {
            throw SimArenaError(.data, "run.json: format \"\(format ?? "none")\" is not \(Self.format); a run made by an older Sim-Arena cannot be continued")
        }
        let actionCount = try fields.int("n_actions") ?? 4
        let chooser = try fields.nested("chooser") { fields -> ChooserSetting in
            switch try fields.requireString("kind") {
            case "policy":
                guard let policy = try fields.choice("policy", HandCodedPolicy.self) else { throw SimArenaError(.data, "run.json: chooser: policy: missing") }
                return .policy(policy)
            case "command": return .command(try fields.requireString("command"), timeoutSeconds: try fields.double("timeout_s") ?? 5)
            case "learning":
                guard let learner = try fields.nested("learner", { try FreshAgent(reading: &$0, actions: actionCount) }) else {
                    throw SimArenaError(.data, "run.json: chooser: learner: missing")
                }
                return .learning(learner)
            case "evaluate": return .evaluate(checkpoint: try fields.requireString("checkpoint"))
            case let other: throw SimArenaError(.data, "run.json: chooser: kind: \"\(other)\" is not policy, command, learning or evaluate")
            }
        }
        guard let chooser else { throw SimArenaError(.data, "run.json: chooser: missing") }
        guard let seed = try fields.uint64("seed") else { throw SimArenaError(.data, "run.json: seed: missing") }
        self.init(agent: try fields.requireString("agent"), traces: try fields.strings("traces") ?? [], seed: seed, chooser: chooser)
        run = try fields.string("run") ?? ""
        episodes = try fields.int("episodes") ?? episodes
        steps = try fields.int("steps") ?? steps
        command = try fields.strings("command") ?? []
        load = try fields.string("load")
        workload = try fields.string("workload") ?? workload
        namespace = try fields.string("namespace")
        target = try fields.int("target").map(Int64.init)
        durationSeconds = try fields.double("duration_s") ?? durationSeconds
        reward = try fields.choice("reward", RewardFunction.self) ?? reward
        goal = try fields.choice("goal", EpisodeGoal.self)
        self.actionCount = actionCount
        actions = try fields.nested("actions") { try ActionSettings(reading: &$0) } ?? actions
        cluster = try fields.string("cluster")
        hooks = try fields.string("hooks")
        backend = try fields.nested("backend") { fields in
            var backend = BackendSetting()
            backend.kind = try fields.choice("kind", SimulationBackend.self) ?? .embedded
            backend.kubeconfig = try fields.string("kubeconfig")
            backend.context = try fields.string("context")
            backend.simKubeConfig = try fields.string("simkube_config")
            return backend
        } ?? backend
        checkpointFolder = try fields.string("checkpoint_folder") ?? ""
        checkpointInterval = try fields.int("checkpoint_interval") ?? checkpointInterval
        save = try fields.string("save")
        plotScript = try fields.string("plot_script")
        fast = try fields.bool("fast") ?? false
        keepSteps = try fields.bool("keep_steps") ?? false
        try fields.finish()
        do {
            try validate()
        } catch let error as SimArenaError {
            throw SimArenaError(.data, "run.json: \(error.message)")
        }
    }
}
