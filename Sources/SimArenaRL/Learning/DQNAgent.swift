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
    /// Buffers the updates reuse, shared by copies; no part of the agent's value.
    let workspace = UpdateWorkspace()

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

    public func qValues(_ features: [Float]) -> [Float] { withQValues(features, Array.init) }

    /// `body` applied to the Q-values of every action for `features`, computed in the workspace's
    /// buffers: once they are sized, acting allocates nothing.
    public func withQValues<Result>(_ features: [Float], _ body: (ArraySlice<Float>) -> Result) -> Result {
        var work = workspace.take()
        defer { workspace.giveBack(work) }
        online.forward(features, batch: 1, into: &work.acting)
        return body(work.acting.output(0))
    }

    /// The allowed action with the highest Q-value (the lowest index among equals).
    public func greedyAction(_ features: [Float], allowed: [Bool]? = nil) -> Int {
        withQValues(features) { Self.argmax($0, allowed: allowed) }
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
        var (lossSum, made): (Float, Int) = (0, 0)
        if buffer.count >= max(settings.learningStarts, 1) {
            var work = workspace.take()
            // Out of the buffers while the update reads it through the closure below.
            var positions: [Int] = []
            swap(&positions, &work.positions)
            for _ in 0..<settings.updatesPerStep {
                positions.removeAll(keepingCapacity: true)
                for _ in 0..<settings.batchSize { positions.append(buffer.randomPosition(random: &random)) }
                lossSum += update(count: positions.count, in: &work) { buffer[positions[$0]] }
                made += 1
            }
            swap(&positions, &work.positions)
            workspace.giveBack(work)
        }
        let synced = steps % settings.targetUpdate == 0
        if synced { target = online }
        return StepReport(loss: made == 0 ? nil : lossSum / Float(made), updates: made, targetSynced: synced)
    }

    /// One gradient step on `batch`; returns the batch's mean loss before the step.
    /// The target is `r + γ·(1 − terminated)·max_a' Q_target(s', a')` (or, with double DQN,
    /// `Q_target(s', argmax_a' Q_online(s', a'))`), over the actions allowed in s': a terminated
    /// transition never bootstraps.
    @discardableResult
    public mutating func update(on batch: [Transition]) -> Float {
        var work = workspace.take()
        defer { workspace.giveBack(work) }
        return update(count: batch.count, in: &work) { batch[$0] }
    }

    /// ``update(on:)`` on the `size` transitions `sample(0..<size)`, in `work`'s buffers.
    private mutating func update(count size: Int, in work: inout UpdateWorkspace.Buffers, _ sample: (Int) -> Transition) -> Float {
        let (actions, gamma) = (settings.actions, Float(settings.gamma))
        online.forward(batch: size, into: &work.current) { sample($0).state }
        target.forward(batch: size, into: &work.nextTarget) { sample($0).next }
        if settings.doubleDQN { online.forward(batch: size, into: &work.nextOnline) { sample($0).next } }

        UpdateWorkspace.zero(&work.outputGradient, count: size * actions)
        var totalLoss: Float = 0
        for index in 0..<size {
            let transition = sample(index)
            var bootstrap: Float = 0
            if !transition.terminated {
                let values = work.nextTarget.output(index)
                let choices = settings.doubleDQN ? work.nextOnline.output(index) : values
                let best = Self.argmax(choices) { ActionMask.isAllowed($0, bits: transition.nextAllowed) }
                bootstrap = values[values.startIndex + best]
            }
            let goal = transition.reward + gamma * bootstrap
            let error = work.current.output(index)[index * actions + transition.action] - goal
            totalLoss += settings.loss.value(error)
            work.outputGradient[index * actions + transition.action] = settings.loss.derivative(error) / Float(size)
        }
        UpdateWorkspace.zero(&work.gradient, count: online.parameters.count)
        online.backward(&work.current, outputGradient: work.outputGradient, into: &work.gradient)
        if settings.gradientClip > 0 { clipGradientNorm(&work.gradient, maxNorm: Float(settings.gradientClip)) }
        optimizer.apply(work.gradient, to: &online.parameters, spares: &work.optimizer)
        updates += 1
        return totalLoss / Float(size)
    }

    /// The index (from 0) of the highest value among the allowed ones (all when nil), the lowest
    /// among equals; 0 when none is allowed.
    public static func argmax(_ values: ArraySlice<Float>, allowed: [Bool]? = nil) -> Int {
        argmax(values) { offset in allowed.map { offset < $0.count && $0[offset] } ?? true }
    }

    /// The index of the highest value among those whose index `isAllowed`, the lowest among
    /// equals; 0 when none is allowed.
    static func argmax(_ values: ArraySlice<Float>, where isAllowed: (Int) -> Bool) -> Int {
        var best: Int?
        for offset in 0..<values.count where isAllowed(offset) {
            if best == nil || values[values.startIndex + offset] > values[values.startIndex + best!] { best = offset }
        }
        return best ?? 0
    }
}
