import SimArenaModel
import SimArenaSimulation

/// The DQN agent as a `.safetensors` file (docs/agents.md): tensors `online.<l>.kernel`
/// (`[inputs, outputs]`, so `y = x · kernel + bias`, ReLU between layers), `online.<l>.bias`,
/// the same under `target.`, and the optimizer's moments as flat vectors in the parameters'
/// order (`optimizer.first_moment`, Adam only, and `optimizer.second_moment`). `__metadata__`
/// holds the format, every hyperparameter and the step counts, numbers in shortest round-trip
/// form, so a loaded agent continues exactly. `extra` adds entries to `__metadata__` (a
/// checkpoint's `continue_seed`).
extension DQNAgent {
    public func checkpoint(extra: [String: String] = [:]) throws -> [UInt8] {
        var tensors: [String: SafeTensors.Tensor] = [:]
        for (prefix, network) in [("online", online), ("target", target)] {
            for layer in 0..<network.layerCount {
                let (inputs, outputs) = (network.sizes[layer], network.sizes[layer + 1])
                let kernel = network.kernelOffsets[layer], bias = network.biasOffsets[layer]
                tensors["\(prefix).\(layer).kernel"] = .init(floats: Array(network.parameters[kernel..<bias]), shape: [inputs, outputs])
                tensors["\(prefix).\(layer).bias"] = .init(floats: Array(network.parameters[bias..<bias + outputs]), shape: [outputs])
            }
        }
        if optimizer.kind == .adam {
            tensors["optimizer.first_moment"] = .init(floats: optimizer.firstMoment, shape: [optimizer.firstMoment.count])
        }
        tensors["optimizer.second_moment"] = .init(floats: optimizer.secondMoment, shape: [optimizer.secondMoment.count])
        let schedule = settings.schedule
        var metadata: [String: String] = [
            "format": Self.format, "features": Observation.featureNames.joined(separator: ","),
            "hidden": settings.hidden.map(String.init).joined(separator: ","), "actions": "\(settings.actions)",
            "lr": "\(settings.learningRate)", "gamma": "\(settings.gamma)", "optimizer": settings.optimizer.rawValue,
            "loss": settings.loss.rawValue, "grad_clip": "\(settings.gradientClip)", "buffer_size": "\(settings.bufferSize)",
            "batch_size": "\(settings.batchSize)", "target_update": "\(settings.targetUpdate)",
            "learning_starts": "\(settings.learningStarts)", "updates_per_step": "\(settings.updatesPerStep)",
            "double_dqn": "\(settings.doubleDQN)", "eps_start": "\(schedule.start)", "eps_end": "\(schedule.end)",
            "eps_decay": "\(schedule.decaySteps)", "steps": "\(steps)", "updates": "\(updates)",
            "optimizer_step": "\(optimizer.step)", "optimizer_beta1": "\(optimizer.beta1)",
            "optimizer_beta2": "\(optimizer.beta2)", "optimizer_eps": "\(optimizer.epsilon)",
        ]
        metadata.merge(extra) { current, _ in current }
        return try SafeTensors(tensors: tensors, metadata: metadata).encoded()
    }

