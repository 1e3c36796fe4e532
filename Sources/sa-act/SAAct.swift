import ArgumentParser
import SimArenaCLI
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

@main
struct SAAct: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-act",
        abstract: "Choose an action from an observation and write the next trace.",
        discussion: """
            Actions (indexed as the original): 0 noop, 1 bump_cpu_small, 2 bump_mem_small, \
            3 scale_up_replicas, 4 reduce_cpu_small, 5 reduce_mem_small, 6 scale_down_replicas; \
            --Naction keeps the first N. Every applied occurrence of the workload is edited; the rest \
            of the trace is unchanged. A blocked action (safeguards) leaves the trace unchanged and is \
            recorded as blocked in --out.
            With --step-dir, acts on the step's observation.json, reward.json and trace.msgpack with \
            the run's chooser (its learning agent's agent state, an evaluated checkpoint, a policy or \
            an outside program) and writes its action.json and next-trace.msgpack; nothing when the \
            episode ended. --deploy, --namespace, --Naction, --policy, --policy-cmd, --policy-timeout \
            and the action flags override the run's settings.
            """)

    @OptionGroup var step: StepDirectoryOptions

    @Option(help: "This step's observation (sa-observe's output).")
    var observation: String?

    @Option(help: "This step's reward.json: when it says the episode ended, no action is taken (nothing is written).")
    var reward: String?

    @Option(help: "The trace in force.")
    var trace: String?

    @OptionGroup var workload: WorkloadOptions

    @Option(help: "A hand-coded policy: noop, heuristic, random, bump_cpu, bump_mem, scale_replicas.")
    var policy: HandCodedPolicy?

    @Option(name: .customLong("policy-cmd"), help: "An outside program: gets the observation (JSON) on stdin, prints an action index or name.")
    var policyCommand: String?

    @Option(name: .customLong("agent-state"), help: "A learning agent's state (sa-learn's output, .json or .safetensors): choose epsilon-greedily with it.")
    var agentState: String?

    @Option(name: .customLong("policy-timeout"), help: "Seconds the outside program may take (default 5).")
    var policyTimeout: Double?

    @Option(name: .customLong("Naction"), help: "Size of the action space (1 to 7; default 4).")
    var actionCount: Int?

    @Option(help: "Seed for the random policy.")
    var seed: UInt64 = 0

    @OptionGroup var actions: ActionSettingsOptions

    @Option(name: .customLong("out-trace"), help: "Where to write the next trace.")
    var outTrace: String?

    @Option(help: "Where to write the action report (JSON).")
    var out: String?

    static func main() {
        runAsTool()
    }

    func validate() throws {
        if let actionCount, !(1...AgentAction.allCases.count).contains(actionCount) {
            throw ValidationError("--Naction must be between 1 and \(AgentAction.allCases.count)")
        }
        if let policyTimeout, !(policyTimeout > 0 && policyTimeout <= 3600) {
            throw ValidationError("--policy-timeout must be between 0 and 3600 seconds")
        }
        let choosers = [policy != nil, policyCommand != nil, agentState != nil].filter { $0 }.count
        try step.refuse(fileFlags: [("--observation", observation != nil), ("--reward", reward != nil), ("--trace", trace != nil),
                                    ("--agent-state", agentState != nil), ("--out-trace", outTrace != nil), ("--out", out != nil),
                                    ("--seed", seed != 0)])
        if step.stepDirectory != nil {
            guard choosers <= 1 else { throw ValidationError("give at most one of --policy or --policy-cmd") }
            return
        }
        guard choosers == 1 else { throw ValidationError("give exactly one of --policy, --policy-cmd or --agent-state") }
        for (flag, given) in [("--observation", observation != nil), ("--trace", trace != nil), ("--deploy", workload.deploy != nil),
                              ("--out-trace", outTrace != nil), ("--out", out != nil)] where !given {
            throw ValidationError("\(flag) is required")
        }
    }

    func run() throws {
        // SIGINT/SIGTERM stop an outside policy's processes too, and exit 130/143 with a message.
        InterruptSignals.install()
        if step.stepDirectory != nil {
            return try step.run(.stage(.act), override: { configuration in
                workload.apply(to: &configuration)
                configuration.actionCount = actionCount ?? configuration.actionCount
                configuration.actions = try actions.applied(to: configuration.actions)
                if let policy { configuration.chooser = .policy(policy) }
                if let policyCommand { configuration.chooser = .command(policyCommand, timeoutSeconds: policyTimeout ?? 5) }
                if let policyTimeout, case .command(let line, _) = configuration.chooser {
                    configuration.chooser = .command(line, timeoutSeconds: policyTimeout)
                }
            })
        }
        guard let observation, let trace, let deploy = workload.deploy, let outTrace, let out else { return }
        if let reward, try Document.decode(reward, RewardReport.init(document:)).endsEpisode {
            print("episode over: no action")
            return
        }
        let observed = try Document.decode(observation, Observation.init(document:))
        var current = try Trace.load(trace)
        let chooser: ActionChooser
        if let policy {
            chooser = .policy(policy)
        } else if let agentState {
            chooser = .agent(try LearningAgent.load(agentState))
        } else {
            chooser = .command(policyCommand ?? "", timeout: policyTimeout ?? 5)
        }
        let environment = Environment(workload: deploy, namespace: workload.namespace, actionCount: actionCount ?? 4,
                                      actions: try actions.applied(to: ActionSettings()))
        let report = try environment.act(on: observed, trace: &current, chooser: chooser, seed: seed)
        try current.write(to: outTrace)
        try Document.write(report.value, to: out)
    }
}
