import SimArenaModel
import SimArenaSimulation

/// Deep Q-learning (Mnih et al. 2015) on ``Observation/features``: an online ``MLP`` trained on
/// minibatches from a ``ReplayBuffer`` toward targets from a periodically synced target network.
///
/// The agent is a value: everything that decides its future (weights, optimizer moments, step
/// counts) is here and goes into its checkpoint (``DQNAgent/checkpoint()``), except the replay
/// buffer, which the caller owns (in memory, or rebuilt from the ``ReplayJournal``). Randomness
/// comes from generators the caller seeds per step, so the same inputs give the same agent.
public struct DQNAgent: Sendable, Equatable {
    public static let format = "simarena.dqn/v1"

    public var settings: DQNSettings
    public var online: MLP
    public var target: MLP
    public var optimizer: Optimizer
    /// Learning steps (transitions learned from); drives epsilon and the target syncs.
    public var steps = 0
    /// Gradient updates made.
    public var updates = 0

    /// A fresh agent, its networks initialised from `seed` (the target a copy of the online).
    public init(settings: DQNSettings, seed: UInt64) {
        self.settings = settings
        var random = SeededGenerator(seed: seed, stream: 0x646e_6e69_6e69_74)  // "dqninit"
        online = MLP(sizes: settings.layerSizes, random: &random)
        target = online
        optimizer = Optimizer(kind: settings.optimizer, learningRate: Float(settings.learningRate),
                              parameterCount: online.parameters.count)
    }

    public var epsilon: Double { settings.schedule.epsilon(atStep: steps) }

    public func qValues(_ features: [Float]) -> [Float] { online(features) }

    /// The allowed action with the highest Q-value (the lowest index among equals).
    public func greedyAction(_ features: [Float], allowed: [Bool]? = nil) -> Int {
        Self.argmax(qValues(features)[...], allowed: allowed)
    }

    /// Explores with probability epsilon (uniformly among the allowed actions), else acts
    /// greedily.
    public func choose(_ features: [Float], allowed: [Bool]? = nil, random: inout SeededGenerator) -> Int {
        guard random.unitDouble() < epsilon else { return greedyAction(features, allowed: allowed) }
        let choices = (0..<settings.actions).filter { allowed?[$0] ?? true }
        return choices.isEmpty ? 0 : choices[Int(random.next(below: UInt64(choices.count)))]
    }

    /// What one learning step did.
    public struct StepReport: Sendable, Equatable {
        /// Mean loss over the step's gradient updates; nil when none was made.
        public var loss: Float?
        public var updates: Int
        public var targetSynced: Bool
    }

    /// Adds `transition` to `buffer` and, once the buffer holds enough, makes
    /// `updatesPerStep` gradient updates on minibatches drawn with `random`.
    @discardableResult
    public mutating func learn(_ transition: Transition, buffer: inout ReplayBuffer, random: inout SeededGenerator) -> StepReport {
        buffer.add(transition)
        steps += 1
        var losses: [Float] = []
        if buffer.count >= max(settings.learningStarts, 1) {
            for _ in 0..<settings.updatesPerStep {
                losses.append(update(on: buffer.sample(settings.batchSize, random: &random)))
            }
        }
        let synced = steps % settings.targetUpdate == 0
        if synced { target = online }
        return StepReport(loss: losses.isEmpty ? nil : losses.reduce(0, +) / Float(losses.count),
                          updates: losses.count, targetSynced: synced)
    }

    /// One gradient step on `batch`; returns the batch's mean loss before the step.
    /// The target is `r + γ·(1 − terminated)·max_a' Q_target(s', a')` (or, with double DQN,
    /// `Q_target(s', argmax_a' Q_online(s', a'))`), over the actions allowed in s': a terminated
    /// transition never bootstraps.
    @discardableResult
    public mutating func update(on batch: [Transition]) -> Float {
        let size = batch.count
        let (actions, gamma) = (settings.actions, Float(settings.gamma))
        var current = MLP.Activations()
        online.forward(batch.flatMap(\.state), batch: size, into: &current)
        let nextStates = batch.flatMap(\.next)
        var nextTarget = MLP.Activations()
        target.forward(nextStates, batch: size, into: &nextTarget)
        var nextOnline = MLP.Activations()
        if settings.doubleDQN { online.forward(nextStates, batch: size, into: &nextOnline) }

        var outputGradient = [Float](repeating: 0, count: size * actions)
        var totalLoss: Float = 0
        for (index, transition) in batch.enumerated() {
            var bootstrap: Float = 0
            if !transition.terminated {
                let values = nextTarget.output(index)
                let allowed = ActionMask.allowed(bits: transition.nextAllowed, actions: actions)
                let best = Self.argmax(settings.doubleDQN ? nextOnline.output(index) : values, allowed: allowed)
                bootstrap = values[values.startIndex + best]
            }
            let goal = transition.reward + gamma * bootstrap
            let error = current.output(index)[index * actions + transition.action] - goal
            totalLoss += settings.loss.value(error)
            outputGradient[index * actions + transition.action] = settings.loss.derivative(error) / Float(size)
        }
        var gradient = [Float](repeating: 0, count: online.parameters.count)
        online.backward(current, outputGradient: outputGradient, into: &gradient)
        if settings.gradientClip > 0 { clipGradientNorm(&gradient, maxNorm: Float(settings.gradientClip)) }
        optimizer.apply(gradient, to: &online.parameters)
        updates += 1
        return totalLoss / Float(size)
    }

    /// The index (from 0) of the highest value among the allowed ones (all when nil), the lowest
    /// among equals; 0 when none is allowed.
    public static func argmax(_ values: ArraySlice<Float>, allowed: [Bool]? = nil) -> Int {
        var best: Int?
        for offset in 0..<values.count where allowed.map({ offset < $0.count && $0[offset] }) ?? true {
            if best == nil || values[values.startIndex + offset] > values[values.startIndex + best!] { best = offset }
        }
        return best ?? 0
    }
}