    public init(checkpoint bytes: [UInt8]) throws {
        let file = try SafeTensors(bytes: bytes)
        let metadata = file.metadata
        guard metadata["format"] == Self.format else {
            throw SimArenaError(.data, "__metadata__ \"format\" is not \"\(Self.format)\" (not a DQN checkpoint)")
        }
        func text(_ key: String) throws -> String {
            guard let value = metadata[key] else { throw SimArenaError(.data, "__metadata__ has no \"\(key)\"") }
            return value
        }
        func parse<T: LosslessStringConvertible>(_ key: String, as: T.Type = T.self) throws -> T {
            guard let value = T(try text(key)) else { throw SimArenaError(.data, "__metadata__ \"\(key)\" is not a valid \(T.self)") }
            return value
        }
        guard try text("features") == Observation.featureNames.joined(separator: ",") else {
            throw SimArenaError(.data, "the checkpoint was trained on other observation features (\(try text("features")))")
        }
        var settings = DQNSettings(actions: try parse("actions"))
        settings.hidden = try text("hidden").split(separator: ",").map {
            guard let width = Int($0) else { throw SimArenaError(.data, "__metadata__ \"hidden\" is not a list of widths") }
            return width
        }
        settings.learningRate = try parse("lr")
        settings.gamma = try parse("gamma")
        guard let kind = Optimizer.Kind(rawValue: try text("optimizer")) else { throw SimArenaError(.data, "unknown optimizer") }
        guard let loss = TemporalDifferenceLoss(rawValue: try text("loss")) else { throw SimArenaError(.data, "unknown loss") }
        settings.optimizer = kind
        settings.loss = loss
        settings.gradientClip = try parse("grad_clip")
        settings.bufferSize = try parse("buffer_size")
        settings.batchSize = try parse("batch_size")
        settings.targetUpdate = try parse("target_update")
        settings.learningStarts = try parse("learning_starts")
        settings.updatesPerStep = try parse("updates_per_step")
        settings.doubleDQN = try parse("double_dqn")
        settings.schedule = EpsilonSchedule(start: try parse("eps_start"), end: try parse("eps_end"), decaySteps: try parse("eps_decay"))
        do { try settings.validate() } catch let error as SimArenaError { throw SimArenaError(.data, "__metadata__: \(error.message)") }
        self.settings = settings

        func network(_ prefix: String) throws -> MLP {
            var network = MLP(sizes: settings.layerSizes)
            for layer in 0..<network.layerCount {
                let (inputs, outputs) = (network.sizes[layer], network.sizes[layer + 1])
                let kernel = try file.require("\(prefix).\(layer).kernel", .f32, shape: [inputs, outputs]).floats
                let bias = try file.require("\(prefix).\(layer).bias", .f32, shape: [outputs]).floats
                network.parameters.replaceSubrange(network.kernelOffsets[layer]..<network.biasOffsets[layer] + outputs, with: kernel + bias)
            }
            return network
        }
        online = try network("online")
        target = try network("target")
        let count = online.parameters.count
        optimizer = Optimizer(kind: kind, learningRate: Float(settings.learningRate), parameterCount: count)
        if kind == .adam { optimizer.firstMoment = try file.require("optimizer.first_moment", .f32, shape: [count]).floats }
        optimizer.secondMoment = try file.require("optimizer.second_moment", .f32, shape: [count]).floats
        optimizer.step = try parse("optimizer_step")
        optimizer.beta1 = try parse("optimizer_beta1")
        optimizer.beta2 = try parse("optimizer_beta2")
        optimizer.epsilon = try parse("optimizer_eps")
        do { try optimizer.validate() } catch let error as SimArenaError { throw SimArenaError(.data, "__metadata__: \(error.message)") }
        steps = try parse("steps")
        updates = try parse("updates")
        let expected = Set(file.tensors.keys)
        let known = Set((0..<online.layerCount).flatMap { layer in
            ["online", "target"].flatMap { ["\($0).\(layer).kernel", "\($0).\(layer).bias"] }
        } + ["optimizer.second_moment"] + (kind == .adam ? ["optimizer.first_moment"] : []))
        if let extra = expected.subtracting(known).sorted().first {
            throw SimArenaError(.data, "unexpected tensor \"\(extra)\" (a network of other layer widths?)")
        }
        // Counts a run can reach (2^40 steps is 30 years at 1,000 steps a second), so that the
        // replay journal's offsets and the schedules computed from them cannot overflow.
        let reachable = 0...(Int64(1) << 40)
        guard [Int64(steps), Int64(updates), Int64(optimizer.step)].allSatisfy(reachable.contains) else {
            throw SimArenaError(.data, "__metadata__ step counts: steps \(steps), updates \(updates), optimizer_step \(optimizer.step): expected 0 to 2^40")
        }
    }
}
