import SimArenaModel
import SimArenaSimulation

/// `reward.json`: the reward the previous step's action earned, judged on the observation that
/// followed it, and whether the episode ends here.
public struct RewardReport: Sendable, Hashable {
    /// Nil at an episode's first step (no action came before).
    public var reward: Double?
    public var function: RewardFunction
    public var forAction: String?
    public var actionBlocked: Bool
    public var atTarget: Bool
    public var goalReached: Bool
    public var terminated: Bool
    public var truncated: Bool

    /// Scores `observation` as the outcome of `previous` (nil at step 1). Step `step` of an
    /// episode of at most `maxActions` actions is truncated when it is step `maxActions + 1`.
    public init(observation: Observation, previous: ActionReport?, function: RewardFunction, goal: EpisodeGoal,
                step: Int, maxActions: Int, settings: ActionSettings) {
        self.function = function
        forAction = previous?.action.name
        actionBlocked = previous?.outcome.blocked ?? false
        reward = previous.map { function.reward(for: observation, actionBlocked: $0.outcome.blocked, settings: settings, goal: goal) }
        atTarget = observation.atTarget
        goalReached = goal.isReached(by: observation, settings: settings)
        terminated = goalReached
        truncated = !terminated && step > maxActions
    }

    /// Whether no action follows this step.
    public var endsEpisode: Bool { terminated || truncated }

    public var value: KValue {
        [
            "reward": reward.map(KValue.double) ?? .null, "reward_function": .string(function.rawValue),
            "for_action": forAction.map(KValue.string) ?? .null, "action_blocked": .bool(actionBlocked),
            "at_target": .bool(atTarget), "goal_reached": .bool(goalReached),
            "terminated": .bool(terminated), "truncated": .bool(truncated),
        ]
    }

    public init(document: KValue) throws {
        let map = try document.requireMap(at: "reward")
        func flag(_ key: String) throws -> Bool {
            guard let value = map[key] else { throw SimArenaError(.data, "reward: missing \"\(key)\"") }
            return try value.requireBool(at: key)
        }
        guard let name = map["reward_function"]?.stringValue, let function = RewardFunction(rawValue: name) else {
            throw SimArenaError(.data, "reward: \"reward_function\" is missing or unknown")
        }
        self.function = function
        reward = map["reward"].flatMap { $0.isNull ? nil : $0.doubleValue }
        forAction = map["for_action"]?.stringValue
        actionBlocked = try flag("action_blocked")
        atTarget = try flag("at_target")
        goalReached = try flag("goal_reached")
        terminated = try flag("terminated")
        truncated = try flag("truncated")
    }
}
