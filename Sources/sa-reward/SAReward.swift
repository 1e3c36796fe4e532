import ArgumentParser
import SimArenaCLI
import SimArenaCore

@main
struct SAReward: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-reward",
        abstract: "Score an observation as the outcome of the previous action, and say whether the episode ends.",
        discussion: """
            The reward belongs to the action in --previous-action (the step before), judged on the \
            observation that FOLLOWED it. Without --previous-action (an episode's first step) the \
            reward is null. Functions: base, shaped, max_punish, cost_aware (docs/run-directory.md).
            """)

    @Option(help: "This step's observation.")
    var observation: String

    @Option(name: .customLong("previous-action"), help: "The previous step's action.json (absent at step 1).")
    var previousAction: String?

    @Option(help: "The reward function: base, shaped, max_punish or cost_aware.")
    var reward: RewardFunction = .shaped

    @Option(help: "When the episode is over: healthy, or right_sized (also no request a step above use). Default: the goal the trace's scenario declares, else healthy.")
    var goal: EpisodeGoal?

    @Option(help: "This step's number in the episode (1-based).")
    var step: Int

    @Option(help: "Most actions per episode; step steps+1 is truncated.")
    var steps: Int

    @OptionGroup var actions: ActionSettingsOptions

    @Option(help: "Where to write the reward (JSON).")
    var out: String

    static func main() {
        runAsTool()
    }

    func validate() throws {
        guard step >= 1, steps >= 1 else { throw ValidationError("--step and --steps must be at least 1") }
    }

    func run() throws {
        let observed = try Document.decode(observation, Observation.init(document:))
        let previous = try previousAction.map { try Document.decode($0, ActionReport.init(document:)) }
        let report = RewardReport(observation: observed, previous: previous, function: reward, goal: goal ?? observed.declaredGoal ?? .healthy,
                                  step: step, maxActions: steps, settings: actions.settings)
        try Document.write(report.value, to: out)
    }
}
