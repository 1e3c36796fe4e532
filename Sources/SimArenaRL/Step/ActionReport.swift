import SimArenaModel
import SimArenaSimulation

/// `action.json`: the action chosen at a step, by whom, and what applying it to the trace did.
public struct ActionReport: Sendable, Hashable {
    public var action: AgentAction
    /// `policy:heuristic`, `agent:dqn`, `command:my-agent`.
    public var chooser: String
    public var outcome: ActionOutcome
    public var allowedActions: Int
    public var seed: UInt64

    public init(action: AgentAction, chooser: String, outcome: ActionOutcome, allowedActions: Int, seed: UInt64) {
        self.action = action
        self.chooser = chooser
        self.outcome = outcome
        self.allowedActions = allowedActions
        self.seed = seed
    }

    public var value: KValue {
        func text(_ value: String?) -> KValue { value.map(KValue.string) ?? .null }
        return [
            "action_idx": .int(Int64(action.rawValue)), "action": .string(action.name), "chooser": .string(chooser),
            "blocked": .bool(outcome.blocked), "blocked_reason": text(outcome.blockedReason), "field": text(outcome.field),
            "before": text(outcome.before), "after": text(outcome.after),
            "edited_objects": .int(Int64(outcome.editedObjects)), "n_actions": .int(Int64(allowedActions)),
            "seed": .integer(seed),
        ]
    }

    public init(document: KValue) throws {
        let map = try document.requireMap(at: "action")
        guard let index = map["action_idx"]?.int64Value, let action = AgentAction(rawValue: Int(index)) else {
            throw SimArenaError(.data, "action: \"action_idx\" is missing or not an action index")
        }
        self.action = action
        chooser = try map["chooser"]?.requireString(at: "chooser") ?? ""
        outcome = ActionOutcome(
            action: action, field: map["field"]?.stringValue, before: map["before"]?.stringValue,
            after: map["after"]?.stringValue, blockedReason: map["blocked_reason"]?.stringValue,
            editedObjects: Int(try map["edited_objects"]?.requireInt64(at: "edited_objects") ?? 0))
        allowedActions = Int(try map["n_actions"]?.requireInt64(at: "n_actions") ?? Int64(AgentAction.allCases.count))
        seed = try map["seed"]?.requireUInt64(at: "seed") ?? 0
    }
}
