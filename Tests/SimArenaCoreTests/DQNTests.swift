import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class DQNTests: XCTestCase {
    /// The observation's feature count: the network's input width.
    static let width = Observation.featureNames.count

    /// Central finite differences (in float32, so a loose tolerance) against back-propagation,
    /// for a loss that weights every output differently.
    func testBackpropagationMatchesFiniteDifferences() {
        var random = SeededGenerator(seed: 11)
        var network = MLP(sizes: [4, 6, 5, 3], random: &random)
        let batch = 3
        let inputs = (0..<batch * 4).map { _ in Float(random.unitDouble() * 2 - 1) }
        let weights = (0..<batch * 3).map { _ in Float(random.unitDouble() * 2 - 1) }
        func loss(_ net: MLP) -> Double {
            var activations = MLP.Activations()
            net.forward(inputs, batch: batch, into: &activations)
            return zip(activations.values.last!, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        var activations = MLP.Activations()
        network.forward(inputs, batch: batch, into: &activations)
        var gradient = [Float](repeating: 0, count: network.parameters.count)
        network.backward(&activations, outputGradient: weights, into: &gradient)
        var checked = 0
        for index in network.parameters.indices {
            let saved = network.parameters[index]
            let step: Float = 1e-3
            network.parameters[index] = saved + step
            let up = loss(network)
            network.parameters[index] = saved - step
            let down = loss(network)
            network.parameters[index] = saved
            let numeric = (up - down) / (2 * Double(step))
            XCTAssertEqual(Double(gradient[index]), numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "parameter \(index)")
            if gradient[index] != 0 { checked += 1 }
        }
        XCTAssertGreaterThan(checked, network.parameters.count / 2, "most parameters get a gradient")
    }

    /// The forward pass adds sixteen units side by side and the backward pass sixteen samples:
    /// every activation and gradient must come out bit for bit as the formulas one sample and one
    /// unit at a time give them, for batches with and without a vector part and a tail (1, 16,
    /// 23, 33) and layers narrower than, as wide as and wider than the vectors.
    func testForwardAndBackpropagationAreBitIdenticalToTheScalarFormulas() {
        var random = SeededGenerator(seed: 5)
        for (sizes, batch) in [([5, 19, 17, 3], 1), ([5, 19, 16, 3], 16), ([12, 64, 64, 7], 23), ([3, 2, 20, 4], 33)] {
            let network = MLP(sizes: sizes, random: &random)
            let inputs = (0..<batch * sizes[0]).map { _ in Float(random.unitDouble() * 2 - 1) }
            let outputGradient = (0..<batch * sizes.last!).map { _ in Float(random.unitDouble() - 0.5) }
            var activations = MLP.Activations()
            network.forward(inputs, batch: batch, into: &activations)
            var gradient = [Float](repeating: 0, count: network.parameters.count)
            network.backward(&activations, outputGradient: outputGradient, into: &gradient)

            // The formulas, one sample and one unit at a time.
            let weights = network.parameters
            var values = [inputs]
            for layer in 0..<network.layerCount {
                let (width, height) = (sizes[layer], sizes[layer + 1])
                let (kernel, bias, x) = (network.kernelOffsets[layer], network.biasOffsets[layer], values[layer])
                var output = [Float](repeating: 0, count: batch * height)
                for sample in 0..<batch {
                    for unit in 0..<height {
                        var sum = weights[bias + unit]
                        for feature in 0..<width where x[sample * width + feature] != 0 {
                            sum += x[sample * width + feature] * weights[kernel + feature * height + unit]
                        }
                        output[sample * height + unit] = layer + 1 < network.layerCount && !(sum > 0) ? 0 : sum
                    }
                }
                values.append(output)
            }
            XCTAssertEqual(activations.values.map { $0.map(\.bitPattern) }, values.map { $0.map(\.bitPattern) }, "\(sizes), batch \(batch)")
            var expected = [Float](repeating: 0, count: weights.count)
            var delta = outputGradient
            for layer in stride(from: network.layerCount - 1, through: 0, by: -1) {
                let (width, height) = (sizes[layer], sizes[layer + 1])
                let (kernel, bias) = (network.kernelOffsets[layer], network.biasOffsets[layer])
                let x = activations.values[layer]
                var inputDelta = [Float](repeating: 0, count: batch * width)
                for sample in 0..<batch {
                    for unit in 0..<height { expected[bias + unit] += delta[sample * height + unit] }
                    for feature in 0..<width where x[sample * width + feature] != 0 {
                        for unit in 0..<height {
                            expected[kernel + feature * height + unit] += x[sample * width + feature] * delta[sample * height + unit]
                        }
                    }
                    for feature in 0..<width where x[sample * width + feature] > 0 {
                        var sum: Float = 0
                        for unit in 0..<height { sum += weights[kernel + feature * height + unit] * delta[sample * height + unit] }
                        inputDelta[sample * width + feature] = sum
                    }
                }
                delta = inputDelta
            }
            XCTAssertEqual(gradient.map(\.bitPattern), expected.map(\.bitPattern), "\(sizes), batch \(batch)")
        }
    }

    /// Two Adam steps (lr 0.1, β 0.9/0.999, ε 1e-8) worked by hand:
    /// t=1: m̂ = g, v̂ = g², so each parameter moves by lr·sign(g): [0.9, −1.9].
    /// t=2, g = [−0.2, 0.3]: m = [0.025, 0.021], v = [2.8975e-4, 9.999e-5];
    /// m̂ = m/0.19, v̂ = v/0.001999; θ −= 0.1·m̂/(√v̂ + ε) → [0.8654394, −1.9494190].
    func testAdamMatchesHandComputedSteps() {
        var optimizer = Optimizer(kind: .adam, learningRate: 0.1, parameterCount: 2)
        var spares = Optimizer.Spares()
        var parameters: [Float] = [1, -2]
        optimizer.apply([0.5, -0.1], to: &parameters, spares: &spares)
        XCTAssertEqual(parameters[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(parameters[1], -1.9, accuracy: 1e-6)
        optimizer.apply([-0.2, 0.3], to: &parameters, spares: &spares)
        XCTAssertEqual(parameters[0], 0.8654394, accuracy: 1e-6)
        XCTAssertEqual(parameters[1], -1.9494190, accuracy: 1e-6)
        XCTAssertEqual(optimizer.step, 2)
    }

    /// Adam updates eight parameters at a time: each must come out bit for bit as the
    /// one-at-a-time formula gives it, in the vector part and in the tail (13 = 8 + 5).
    func testAdamIsBitIdenticalToTheScalarFormula() {
        var random = SeededGenerator(seed: 7)
        var optimizer = Optimizer(kind: .adam, learningRate: 0.003, parameterCount: 13)
        var spares = Optimizer.Spares()
        var parameters = (0..<13).map { _ in Float(random.unitDouble() * 2 - 1) }
        var (expected, m, v) = (parameters, [Float](repeating: 0, count: 13), [Float](repeating: 0, count: 13))
        for step in 1...5 {
            let gradient = (0..<13).map { _ in Float(random.unitDouble() - 0.5) }
            optimizer.apply(gradient, to: &parameters, spares: &spares)
            let (b1, b2, lr, eps) = (optimizer.beta1, optimizer.beta2, optimizer.learningRate, optimizer.epsilon)
            let c1 = Float(1 - pow(Double(b1), Double(step)))
            let c2 = Float(1 - pow(Double(b2), Double(step)))
            for index in 0..<13 {
                let g = gradient[index]
                m[index] = b1 * m[index] + (1 - b1) * g
                v[index] = b2 * v[index] + (1 - b2) * g * g
                let mean = m[index] / c1
                let variance = v[index] / c2
                expected[index] -= lr * mean / (variance.squareRoot() + eps)
            }
            XCTAssertEqual(parameters.map(\.bitPattern), expected.map(\.bitPattern), "step \(step)")
            XCTAssertEqual(optimizer.firstMoment.map(\.bitPattern), m.map(\.bitPattern))
            XCTAssertEqual(optimizer.secondMoment.map(\.bitPattern), v.map(\.bitPattern))
        }
    }

    func testRMSpropMatchesHandComputedStep() {
        // v = 0.01·g² = 0.0025; θ −= 0.01·0.5/(0.05 + 1e-8)
        var optimizer = Optimizer(kind: .rmsprop, learningRate: 0.01, parameterCount: 1)
        var spares = Optimizer.Spares()
        var parameters: [Float] = [1]
        optimizer.apply([0.5], to: &parameters, spares: &spares)
        XCTAssertEqual(parameters[0], 0.9, accuracy: 1e-6)
    }

    func testGradientClippingScalesToTheMaximumNorm() {
        var gradient: [Float] = [3, 4]
        XCTAssertEqual(clipGradientNorm(&gradient, maxNorm: 1), 5)
        XCTAssertEqual(gradient[0], 0.6, accuracy: 1e-5)
        XCTAssertEqual(gradient[1], 0.8, accuracy: 1e-5)
        var small: [Float] = [0.3, 0.4]
        clipGradientNorm(&small, maxNorm: 1)
        XCTAssertEqual(small, [0.3, 0.4])
    }

    func testHuberIsQuadraticInsideOneAndLinearOutside() {
        XCTAssertEqual(TemporalDifferenceLoss.huber.value(0.5), 0.125)
        XCTAssertEqual(TemporalDifferenceLoss.huber.value(-3), 2.5)
        XCTAssertEqual(TemporalDifferenceLoss.huber.derivative(-3), -1)
        XCTAssertEqual(TemporalDifferenceLoss.huber.derivative(0.25), 0.25)
        XCTAssertEqual(TemporalDifferenceLoss.mse.value(3), 9)
        XCTAssertEqual(TemporalDifferenceLoss.mse.derivative(3), 6)
    }

    /// The loss `update` reports is computed from targets in which a terminated transition does
    /// not bootstrap and a truncated one does (the classic inverted-mask bug would swap them).
    func testTerminatedTransitionsDoNotBootstrapButTruncatedOnesDo() {
        var settings = DQNSettings(actions: 2)
        settings.hidden = [4]
        settings.loss = .mse
        settings.gamma = 0.5
        let agent = DQNAgent(settings: settings, seed: 3)
        let state = [Float](repeating: 0.5, count: Self.width)
        let next = (0..<Self.width).map { Float($0) / Float(Self.width) }
        let q = agent.online(state)[1]
        let bootstrap = agent.target(next).max()!
        for terminated in [true, false] {
            var copy = agent
            let loss = copy.update(on: [Transition(state: state, action: 1, reward: 1, next: next, terminated: terminated)])
            let goal: Float = terminated ? 1 : 1 + 0.5 * bootstrap
            XCTAssertEqual(loss, (q - goal) * (q - goal), accuracy: 1e-5, terminated ? "terminated" : "truncated")
        }
        XCTAssertNotEqual(bootstrap, 0, "the check needs a nonzero bootstrap value")
    }

    /// The 5-state chain of TabularAgentTests (γ = 0.9; Q(s, right) = γ^(4−s), Q(s, left) =
    /// γ^(6−s) for s ≥ 1, Q(0, left) = γ⁵), states one-hot in the first five features, learned
    /// from uniformly random behaviour: every Q-value within 0.05 and the greedy policy right.
    func testDQNConvergesToTheChainsOptimalValues() {
        for double in [false, true] {
            var settings = DQNSettings(actions: 2)
            settings.hidden = [32]
            settings.gamma = 0.9
            settings.learningRate = 3e-3
            settings.bufferSize = 1000
            settings.targetUpdate = 100
            settings.doubleDQN = double
            settings.schedule = EpsilonSchedule(start: 1, end: 1, decaySteps: 0)
            var agent = DQNAgent(settings: settings, seed: 7)
            var buffer = ReplayBuffer(capacity: settings.bufferSize)
            var random = SeededGenerator(seed: 8)
            func features(_ state: Int) -> [Float] { (0..<Self.width).map { $0 == state ? 1 : 0 } }
            var state = 0
            for _ in 0..<6000 {
                let action = agent.choose(features(state), random: &random)
                let terminal = state == 4 && action == 1
                let next = terminal ? 0 : (action == 1 ? state + 1 : max(0, state - 1))
                agent.learn(Transition(state: features(state), action: action, reward: terminal ? 1 : 0, next: features(next),
                                       terminated: terminal), buffer: &buffer, random: &random)
                state = next
            }
            for s in 0..<5 {
                let values = agent.qValues(features(s))
                XCTAssertEqual(Double(values[1]), pow(0.9, Double(4 - s)), accuracy: 0.05, "Q(\(s), right), double \(double)")
                XCTAssertEqual(Double(values[0]), pow(0.9, Double(s == 0 ? 5 : 6 - s)), accuracy: 0.05, "Q(\(s), left), double \(double)")
                XCTAssertEqual(agent.greedyAction(features(s)), 1)
            }
        }
    }

    func testSameSeedGivesTheSameAgentBitForBit() throws {
        func train() throws -> [UInt8] {
            var settings = DQNSettings(actions: 3)
            settings.learningStarts = 4
            settings.batchSize = 4
            var agent = DQNAgent(settings: settings, seed: 1)
            var buffer = ReplayBuffer(capacity: 50)
            var random = SeededGenerator(seed: 2)
            for step in 0..<40 {
                let state = (0..<Self.width).map { Float(($0 * 7 + step) % 5) / 5 }
                agent.learn(Transition(state: state, action: step % 3, reward: Float(step % 4) / 4, next: state.reversed(),
                                       terminated: step % 9 == 0), buffer: &buffer, random: &random)
            }
            return try agent.checkpoint()
        }
        XCTAssertEqual(try train(), try train())
    }

    /// An update works in the agent's workspace: once the first has sized its buffers, the
    /// next ones write into the same storage instead of allocating, also when a copy of the
    /// agent is kept at every step (as the runs keep the last step's agent).
    func testUpdatesReuseTheirBuffersOnceSized() {
        var settings = DQNSettings(actions: 3)
        settings.learningStarts = 4
        settings.batchSize = 4
        settings.targetUpdate = 3
        settings.doubleDQN = true
        var agent = DQNAgent(settings: settings, seed: 1)
        var buffer = ReplayBuffer(capacity: 50)
        var random = SeededGenerator(seed: 2)
        var kept = agent
        func learn(_ step: Int) {
            kept = agent
            let before = try! agent.checkpoint()
            let state = (0..<Self.width).map { Float(($0 * 7 + step) % 5) / 5 }
            agent.learn(Transition(state: state, action: step % 3, reward: 1, next: state.reversed(), terminated: false),
                        buffer: &buffer, random: &random)
            // The copy kept from before (as a run's carry keeps it) is untouched by the update,
            // though the optimizer now writes into the arrays it read the step before.
            XCTAssertEqual(try DQNAgent(checkpoint: before), kept, "step \(step)")
        }

        func addresses() -> [UnsafeRawPointer?] {
            let work = agent.workspace.take()
            defer { agent.workspace.giveBack(work) }
            let passes = [work.current, work.nextTarget, work.nextOnline]
            let floats = (passes.flatMap { $0.values + $0.deltas } + [work.outputGradient, work.gradient]).filter { !$0.isEmpty }
            return floats.map { $0.withUnsafeBytes { $0.baseAddress } } + [work.positions.withUnsafeBytes { $0.baseAddress }]
        }
        for step in 0..<6 { learn(step) }
        XCTAssertEqual(agent.updates, 3)
        let sized = addresses()
        XCTAssertEqual(sized.count, 3 * 4 + 3 + 2 + 1, "values of three passes, deltas of one (not its input's), two gradients, positions")
        for step in 6..<12 { learn(step) }
        XCTAssertEqual(agent.updates, 9)
        XCTAssertEqual(addresses(), sized)
        XCTAssertEqual(try DQNAgent(checkpoint: try agent.checkpoint()), agent, "the workspace is no part of the agent's value")
    }

    /// Buffers left by updates of another batch size, and a copy updating beside it, change
    /// nothing: an agent with a used workspace updates bit for bit as one with a fresh workspace.
    func testAUsedWorkspaceUpdatesBitForBitAsAFreshOne() throws {
        var settings = DQNSettings(actions: 4)
        settings.doubleDQN = true
        var used = DQNAgent(settings: settings, seed: 5)
        func transition(_ index: Int) -> Transition {
            let state = (0..<Self.width).map { Float(($0 * 3 + index) % 7) / 7 }
            return Transition(state: state, action: index % 4, reward: Float(index % 3) - 1, next: state.reversed(),
                              terminated: index % 5 == 0, nextAllowed: UInt8(0x0F >> (index % 2)))
        }
        var copy = used
        copy.update(on: (0..<3).map(transition))
        // The same batch size as below, so that its values stay in the buffers.
        used.update(on: (10..<15).map(transition))
        var fresh = try DQNAgent(checkpoint: try used.checkpoint())
        let batch = (3..<8).map(transition)
        XCTAssertEqual(used.update(on: batch).bitPattern, fresh.update(on: batch).bitPattern)
        XCTAssertEqual(try used.checkpoint(), try fresh.checkpoint())
    }

    func testCheckpointsRoundTripExactly() throws {
        for kind in Optimizer.Kind.allCases {
            var settings = DQNSettings(actions: 7)
            settings.optimizer = kind
            settings.learningRate = 0.1 / 3
            settings.schedule = EpsilonSchedule(start: 0.9, end: 0.05, decaySteps: 300)
            var agent = DQNAgent(settings: settings, seed: 9)
            agent.update(on: [Transition(state: Array(repeating: 0.25, count: Self.width), action: 5, reward: -0.45,
                                         next: Array(repeating: 0.75, count: Self.width), terminated: false)])
            agent.steps = 17
            let bytes = try agent.checkpoint()
            XCTAssertEqual(try DQNAgent(checkpoint: bytes), agent)
            XCTAssertEqual(try DQNAgent(checkpoint: bytes).checkpoint(), bytes)
        }
    }

    func testBadCheckpointsAreRefusedClearly() throws {
        let agent = DQNAgent(settings: DQNSettings(actions: 4), seed: 1)
        var file = try SafeTensors(bytes: try agent.checkpoint())
        file.metadata["format"] = "other"
        XCTAssertThrowsError(try DQNAgent(checkpoint: try file.encoded())) { XCTAssertTrue("\($0)".contains("not a DQN checkpoint")) }
        file.metadata["format"] = DQNAgent.format
        file.tensors["online.0.kernel"]!.shape = [64, Self.width]
        XCTAssertThrowsError(try DQNAgent(checkpoint: try file.encoded())) { XCTAssertTrue("\($0)".contains("expected F32 [\(Self.width), 64]")) }
    }

    func testSafeTensorsLayoutAndStrictReading() throws {
        let file = SafeTensors(tensors: ["b": .init(int32s: [1, -2], shape: [2]), "a": .init(floats: [1.5], shape: [1, 1])],
                               metadata: ["k": "v"])
        let bytes = try file.encoded()
        let length = Int(bytes[0]) | Int(bytes[1]) << 8
        XCTAssertEqual(length % 8, 0, "header padded to 8 bytes")
        let header = String(decoding: bytes[8..<8 + length], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix(#"{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]},"b":"#))
        XCTAssertEqual(Array(bytes[(8 + length)...]), [0, 0, 0xC0, 0x3F, 1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(try SafeTensors(bytes: bytes), file)

        XCTAssertThrowsError(try SafeTensors(bytes: [1, 2, 3])) { XCTAssertTrue("\($0)".contains("shorter than the 8-byte")) }
        XCTAssertThrowsError(try SafeTensors(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7B])) {
            XCTAssertTrue("\($0)".contains("does not fit"))
        }
        XCTAssertThrowsError(try SafeTensors(bytes: bytes.dropLast())) { XCTAssertTrue("\($0)".contains("outside the file")) }
        XCTAssertThrowsError(try SafeTensors(bytes: bytes + [0])) { XCTAssertTrue("\($0)".contains("no tensor claims")) }
        var broken = bytes
        broken[9] = UInt8(ascii: "x")
        XCTAssertThrowsError(try SafeTensors(bytes: broken)) { XCTAssertTrue("\($0)".contains("not valid JSON")) }
    }

    func testReplayJournalRebuildsTheBufferAndCutsOffUnfinishedAppends() throws {
        let path = NSTemporaryDirectory() + "replay-\(UInt64.random(in: 0...UInt64.max)).bin"
        defer { try? FileManager.default.removeItem(atPath: path) }
        func transition(_ index: Int) -> Transition {
            Transition(state: (0..<Self.width).map { Float(index * Self.width + $0) }, action: index % 7, reward: Float(index) / 3,
                       next: (0..<Self.width).map { -Float(index * Self.width + $0) }, terminated: index % 2 == 0)
        }
        try ReplayJournal.create(path, features: Self.width, first: 5, transitions: [transition(5), transition(6)])
        try ReplayJournal.write([transition(7), transition(8)], at: 7, to: path)
        try ReplayJournal.write([transition(8)], at: 8, to: path)  // redone after a kill: replaces, not duplicates
        XCTAssertEqual(try ReplayJournal.read(path, range: 5..<9), (5..<9).map(transition))
        XCTAssertThrowsError(try ReplayJournal.read(path, range: 5..<10)) { XCTAssertTrue("\($0)".contains("too short")) }
        XCTAssertThrowsError(try ReplayJournal.read(path, range: 4..<6)) { XCTAssertTrue("\($0)".contains("before the journal's first")) }
        XCTAssertThrowsError(try ReplayJournal.write([transition(11)], at: 11, to: path)) { XCTAssertTrue("\($0)".contains("inconsistent")) }
        let buffer = ReplayBuffer(capacity: 3, transitions: try ReplayJournal.read(path, range: 5..<9), total: 9)
        XCTAssertEqual(buffer.transitions, (6..<9).map(transition))
        XCTAssertEqual(buffer.total, 9)
    }

    /// Actions the safeguards would block are masked: never chosen, greedily or exploring, and
    /// left out of the bootstrap maximum.
    func testBlockedActionsAreMaskedOut() throws {
        var observation = try Observation(document: RewardAndObservationTests.blank(target: 3))
        observation.replicas = 1
        observation.cpuRequest = try Quantity(parsing: "16")
        observation.memoryRequest = try Quantity(parsing: "512Mi")
        let allowed = ActionMask.allowed(observation, actions: 7, settings: ActionSettings())
        XCTAssertEqual(allowed, [true, false, true, true, true, true, false], "no CPU above 16, no replicas below 1")
        XCTAssertEqual((0..<7).map { ActionMask.isAllowed($0, bits: ActionMask.bits(allowed)) }, allowed)

        var settings = DQNSettings(actions: 7)
        settings.hidden = [8]
        settings.loss = .mse
        settings.gamma = 1
        var agent = DQNAgent(settings: settings, seed: 4)
        // Make action 6 by far the best everywhere: the output bias.
        let outputBias = agent.online.biasOffsets[1]
        agent.online.parameters[outputBias + 6] = 100
        agent.target = agent.online
        XCTAssertEqual(agent.greedyAction(observation.features), 6)
        XCTAssertNotEqual(agent.greedyAction(observation.features, allowed: allowed), 6)
        agent.settings.schedule = EpsilonSchedule(start: 1, end: 1, decaySteps: 0)
        var random = SeededGenerator(seed: 1)
        for _ in 0..<200 { XCTAssertTrue(allowed[agent.choose(observation.features, allowed: allowed, random: &random)]) }
        // The bootstrap skips the masked action 6 (its target value would be about 100).
        let transition = Transition(state: observation.features, action: 0, reward: 0, next: observation.features, terminated: false,
                                    nextAllowed: ActionMask.bits(allowed))
        let q = agent.online(observation.features)
        let masked = agent.target(observation.features).enumerated().filter { allowed[$0.offset] }.map(\.element).max()!
        var copy = agent
        XCTAssertEqual(copy.update(on: [transition]), (q[0] - masked) * (q[0] - masked), accuracy: 1e-3)
        // Acting computes in the workspace the update used: the same values as a pass of its own.
        XCTAssertEqual(copy.qValues(observation.features), copy.online(observation.features))
        XCTAssertEqual(agent.qValues(observation.features), q)
    }
}
