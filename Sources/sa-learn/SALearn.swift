import ArgumentParser
import SimArenaCLI
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

@main
struct SALearn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-learn",
        abstract: "Update a learning agent from the transition that ends at this step, and save it.",
        discussion: """
            Reads the agent state the step starts from (--state-in; a fresh agent from the flags when \
            absent), learns from (previous observation, previous action, this step's reward, this \
            observation, terminated), and writes the new state to --state-out and a report (TD error, \
            loss, epsilon, Q-values) to --out. At an episode's first step there is no transition: the \
            state is saved unchanged. Agents (docs/agents.md): greedy (tabular Q-learning, JSON state) \
            and dqn (a .safetensors state; its transitions go to the run's replay journal, --replay, \
            from which its replay buffer is rebuilt each step). With --step-dir, reads the step's \
            agent-in state, observation.json and reward.json and the previous step's observation and \
            action, and writes its agent state and learn.json, with the run's agent.
            """)

    @OptionGroup var step: StepDirectoryOptions

    @Option(name: .customLong("state-in"), help: "The agent state to start from (absent: a fresh agent).")
    var stateIn: String?

    @Option(name: .customLong("state-out"), help: "Where to write the updated agent state.")
    var stateOut: String?

    @Option(help: "This step's observation.")
    var observation: String?

    @Option(help: "This step's reward.json.")
    var reward: String?

    @Option(name: .customLong("previous-observation"), help: "The previous step's observation (absent at step 1).")
    var previousObservation: String?

    @Option(name: .customLong("previous-action"), help: "The previous step's action.json (absent at step 1).")
    var previousAction: String?

    @Option(name: .customLong("Naction"), help: "Size of the action space, for a fresh agent.")
    var actionCount: Int = 4

    @Option(help: "Seed for this step: initialises a fresh DQN agent's networks and draws its minibatches.")
    var seed: UInt64 = 0

    @Option(help: "The run's replay journal (dqn; default: replay.bin in the folder above the step's).")
    var replay: String?

    @Option(help: "A fresh agent's kind: greedy (tabular Q-learning) or dqn.")
    var agent: String?

    @OptionGroup var learner: LearnerOptions

    @OptionGroup var actions: ActionSettingsOptions

    @Option(help: "Where to write the learning report (JSON).")
    var out: String?

    static func main() {
        runAsTool()
    }

    func validate() throws {
        guard (1...AgentAction.allCases.count).contains(actionCount) else { throw ValidationError("--Naction must be 1 to 7") }
        try step.refuse(fileFlags: [("--state-in", stateIn != nil), ("--state-out", stateOut != nil), ("--observation", observation != nil),
                                    ("--reward", reward != nil), ("--previous-observation", previousObservation != nil),
                                    ("--previous-action", previousAction != nil), ("--replay", replay != nil), ("--out", out != nil),
                                    ("--agent", agent != nil), ("--seed", seed != 0)])
        guard step.stepDirectory == nil else { return }
        guard stateIn != nil || agent != nil else { throw ValidationError("give --state-in, or --agent for a fresh agent") }
        guard (previousObservation == nil) == (previousAction == nil) else {
            throw ValidationError("give both --previous-observation and --previous-action, or neither")
        }
        for (flag, given) in [("--state-out", stateOut != nil), ("--observation", observation != nil), ("--reward", reward != nil),
                              ("--out", out != nil)] where !given {
            throw ValidationError("\(flag) is required")
        }
    }

    func run() throws {
        if step.stepDirectory != nil {
            return try step.run(.stage(.learn), override: { configuration in
                configuration.actions = try actions.applied(to: configuration.actions)
            })
        }
        guard let stateOut, let observation, let reward, let out else { return }
        let start = try stateIn.map(LearningAgent.load) ?? learner.fresh(agent: agent ?? "greedy", actions: actionCount).make(seed: seed)
        var previous: (observation: Observation, action: ActionReport)?
        if let previousObservation, let previousAction {
            previous = (try Document.decode(previousObservation, Observation.init(document:)),
                        try Document.decode(previousAction, ActionReport.init(document:)))
        }
        var buffer: ReplayBuffer?
        let journal = replay ?? Self.defaultJournal(forStateOut: stateOut)
        if case .dqn(let dqn) = start {
            buffer = try ReplayBuffer.fromJournal(journal, capacity: dqn.settings.bufferSize, total: dqn.steps)
        }
        let report = LearnStage.learn(
            agent: start, observation: try Document.decode(observation, Observation.init(document:)), previous: previous,
            reward: try Document.decode(reward, RewardReport.init(document:)), settings: try actions.applied(to: ActionSettings()),
            replay: &buffer, seed: seed)
        try LearnStage.save(report, replay: buffer, journal: journal, state: stateOut, out: out)
    }

    /// `<run>/replay.bin` for a state written to `<run>/epNNNN/stepNNNN/agent.safetensors`.
    static func defaultJournal(forStateOut path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast(3)
        if parts.isEmpty { parts = ["."] }
        return parts.joined(separator: "/") + "/" + ReplayJournal.fileName
    }
}
