import SimArenaModel
import SimArenaSimulation

/// DQN's experience replay: the last `capacity` transitions, oldest first, in a ring.
///
/// `total` counts every transition ever added (loaded history included); the buffer holds the
/// ones numbered `total − count ..< total`. Samples are drawn by position from the oldest, so a
/// buffer rebuilt from the replay journal samples exactly as the one kept in memory.
public struct ReplayBuffer: Sendable, Equatable {
    public let capacity: Int
    public private(set) var count = 0
    public private(set) var total = 0
    private var slots: [Transition] = []
    /// Where the oldest transition sits in `slots`.
    private var start = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "ReplayBuffer needs a positive capacity")
        self.capacity = capacity
    }

    /// A buffer holding `transitions` (oldest first; only the last `capacity` are kept), the last
    /// of which is transition number `total − 1`.
    public init(capacity: Int, transitions: [Transition], total: Int) {
        self.init(capacity: capacity)
        for transition in transitions.suffix(capacity) { add(transition) }
        self.total = total
    }

    public mutating func add(_ transition: Transition) {
        if slots.count < capacity {
            slots.append(transition)
            count += 1
        } else {
            slots[start] = transition
            start = (start + 1) % capacity
        }
        total += 1
    }

    /// The `index`-th oldest transition held.
    public subscript(index: Int) -> Transition {
        slots[(start + index) % slots.count]
    }

    /// The transitions held, oldest first.
    public var transitions: [Transition] { (0..<count).map { self[$0] } }

    /// The position of a transition drawn uniformly (a minibatch draws one per sample, with
    /// replacement).
    public func randomPosition(random: inout SeededGenerator) -> Int {
        Int(random.next(below: UInt64(count)))
    }
}
