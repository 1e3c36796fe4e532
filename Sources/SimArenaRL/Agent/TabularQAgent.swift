import SimArenaModel
import SimArenaSimulation

/// The `greedy` agent: epsilon-greedy Q-learning over ``StateDiscretizer``'s states (a real
/// state-dependent table, not the original's state-blind bandit). Its checkpoint is JSON
/// (`simarena.tabular-q/v1`); doubles are written in their shortest exact form, so a run resumed
/// from a checkpoint continues exactly as an uninterrupted one.
public struct TabularQAgent: Sendable, Equatable {
    public static let format = "simarena.tabular-q/v1"

    /// Size of the action space (`--Naction`).
    public var actions: Int
    /// Step size α of the update Q ← Q + α·(target − Q).
    public var learningRate: Double
    public var gamma: Double
    public var schedule: EpsilonSchedule
    /// Updates made so far (drives the epsilon schedule).
    public var steps = 0
    /// Q-values by state key; unseen states are all zeros.
    public var table: [String: [Double]] = [:]

    public init(actions: Int, learningRate: Double = 0.5, gamma: Double = 0.97, schedule: EpsilonSchedule = EpsilonSchedule()) {
        self.actions = actions
        self.learningRate = learningRate
        self.gamma = gamma
        self.schedule = schedule
    }

    public var epsilon: Double { schedule.epsilon(atStep: steps) }

    public func qValues(_ state: String) -> [Double] {
        table[state] ?? Array(repeating: 0, count: actions)
    }

    /// The best allowed action (all when `allowed` is nil; the lowest index among equals).
    public func greedyAction(_ state: String, allowed: [Bool]? = nil) -> Int {
        let values = qValues(state)
        let candidates = values.indices.filter { allowed?[$0] ?? true }
        return candidates.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) } ?? 0
    }

    /// Explores with probability epsilon (uniformly among the allowed actions), else acts
    /// greedily.
    public func choose(_ state: String, allowed: [Bool]? = nil, random: inout SeededGenerator) -> Int {
        guard random.unitDouble() < epsilon else { return greedyAction(state, allowed: allowed) }
        let choices = (0..<actions).filter { allowed?[$0] ?? true }
        return choices.isEmpty ? 0 : choices[Int(random.next(below: UInt64(choices.count)))]
    }

    /// One Q-learning update; a terminated transition does not bootstrap (a truncated one does,
    /// over the actions allowed in `next`). Returns the temporal-difference error before the
    /// update.
    @discardableResult
    public mutating func update(state: String, action: Int, reward: Double, next: String, terminated: Bool,
                                nextAllowed: [Bool]? = nil) -> Double {
        var values = qValues(state)
        let following = qValues(next)
        let target = reward + (terminated ? 0 : gamma * following[greedyAction(next, allowed: nextAllowed)])
        let error = target - values[action]
        values[action] += learningRate * error
        table[state] = values
        steps += 1
        return error
    }

    public var value: KValue {
        [
            "format": .string(Self.format), "actions": .int(Int64(actions)), "learning_rate": .double(learningRate),
            "gamma": .double(gamma), "eps_start": .double(schedule.start), "eps_end": .double(schedule.end),
            "eps_decay": .int(Int64(schedule.decaySteps)), "steps": .int(Int64(steps)),
            "table": .map(KMap(table.sorted { $0.key < $1.key }.map { KMap.Entry(key: .string($0.key), value: .array($0.value.map(KValue.double))) })),
        ]
    }

    /// Checks the hyperparameters' ranges, wherever they come from (flags, `run.json`, a
    /// checkpoint); the message names the flag.
    public func validateSettings() throws {
        guard learningRate > 0, learningRate <= 1 else { throw SimArenaError(.usage, "--lr must be in (0, 1]") }
        guard (0...1).contains(gamma), (0...1).contains(schedule.start), (0...1).contains(schedule.end), schedule.decaySteps >= 0 else {
            throw SimArenaError(.usage, "--gamma, --eps-start and --eps-end must be in [0, 1], --eps-decay not negative")
        }
    }

    public init(document: KValue) throws {
        let map = try document.requireMap(at: "agent")
        guard map["format"]?.stringValue == Self.format else {
            throw SimArenaError(.data, "agent: \"format\" is not \"\(Self.format)\" (not a greedy-agent checkpoint)")
        }
        func number(_ key: String) throws -> Double {
            guard let value = map[key]?.doubleValue, value.isFinite else { throw SimArenaError(.data, "agent: \"\(key)\" is missing or not a number") }
            return value
        }
        func count(_ key: String) throws -> Int {
            guard let value = map[key] else { throw SimArenaError(.data, "agent: missing \"\(key)\"") }
            let number = try value.requireInt64(at: key)
            guard (0...Int64(Int32.max)).contains(number) else { throw SimArenaError(.data, "agent: \"\(key)\" is out of range") }
            return Int(number)
        }
        actions = try count("actions")
        guard (1...AgentAction.allCases.count).contains(actions) else { throw SimArenaError(.data, "agent: \"actions\" must be 1 to 7") }
        learningRate = try number("learning_rate")
        gamma = try number("gamma")
        schedule = EpsilonSchedule(start: try number("eps_start"), end: try number("eps_end"), decaySteps: try count("eps_decay"))
        steps = try count("steps")
        do { try validateSettings() } catch let error as SimArenaError { throw SimArenaError(.data, "agent: \(error.message)") }
        for entry in try (map["table"] ?? .map(KMap())).requireMap(at: "table").entries {
            let key = try entry.key.requireString(at: "table key")
            let values = try entry.value.requireArray(at: "table.\(key)").map { value -> Double in
                guard let number = value.doubleValue, number.isFinite else { throw SimArenaError(.data, "table.\(key): not a number") }
                return number
            }
            guard values.count == actions else {
                throw SimArenaError(.data, "table.\(key): \(values.count) values for \(actions) actions")
            }
            table[key] = values
        }
    }
}
