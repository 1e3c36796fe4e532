import SimArenaModel
import SimArenaSimulation

/// What applying an action did: the values before and after, or why it was blocked (a blocked
/// action leaves the trace unchanged).
public struct ActionOutcome: Sendable, Hashable {
    public var action: AgentAction
    /// `cpu`, `memory` or `replicas`; nil for noop.
    public var field: String?
    public var before: String?
    public var after: String?
    /// Why the safeguards refused the change.
    public var blockedReason: String?
    /// How many objects in the trace were edited.
    public var editedObjects: Int

    public var blocked: Bool { blockedReason != nil }
}
