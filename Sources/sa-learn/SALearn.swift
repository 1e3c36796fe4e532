import ArgumentParser
import SimArenaCLI
import SimArenaCore

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
            state is saved unchanged. Agent: greedy (tabular Q-learning, docs/run-directory.md).
            """)

    @Option(help: "The learning agent (greedy).")
    var agent: String = "greedy"

    @Option(name: .customLong("state-in"), help: "The agent state to start from (absent: a fresh agent).")
    var stateIn: String?

    @Option(name: .customLong("state-out"), help: "Where to write the updated agent state.")
    var stateOut: String

    @Option(help: "This step's observation.")
    var observation: String

    @Option(help: "This step's reward.json.")
    var reward: String

    @Option(name: .customLong("previous-observation"), help: "The previous step's observation (absent at step 1).")
    var previousObservation: String?

    @Option(name: .customLong("previous-action"), help: "The previous step's action.json (absent at step 1).")
    var previousAction: String?

    @Option(name: .customLong("Naction"), help: "Size of the action space, for a fresh agent.")
    var actionCount: Int = 4

    @Option(help: "Step size alpha of a fresh tabular agent.")
    var lr: Double = 0.5

    @Option(help: "Discount factor of a fresh agent.")
    var gamma: Double = 0.97

    @Option(name: .customLong("eps-start"), help: "Initial exploration rate of a fresh agent.")
    var epsilonStart: Double = 1.0

    @Option(name: .customLong("eps-end"), help: "Final exploration rate of a fresh agent.")
    var epsilonEnd: Double = 0.1

    @Option(name: .customLong("eps-decay"), help: "Learning steps over which epsilon falls, for a fresh agent.")
    var epsilonDecay: Int = 1000

    @OptionGroup var actions: ActionSettingsOptions

    @Option(help: "Where to write the learning report (JSON).")
    var out: String

    static func main() {
        runAsTool()
    }

    func validate() throws {
        guard agent == "greedy" else { throw ValidationError("--agent: only greedy (tabular Q-learning) is built so far") }
        guard (1...AgentAction.allCases.count).contains(actionCount) else { throw ValidationError("--Naction must be 1 to 7") }
        guard lr > 0, lr <= 1, gamma >= 0, gamma <= 1 else { throw ValidationError("--lr must be in (0, 1] and --gamma in [0, 1]") }
        guard (0...1).contains(epsilonStart), (0...1).contains(epsilonEnd), epsilonDecay >= 0 else {
            throw ValidationError("--eps-start and --eps-end must be in [0, 1], --eps-decay not negative")
        }
        guard (previousObservation == nil) == (previousAction == nil) else {
            throw ValidationError("give both --previous-observation and --previous-action, or neither")
        }
    }

    func run() throws {
        let start = try stateIn.map { try Document.decode($0, TabularQAgent.init(document:)) }
            ?? TabularQAgent(actions: actionCount, learningRate: lr, gamma: gamma,
                             schedule: EpsilonSchedule(start: epsilonStart, end: epsilonEnd, decaySteps: epsilonDecay))
        var previous: (observation: Observation, action: ActionReport)?
        if let previousObservation, let previousAction {
            previous = (try Document.decode(previousObservation, Observation.init(document:)),
                        try Document.decode(previousAction, ActionReport.init(document:)))
        }
        let report = LearnStage.learn(
            agent: start, observation: try Document.decode(observation, Observation.init(document:)), previous: previous,
            reward: try Document.decode(reward, RewardReport.init(document:)), settings: actions.settings)
        try Document.write(report.agent.value, to: stateOut)
        try Document.write(report.value, to: out)
    }
}
