import SimArenaModel

/// A line of `step.jsonl` read back: which step it records and what a run's summary counts of
/// it (a ``StepRecord`` gives the same from memory).
public struct RecordedStep: Sendable, Hashable {
    public var episode: Int
    public var step: Int
    /// Nil at an episode's first step.
    public var reward: Double?
    /// Whether an action followed the observation.
    public var acted: Bool
    public var terminated: Bool
    public var truncated: Bool
    public var loss: Double?
    public var epsilon: Double?

    /// Whether no step of the episode follows.
    public var endsEpisode: Bool { terminated || truncated }

    public init(episode: Int, step: Int, reward: Double?, acted: Bool, terminated: Bool, truncated: Bool, loss: Double?, epsilon: Double?) {
        self.episode = episode
        self.step = step
        self.reward = reward
        self.acted = acted
        self.terminated = terminated
        self.truncated = truncated
        self.loss = loss
        self.epsilon = epsilon
    }

    /// Reads a parsed line; it must name its episode and step, members it lacks read as none.
    public init(line value: KValue) throws {
        func member(_ name: StepRecord.Member) -> KValue? { value[name.name] }
        guard let episode = member(.episode)?.int64Value, let step = member(.step)?.int64Value else {
            throw SimArenaError(.data, "step.jsonl: a record without \"episode\" and \"step\"")
        }
        // Numbers a run can reach (episodes and steps count from 1), so that seeds and folder
        // names made from them cannot overflow.
        guard (1...Int64(Int32.max)).contains(episode), (1...Int64(Int32.max)).contains(step) else {
            throw SimArenaError(.data, "step.jsonl: episode \(episode), step \(step): expected numbers from 1 to \(Int32.max)")
        }
        self.init(episode: Int(episode), step: Int(step), reward: member(.reward)?.doubleValue,
                  acted: member(.action)?.isNull == false, terminated: member(.terminated)?.boolValue ?? false,
                  truncated: member(.truncated)?.boolValue ?? false, loss: member(.loss)?.doubleValue,
                  epsilon: member(.epsilon)?.doubleValue)
    }
}
