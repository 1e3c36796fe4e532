import ArgumentParser
import SimArenaCLI
import SimArenaCore

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
            """)

    @Option(help: "This step's observation (sa-observe's output).")
    var observation: String

    @Option(help: "This step's reward.json: when it says the episode ended, no action is taken (nothing is written).")
    var reward: String?

    @Option(help: "The trace in force.")
    var trace: String

    @OptionGroup var workload: WorkloadOptions

    @Option(help: "A hand-coded policy: noop, heuristic, random, bump_cpu, bump_mem, scale_replicas.")
    var policy: HandCodedPolicy?

    @Option(name: .customLong("policy-cmd"), help: "An outside program: gets the observation (JSON) on stdin, prints an action index or name.")
    var policyCommand: String?

    @Option(name: .customLong("agent-state"), help: "A learning agent's state (sa-learn's output, .json or .safetensors): choose epsilon-greedily with it.")
    var agentState: String?

    @Option(name: .customLong("policy-timeout"), help: "Seconds the outside program may take.")
    var policyTimeout: Double = 5

    @Option(name: .customLong("Naction"), help: "Size of the action space (1 to 7).")
    var actionCount: Int = 4

    @Option(help: "Seed for the random policy.")
    var seed: UInt64 = 0

    @OptionGroup var actions: ActionSettingsOptions

    @Option(name: .customLong("out-trace"), help: "Where to write the next trace.")
    var outTrace: String

    @Option(help: "Where to write the action report (JSON).")
    var out: String

    static func main() {
        runAsTool()
    }

    func validate() throws {
        guard (1...AgentAction.allCases.count).contains(actionCount) else {
            throw ValidationError("--Naction must be between 1 and \(AgentAction.allCases.count)")
        }
        guard [policy != nil, policyCommand != nil, agentState != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --policy, --policy-cmd or --agent-state")
        }
        guard policyTimeout > 0, policyTimeout <= 3600 else { throw ValidationError("--policy-timeout must be between 0 and 3600 seconds") }
    }

    func run() throws {
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
            chooser = .command(policyCommand ?? "", timeout: policyTimeout)
        }
        let report = try ActStage.act(on: observed, trace: &current, workload: workload.deploy, namespace: workload.namespace, chooser: chooser,
                                      allowed: actionCount, seed: seed, settings: actions.settings)
        try current.write(to: outTrace)
        try Document.write(report.value, to: out)
    }
}
