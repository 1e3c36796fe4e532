import ArgumentParser
import SimArenaCLI
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

@main
struct SAReward: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-reward",
        abstract: "Score an observation as the outcome of the previous action, and say whether the episode ends.",
        discussion: """
            The reward belongs to the action in --previous-action (the step before), judged on the \
            observation that FOLLOWED it. Without --previous-action (an episode's first step) the \
            reward is null. Functions: base, shaped, max_punish, cost_aware (docs/run-directory.md). \
            With --step-dir, reads the step's observation.json and the previous step's action.json \
            and writes its reward.json with the run's settings; --reward, --goal, --steps and the \
            action flags override them.
            """)

    @OptionGroup var stepDirectory: StepDirectoryOptions

    @Option(help: "This step's observation.")
    var observation: String?

    @Option(name: .customLong("previous-action"), help: "The previous step's action.json (absent at step 1).")
    var previousAction: String?

    @Option(help: "The reward function: base, shaped (default), max_punish or cost_aware.")
    var reward: RewardFunction?

    @Option(help: "When the episode is over: healthy, or right_sized (also no request a step above use). Default: the goal the trace's scenario declares, else healthy.")
    var goal: EpisodeGoal?

    @Option(help: "This step's number in the episode (1-based).")
    var step: Int?

    @Option(help: "Most actions per episode; step steps+1 is truncated.")
    var steps: Int?

    @OptionGroup var actions: ActionSettingsOptions

    @Option(help: "Where to write the reward (JSON).")
    var out: String?

    static func main() {
        runAsTool()
    }

    func validate() throws {
        if let step, step < 1 { throw ValidationError("--step must be at least 1") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        try stepDirectory.refuse(fileFlags: [("--observation", observation != nil), ("--previous-action", previousAction != nil),
                                             ("--step", step != nil), ("--out", out != nil)])
        if stepDirectory.stepDirectory == nil {
            for (flag, given) in [("--observation", observation != nil), ("--step", step != nil), ("--steps", steps != nil),
                                  ("--out", out != nil)] where !given {
                throw ValidationError("\(flag) is required")
            }
        }
    }

    func run() throws {
        if stepDirectory.stepDirectory != nil {
            return try stepDirectory.run(.stage(.reward), override: { configuration in
                configuration.reward = reward ?? configuration.reward
                configuration.goal = goal ?? configuration.goal
                configuration.steps = steps ?? configuration.steps
                configuration.actions = try actions.applied(to: configuration.actions)
            })
        }
        guard let observation, let step, let steps, let out else { return }
        let observed = try Document.decode(observation, Observation.init(document:))
        let previous = try previousAction.map { try Document.decode($0, ActionReport.init(document:)) }
        let settings = try actions.applied(to: ActionSettings())
        let report = RewardReport(observation: observed, previous: previous, function: reward ?? .shaped,
                                  goal: goal ?? observed.declaredGoal ?? .healthy, step: step, maxActions: steps, settings: settings)
        try Document.write(report.value, to: out)
    }
}
