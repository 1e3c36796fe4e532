import ArgumentParser
import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

extension Optimizer.Kind: ExpressibleByArgument {}
extension TemporalDifferenceLoss: ExpressibleByArgument {}

/// A fresh learning agent's hyperparameters as flags (`--lr`, `--gamma`, … and the DQN ones);
/// unset ones take the agent's defaults (``TabularQAgent``, ``DQNSettings``).
public struct LearnerOptions: ParsableArguments {
    @Option(help: "Learning rate (default: 0.5 for greedy's step size alpha, 0.001 for dqn).")
    var lr: Double?

    @Option(help: "Discount factor (default 0.97).")
    var gamma: Double?

    @Option(name: .customLong("eps-start"), help: "Initial exploration rate (default 1).")
    var epsilonStart: Double?

    @Option(name: .customLong("eps-end"), help: "Final exploration rate (default 0.1).")
    var epsilonEnd: Double?

    @Option(name: .customLong("eps-decay"), help: "Learning steps over which epsilon falls linearly (default 1000).")
    var epsilonDecay: Int?

    @Option(help: "dqn: hidden layer widths, comma-separated (default 64,64).")
    var hidden: String?

    @Option(help: "dqn: adam (default) or rmsprop (the original's).")
    var optimizer: Optimizer.Kind?

    @Option(help: "dqn: huber (default) or mse (the original's).")
    var loss: TemporalDifferenceLoss?

    @Option(name: .customLong("grad-clip"), help: "dqn: largest gradient L2 norm, 0 for none (default 10).")
    var gradientClip: Double?

    @Option(name: .customLong("buffer-size"), help: "dqn: transitions the replay buffer holds (default 10000).")
    var bufferSize: Int?

    @Option(name: .customLong("batch-size"), help: "dqn: minibatch size (default 32).")
    var batchSize: Int?

    @Option(name: .customLong("target-update"), help: "dqn: learning steps between target-network syncs (default 50).")
    var targetUpdate: Int?

    @Option(name: .customLong("learning-starts"), help: "dqn: transitions to gather before the first update (default 32).")
    var learningStarts: Int?

    @Option(name: .customLong("updates-per-step"), help: "dqn: gradient updates per learning step (default 1).")
    var updatesPerStep: Int?

    @Flag(name: .customLong("double-dqn"), help: "dqn: double DQN targets.")
    var doubleDQN = false

    public init() {}

    /// Whether any learning flag was given.
    public var isEmpty: Bool {
        lr == nil && gamma == nil && epsilonStart == nil && epsilonEnd == nil && epsilonDecay == nil && hidden == nil && optimizer == nil
            && loss == nil && gradientClip == nil && bufferSize == nil && batchSize == nil && targetUpdate == nil && learningStarts == nil
            && updatesPerStep == nil && !doubleDQN
    }

    /// A fresh `agent` (greedy or dqn) for `actions` actions with these flags; DQN flags are
    /// refused for the tabular agent, and the ranges checked.
    public func fresh(agent: String, actions: Int) throws -> FreshAgent {
        let schedule = EpsilonSchedule(start: epsilonStart ?? 1, end: epsilonEnd ?? 0.1, decaySteps: epsilonDecay ?? 1000)
        let fresh: FreshAgent
        switch agent {
        case "greedy":
            let dqnFlags = [("--hidden", hidden != nil), ("--optimizer", optimizer != nil), ("--loss", loss != nil),
                            ("--grad-clip", gradientClip != nil), ("--buffer-size", bufferSize != nil), ("--batch-size", batchSize != nil),
                            ("--target-update", targetUpdate != nil), ("--learning-starts", learningStarts != nil),
                            ("--updates-per-step", updatesPerStep != nil), ("--double-dqn", doubleDQN)]
            if let flag = dqnFlags.first(where: \.1)?.0 {
                throw SimArenaError(.usage, "\(flag) is a DQN flag (--agent dqn); the greedy agent is tabular")
            }
            fresh = .tabular(TabularQAgent(actions: actions, learningRate: lr ?? 0.5, gamma: gamma ?? 0.97, schedule: schedule))
        case "dqn":
            var settings = DQNSettings(actions: actions)
            if let hidden {
                let widths = hidden.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
                guard !widths.contains(nil) else { throw SimArenaError(.usage, "--hidden must list layer widths, e.g. 64,64") }
                settings.hidden = widths.map { $0! }
            }
            settings.learningRate = lr ?? settings.learningRate
            settings.gamma = gamma ?? settings.gamma
            settings.schedule = schedule
            settings.optimizer = optimizer ?? settings.optimizer
            settings.loss = loss ?? settings.loss
            settings.gradientClip = gradientClip ?? settings.gradientClip
            settings.bufferSize = bufferSize ?? settings.bufferSize
            settings.batchSize = batchSize ?? settings.batchSize
            settings.targetUpdate = targetUpdate ?? settings.targetUpdate
            settings.learningStarts = learningStarts ?? settings.learningStarts
            settings.updatesPerStep = updatesPerStep ?? settings.updatesPerStep
            settings.doubleDQN = doubleDQN
            fresh = .dqn(settings)
        default:
            throw SimArenaError(.usage, "--agent must be \(LearningAgent.names.joined(separator: " or "))")
        }
        try fresh.validate()
        return fresh
    }
}
