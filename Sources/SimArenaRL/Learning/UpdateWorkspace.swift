import Synchronization

/// The buffers a ``DQNAgent``'s gradient updates and its Q-values for one observation are computed
/// in, kept between uses so that neither allocates once the first has sized them.
///
/// Scratch space, not state: an update writes every buffer before it reads it, so nothing an
/// update leaves in them matters to the next. It is therefore no part of the agent's value (any two
/// workspaces compare equal, and checkpoints leave it out), and copies of an agent share one
/// workspace instead of copying its buffers: the runs copy the agent at every step. An update
/// takes the buffers out for its duration and gives them back; an update of another copy
/// running at the same time finds none there and sizes its own.
final class UpdateWorkspace: Sendable, Equatable {
    /// The buffers themselves.
    struct Buffers: Sendable {
        /// The online network's pass on the states, kept for its backward pass.
        var current = MLP.Activations()
        /// The target network's pass on the next states.
        var nextTarget = MLP.Activations()
        /// The online network's pass on the next states (double DQN only).
        var nextOnline = MLP.Activations()
        /// ∂loss/∂output, `batch × actions`.
        var outputGradient: [Float] = []
        /// ∂loss/∂parameters, laid out as ``MLP/parameters``.
        var gradient: [Float] = []
        /// The replay positions of the minibatch being learned from.
        var positions: [Int] = []
        /// What the optimizer writes the new parameters and moments into.
        var optimizer = Optimizer.Spares()
        /// The online network's pass on one observation, when the agent acts or reports.
        var acting = MLP.Activations()
    }

    private let stored = Mutex(Buffers())

    init() {}

    /// The buffers, which the workspace no longer holds until ``giveBack(_:)``.
    func take() -> Buffers {
        stored.withLock { buffers in
            var taken = Buffers()
            swap(&taken, &buffers)
            return taken
        }
    }

    func giveBack(_ buffers: consuming Buffers) {
        let returned = buffers
        stored.withLock { $0 = returned }
    }

    static func == (lhs: UpdateWorkspace, rhs: UpdateWorkspace) -> Bool { true }

    /// Gives `buffer` `count` elements, keeping its storage (and contents) when it has that size.
    static func size(_ buffer: inout [Float], count: Int) {
        if buffer.count != count { buffer = Array(repeating: 0, count: count) }
    }

    /// Makes `buffer` `count` zeros, in its own storage when it already has that size.
    static func zero(_ buffer: inout [Float], count: Int) {
        if buffer.count == count {
            buffer.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        } else {
            buffer = Array(repeating: 0, count: count)
        }
    }
}
