import SimArenaModel
import SimArenaSimulation

/// The DQN agent's hyperparameters (`bin/train.sh --agent dqn` flags; docs/agents.md).
public struct DQNSettings: Sendable, Equatable {
    /// Hidden layer widths (`--hidden 64,64`).
    public var hidden: [Int] = [64, 64]
    /// Size of the action space (`--Naction`).
    public var actions: Int
    public var learningRate: Double = 1e-3
    public var gamma: Double = 0.97
    public var optimizer: Optimizer.Kind = .adam
    public var loss: TemporalDifferenceLoss = .huber
    /// Largest gradient L2 norm (`--grad-clip`; 0 turns clipping off).
    public var gradientClip: Double = 10
    /// Transitions the replay buffer holds (`--buffer-size`).
    public var bufferSize = 10_000
    public var batchSize = 32
    /// Learning steps between copies of the online network into the target network.
    public var targetUpdate = 50
    /// Transitions to gather before the first gradient update (`--learning-starts`).
    public var learningStarts = 32
    /// Gradient updates per learning step (`--updates-per-step`).
    public var updatesPerStep = 1
    /// Double DQN (van Hasselt et al. 2016): the online network picks the next action and the
    /// target network values it.
    public var doubleDQN = false
    public var schedule = EpsilonSchedule()

    public init(actions: Int) {
        self.actions = actions
    }

    /// Layer widths of the network, from the observation's features to the actions.
    public var layerSizes: [Int] { [Observation.featureNames.count] + hidden + [actions] }

    /// Checks the ranges; the message names the flag.
    public func validate() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw SimArenaError(.usage, message) }
        }
        try check(!hidden.isEmpty && hidden.count <= 8 && hidden.allSatisfy { (1...4096).contains($0) },
                  "--hidden must list 1 to 8 layer widths of 1 to 4096, e.g. 64,64")
        try check((1...AgentAction.allCases.count).contains(actions), "--Naction must be 1 to 7")
        try check(learningRate > 0 && learningRate <= 1, "--lr must be in (0, 1]")
        try check((0...1).contains(gamma), "--gamma must be in [0, 1]")
        try check(gradientClip >= 0 && gradientClip.isFinite, "--grad-clip must be 0 (off) or positive")
        try check((1...10_000_000).contains(bufferSize), "--buffer-size must be 1 to 10000000")
        try check((1...4096).contains(batchSize), "--batch-size must be 1 to 4096")
        try check((1...10_000_000).contains(targetUpdate), "--target-update must be 1 to 10000000")
        try check((0...10_000_000).contains(learningStarts), "--learning-starts must be 0 to 10000000")
        try check((1...64).contains(updatesPerStep), "--updates-per-step must be 1 to 64")
        try check((0...1).contains(schedule.start) && (0...1).contains(schedule.end) && schedule.decaySteps >= 0,
                  "--eps-start and --eps-end must be in [0, 1], --eps-decay not negative")
    }
}
