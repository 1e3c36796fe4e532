import ArgumentParser
import SimArenaCore

extension Optimizer.Kind: ExpressibleByArgument {}
extension TemporalDifferenceLoss: ExpressibleByArgument {}

/// A fresh learning agent's hyperparameters, as flags shared by `sa-learn` and `sa-train`
/// (ignored when the agent comes from a state file or checkpoint, which carries its own).
public struct LearnerOptions: ParsableArguments {
    @Option(help: "The learning agent: greedy (tabular Q-learning) or dqn.")
    public var agent: String?

    @Option(help: "Learning rate (default: 0.5 for greedy's step size alpha, 0.001 for dqn).")
    var lr: Double?

    @Option(help: "Discount factor.")
    var gamma: Double = 0.97

    @Option(name: .customLong("eps-start"), help: "Initial exploration rate.")
    var epsilonStart: Double = 1.0

    @Option(name: .customLong("eps-end"), help: "Final exploration rate.")
    var epsilonEnd: Double = 0.1

    @Option(name: .customLong("eps-decay"), help: "Learning steps over which epsilon falls linearly.")
    var epsilonDecay: Int = 1000

    @Option(help: "dqn: hidden layer widths, comma-separated.")
    var hidden: String = "64,64"

    @Option(help: "dqn: adam or rmsprop (the original's).")
    var optimizer: Optimizer.Kind = .adam

    @Option(help: "dqn: huber or mse (the original's).")
    var loss: TemporalDifferenceLoss = .huber

    @Option(name: .customLong("grad-clip"), help: "dqn: largest gradient L2 norm (0: no clipping).")
    var gradientClip: Double = 10

    @Option(name: .customLong("buffer-size"), help: "dqn: transitions the replay buffer holds.")
    var bufferSize: Int = 10_000

    @Option(name: .customLong("batch-size"), help: "dqn: minibatch size.")
    var batchSize: Int = 32

    @Option(name: .customLong("target-update"), help: "dqn: learning steps between target-network syncs.")
    var targetUpdate: Int = 50

    @Option(name: .customLong("learning-starts"), help: "dqn: transitions to gather before the first update.")
    var learningStarts: Int = 32

    @Option(name: .customLong("updates-per-step"), help: "dqn: gradient updates per learning step.")
    var updatesPerStep: Int = 1

    @Flag(name: .customLong("double-dqn"), help: "dqn: double DQN targets.")
    var doubleDQN = false

    public init() {}

    public func validate() throws {
        if let agent, !LearningAgent.names.contains(agent) {
            throw ValidationError("--agent must be \(LearningAgent.names.joined(separator: " or "))")
        }
        do {
            _ = try fresh(actions: 1)
        } catch let error as SimArenaError {
            throw ValidationError(error.message)
        }
    }

    /// The agent a run starts with when it loads nothing (nil without `--agent`).
    public func fresh(actions: Int) throws -> FreshAgent? {
        guard let agent else { return nil }
        let schedule = EpsilonSchedule(start: epsilonStart, end: epsilonEnd, decaySteps: epsilonDecay)
        guard (0...1).contains(gamma), (0...1).contains(epsilonStart), (0...1).contains(epsilonEnd), epsilonDecay >= 0 else {
            throw SimArenaError(.usage, "--gamma, --eps-start and --eps-end must be in [0, 1], --eps-decay not negative")
        }
        if agent == "greedy" {
            let rate = lr ?? 0.5
            guard rate > 0, rate <= 1 else { throw SimArenaError(.usage, "--lr must be in (0, 1]") }
            return .tabular(TabularQAgent(actions: actions, learningRate: rate, gamma: gamma, schedule: schedule))
        }
        var settings = DQNSettings(actions: actions)
        let widths = hidden.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard !widths.contains(nil) else { throw SimArenaError(.usage, "--hidden must list layer widths, e.g. 64,64") }
        settings.hidden = widths.map { $0! }
        settings.learningRate = lr ?? 1e-3
        settings.gamma = gamma
        settings.optimizer = optimizer
        settings.loss = loss
        settings.gradientClip = gradientClip
        settings.bufferSize = bufferSize
        settings.batchSize = batchSize
        settings.targetUpdate = targetUpdate
        settings.learningStarts = learningStarts
        settings.updatesPerStep = updatesPerStep
        settings.doubleDQN = doubleDQN
        settings.schedule = schedule
        try settings.validate()
        return .dqn(settings)
    }
}
