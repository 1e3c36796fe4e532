import SimArenaModel
import SimArenaSimulation

/// How an observation (the one that follows an action) is scored. "At the goal" below means
/// `ready == total == target` with nothing pending, under the `healthy` goal.
///
/// Under the `right_sized` goal a healthy but over-provisioned workload is not at the goal yet:
/// every function then scores it −0.05 − 0.25 × the mean of CPU and memory waste (0 for `base`).
/// Were it scored as the goal, an agent would earn the bonus at every step by leaving the waste
/// alone, more than the one bonus that ends the episode when it right-sizes: a positive reward for
/// a state that does not end the episode makes stalling there the best policy.
public enum RewardFunction: String, Sendable, CaseIterable {
    /// 1 at the goal, else 0.
    case base
    /// 1 at the goal; else −0.1·|ready − target| − 0.05·pending − 0.15·(total − target) when over
    /// or 0.08·(target − total) when under, clipped to [−1, 1].
    case shaped
    /// `base`, minus 0.5 for each of CPU request, memory request and replicas above the
    /// safeguard maxima.
    case maxPunish = "max_punish"
    /// At the goal, 1 − 0.5 × the mean of CPU and memory waste (the fraction of what running pods
    /// request that they leave unused), so healthy-but-wasteful scores between 0.5 and 1;
    /// elsewhere `shaped`. Minus 0.12 when the safeguards blocked the action. Clipped to [−1, 1].
    case costAware = "cost_aware"

    public func reward(for observation: Observation, actionBlocked: Bool = false, settings: ActionSettings = ActionSettings(),
                       goal: EpisodeGoal = .healthy) -> Double {
        let value: Double
        if observation.atTarget, !goal.isReached(by: observation, settings: settings) {
            let waste = (observation.cpuWaste + observation.memoryWaste) / 2
            value = self == .base ? 0 : max(-1, -0.05 - 0.25 * waste - (self == .costAware && actionBlocked ? 0.12 : 0))
            return Observation.rounded(value)
        }
        switch self {
        case .base:
            value = observation.atTarget ? 1 : 0
        case .shaped:
            value = Self.shaped(observation)
        case .maxPunish:
            let over = [observation.cpuRequest > settings.cpuRange.upperBound,
                        observation.memoryRequest > settings.memoryRange.upperBound,
                        observation.replicas > settings.replicaRange.upperBound].filter { $0 }.count
            value = (observation.atTarget ? 1 : 0) - 0.5 * Double(over)
        case .costAware:
            let base = observation.atTarget ? 1 - 0.5 * (observation.cpuWaste + observation.memoryWaste) / 2 : Self.shaped(observation)
            value = max(-1, min(1, base - (actionBlocked ? 0.12 : 0)))
        }
        return Observation.rounded(value)
    }

    private static func shaped(_ observation: Observation) -> Double {
        if observation.atTarget { return 1 }
        let target = Double(observation.target)
        let total = Double(observation.total)
        var value = -0.1 * abs(Double(observation.ready) - target) - 0.05 * Double(observation.pending)
        value -= total > target ? 0.15 * (total - target) : 0.08 * (target - total)
        return max(-1, min(1, value))
    }
}
