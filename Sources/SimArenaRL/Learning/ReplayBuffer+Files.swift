import SimArenaModel
import SimArenaSimulation

/// The replay buffer on disk: rebuilt from a run's ``ReplayJournal``, and saved beside a DQN
/// checkpoint as `<checkpoint>.replay.safetensors` (tensors `states` and `next_states` F32
/// `[n, features]`, `actions` I32 `[n]`, `rewards` F32 `[n]`, `terminated` U8 `[n]`,
/// `next_allowed` U8 `[n]` (the actions allowed in the next state, bit `i` for action `i`), oldest
/// first; `__metadata__` format `simarena.replay/v1` and `total`, the number of transitions the
/// agent had learned from, the last of which is the buffer's newest).
extension ReplayBuffer {
    public static let checkpointFormat = "simarena.replay/v1"

    /// The replay file that goes with checkpoint `path` (`x.safetensors` → `x.replay.safetensors`).
    public static func checkpointPath(beside path: String) -> String {
        (path.hasSuffix(".safetensors") ? String(path.dropLast(".safetensors".count)) : path) + ".replay.safetensors"
    }

    /// The buffer of an agent that has learned from `total` transitions, from the journal at
    /// `path` (created empty, starting at `total`, when missing: a run's first learning step, or
    /// a checkpoint loaded without its replay file).
    public static func fromJournal(_ path: String, capacity: Int, total: Int) throws -> ReplayBuffer {
        if !FileIO.exists(path) {
            try ReplayJournal.create(path, features: Observation.featureNames.count, first: total)
        }
        let (features, first) = try ReplayJournal.header(path)
        guard features == Observation.featureNames.count else {
            throw SimArenaError(.data, "\(path): the journal's records have \(features) features; this agent observes \(Observation.featureNames.count)")
        }
        guard first <= total else {
            throw SimArenaError(.data, "\(path): the journal starts at transition \(first), after the \(total) the agent has learned from")
        }
        let transitions = try ReplayJournal.read(path, range: max(first, total - capacity)..<total)
        return ReplayBuffer(capacity: capacity, transitions: transitions, total: total)
    }

    public func checkpoint() throws -> [UInt8] {
        let held = transitions
        let width = Observation.featureNames.count
        let tensors: [String: SafeTensors.Tensor] = [
            "states": .init(floats: held.flatMap(\.state), shape: [held.count, width]),
            "next_states": .init(floats: held.flatMap(\.next), shape: [held.count, width]),
            "actions": .init(int32s: held.map { Int32($0.action) }, shape: [held.count]),
            "rewards": .init(floats: held.map(\.reward), shape: [held.count]),
            "terminated": .init(dtype: .u8, shape: [held.count], bytes: held.map { $0.terminated ? 1 : 0 }),
            "next_allowed": .init(dtype: .u8, shape: [held.count], bytes: held.map(\.nextAllowed)),
        ]
        return try SafeTensors(tensors: tensors, metadata: ["format": Self.checkpointFormat, "total": "\(total)"]).encoded()
    }

    /// The transitions of a replay checkpoint, and the total they end at.
    public static func transitions(checkpoint bytes: [UInt8]) throws -> (transitions: [Transition], total: Int) {
        let file = try SafeTensors(bytes: bytes)
        guard file.metadata["format"] == checkpointFormat, let total = file.metadata["total"].flatMap({ Int($0) }) else {
            throw SimArenaError(.data, "not a replay buffer (__metadata__ format \(checkpointFormat) and total expected)")
        }
        let count = file.tensors["actions"]?.shape.first ?? 0
        let width = Observation.featureNames.count
        let states = try file.require("states", .f32, shape: [count, width]).floats
        let next = try file.require("next_states", .f32, shape: [count, width]).floats
        let actions = try file.require("actions", .i32, shape: [count]).int32s
        let rewards = try file.require("rewards", .f32, shape: [count]).floats
        let terminated = try file.require("terminated", .u8, shape: [count]).bytes
        let nextAllowed = try file.require("next_allowed", .u8, shape: [count]).bytes
        guard total >= count else { throw SimArenaError(.data, "replay buffer: total \(total) is less than the \(count) transitions held") }
        let transitions = (0..<count).map { index in
            Transition(state: Array(states[index * width..<(index + 1) * width]), action: Int(actions[index]),
                       reward: rewards[index], next: Array(next[index * width..<(index + 1) * width]),
                       terminated: terminated[index] != 0, nextAllowed: nextAllowed[index])
        }
        return (transitions, total)
    }
}
