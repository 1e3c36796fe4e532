/// How an observation (the one that follows an action) is scored. The goal everywhere is
/// `ready == total == target` with nothing pending.
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

    public func reward(for observation: Observation, actionBlocked: Bool = false, settings: ActionSettings = ActionSettings()) -> Double {
        let value: Double
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
