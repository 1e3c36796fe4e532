import SimArenaModel
import SimArenaSimulation

/// A linear exploration schedule: epsilon falls from `start` to `end` over `decaySteps` learning
/// steps, then stays at `end` (the original's `--eps-start/--eps-end/--eps-decay`).
public struct EpsilonSchedule: Sendable, Hashable {
    public var start: Double
    public var end: Double
    public var decaySteps: Int

    public init(start: Double = 1.0, end: Double = 0.1, decaySteps: Int = 1000) {
        self.start = start
        self.end = end
        self.decaySteps = decaySteps
    }

    public func epsilon(atStep step: Int) -> Double {
        guard decaySteps > 0, step < decaySteps else { return end }
        return start + (end - start) * Double(step) / Double(decaySteps)
    }
}
