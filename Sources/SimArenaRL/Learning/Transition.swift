import SimArenaModel
import SimArenaSimulation

/// One step of experience: from `state`, `action` earned `reward` and led to `next`.
/// `terminated` means the episode ended because the goal was reached, so `next` has no future
/// value; a truncated episode (out of steps) is not terminated, and its `next` bootstraps, over
/// the actions allowed there (``ActionMask``, as bits).
public struct Transition: Sendable, Equatable {
    public var state: [Float]
    public var action: Int
    public var reward: Float
    public var next: [Float]
    public var terminated: Bool
    /// The actions allowed in `next`, bit `i` for action `i`.
    public var nextAllowed: UInt8

    public init(state: [Float], action: Int, reward: Float, next: [Float], terminated: Bool, nextAllowed: UInt8 = 0xFF) {
        self.state = state
        self.action = action
        self.reward = reward
        self.next = next
        self.terminated = terminated
        self.nextAllowed = nextAllowed
    }
}
