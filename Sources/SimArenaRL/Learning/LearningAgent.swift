import SimArenaModel
import SimArenaSimulation

/// A learning agent's state, whichever kind: what `agent.json` / `agent.safetensors` in a step
/// directory and a checkpoint hold.
public enum LearningAgent: Sendable, Equatable {
    /// `--agent greedy`: tabular Q-learning, saved as JSON.
    case tabular(TabularQAgent)
    /// `--agent dqn`, saved as `.safetensors`.
    case dqn(DQNAgent)

    /// The names `--agent` takes for learning agents.
    public static let names = ["greedy", "dqn"]

    public var name: String {
        switch self {
        case .tabular: return "greedy"
        case .dqn: return "dqn"
        }
    }

    /// The extension of its state files (`agent.<ext>`, `checkpoint_latest.<ext>`).
    public var fileExtension: String { Self.fileExtension(agent: name) }

    public static func fileExtension(agent: String) -> String { agent == "dqn" ? "safetensors" : "json" }

    public var epsilon: Double {
        switch self {
        case .tabular(let agent): return agent.epsilon
        case .dqn(let agent): return agent.epsilon
        }
    }

    /// Learning steps taken.
    public var steps: Int {
        switch self {
        case .tabular(let agent): return agent.steps
        case .dqn(let agent): return agent.steps
        }
    }

    /// How many actions it chooses among.
    public var actions: Int {
        switch self {
        case .tabular(let agent): return agent.actions
        case .dqn(let agent): return agent.settings.actions
        }
    }

    /// The same agent, always greedy (epsilon 0): for evaluating a trained agent.
    public var withoutExploration: LearningAgent {
        let greedy = EpsilonSchedule(start: 0, end: 0, decaySteps: 0)
        switch self {
        case .tabular(var agent):
            agent.schedule = greedy
            return .tabular(agent)
        case .dqn(var agent):
            agent.settings.schedule = greedy
            return .dqn(agent)
        }
    }

    /// Q-values of every action in `observation`.
    public func qValues(_ observation: Observation, settings: ActionSettings) -> [Double] {
        switch self {
        case .tabular(let agent): return agent.qValues(StateDiscretizer.key(observation, settings: settings))
        case .dqn(let agent): return agent.withQValues(observation.features) { $0.map(Double.init) }
        }
    }

    /// Epsilon-greedy choice among the actions the safeguards allow (``ActionMask``).
    public func choose(_ observation: Observation, settings: ActionSettings, random: inout SeededGenerator) -> Int {
        let allowed = ActionMask.allowed(observation, actions: actions, settings: settings)
        switch self {
        case .tabular(let agent):
            return agent.choose(StateDiscretizer.key(observation, settings: settings), allowed: allowed, random: &random)
        case .dqn(let agent):
            return agent.choose(observation.features, allowed: allowed, random: &random)
        }
    }

    /// The state file's bytes. A checkpoint also records `continueSeed`, the seed with which a
    /// run that loads it draws what the run that saved it would have drawn next.
    public func encoded(continueSeed: UInt64? = nil) throws -> [UInt8] {
        switch self {
        case .tabular(let agent):
            var value = agent.value
            if let continueSeed { value["continue_seed"] = .integer(continueSeed) }
            return try DataFormat.json.encode(value)
        case .dqn(let agent):
            return try agent.checkpoint(extra: continueSeed.map { ["continue_seed": "\($0)"] } ?? [:])
        }
    }

    /// The `continue_seed` a checkpoint file records, if any.
    public static func continueSeed(ofCheckpoint path: String) throws -> UInt64? {
        let bytes = try FileIO.read(path, limit: 1 << 28)
        if case .dqn = try LearningAgent(bytes: bytes) {
            return try SafeTensors(bytes: bytes).metadata["continue_seed"].flatMap { UInt64($0) }
        }
        return try DataFormat.json.decode(bytes)["continue_seed"]?.uint64Value
    }

    /// Reads a state file of either kind, telling them apart by content: a safetensors file
    /// starts with its header's length and then `{`; the tabular agent's JSON starts with `{`.
    public init(bytes: [UInt8]) throws {
        if bytes.count > 8, bytes[8] == UInt8(ascii: "{"),
           (0..<8).reduce(UInt64(0), { $0 | UInt64(bytes[$1]) << (8 * $1) }) <= UInt64(bytes.count - 8) {
            self = .dqn(try DQNAgent(checkpoint: bytes))
        } else {
            self = .tabular(try TabularQAgent(document: try DataFormat.json.decode(bytes)))
        }
    }

    public static func load(_ path: String) throws -> LearningAgent {
        let bytes = try FileIO.read(path, limit: 1 << 28)
        do {
            return try LearningAgent(bytes: bytes)
        } catch let error as SimArenaError {
            throw error.prefixed(path)
        }
    }
}
