import SimArenaModel
import SimArenaSimulation

/// The hand-coded policies, by the original's names.
public enum HandCodedPolicy: String, Sendable, CaseIterable {
    /// Always action 0.
    case noop
    /// Fixes each demo failure mode by reading the observation (see ``heuristicAction``).
    case heuristic
    /// Uniform over the allowed actions, from the step's seed.
    case random
    /// Always bump CPU, memory, or replicas.
    case bumpCPU = "bump_cpu"
    case bumpMemory = "bump_mem"
    case scaleReplicas = "scale_replicas"
    /// The VPA recommender's rules on the observed usage (``UsageRecommender/vpa``).
    case vpa
    /// Robusta KRR's simple strategy on the observed usage (``UsageRecommender/krr``).
    case krr

    /// The action for this observation. `allowed` is the action-space size (`--Naction`);
    /// an action outside it becomes noop.
    public func choose(_ observation: Observation, allowed: Int, settings: ActionSettings, random: inout SeededGenerator) -> AgentAction {
        let action: AgentAction
        switch self {
        case .noop: action = .noop
        case .heuristic: action = Self.heuristicAction(observation, settings: settings)
        case .random: action = AgentAction(rawValue: Int(random.next(below: UInt64(max(1, allowed))))) ?? .noop
        case .bumpCPU: action = .bumpCPUSmall
        case .bumpMemory: action = .bumpMemorySmall
        case .scaleReplicas: action = .scaleUpReplicas
        case .vpa: action = UsageRecommender.vpa.action(observation, settings: settings)
        case .krr: action = UsageRecommender.krr.action(observation, settings: settings)
        }
        return action.rawValue < allowed ? action : .noop
    }

    /// What a careful operator would do, in order: surplus replicas go first (they only make
    /// everything else harder); requests that fit nowhere come down (CPU, then memory); OOM kills
    /// get more memory; a CPU-starved container gets more CPU; missing replicas are added; once
    /// healthy, a request at least one step above what pods use comes down a step. Else noop.
    public static func heuristicAction(_ observation: Observation, settings: ActionSettings) -> AgentAction {
        if observation.total > observation.target { return .scaleDownReplicas }
        if observation.unschedulableCPU > 0 { return .reduceCPUSmall }
        if observation.unschedulableMemory > 0 { return .reduceMemorySmall }
        if observation.oomKilled > 0 && observation.ready < observation.target { return .bumpMemorySmall }
        if observation.throttled > 0 { return .bumpCPUSmall }
        if observation.total < observation.target && observation.pending == 0 { return .scaleUpReplicas }
        if observation.atTarget {
            let slack = observation.slackPerPod
            if slack.cpuMillis >= settings.cpuStep.milliValue { return .reduceCPUSmall }
            if slack.memoryBytes >= settings.memoryStep.value { return .reduceMemorySmall }
        }
        return .noop
    }
}

extension Observation {
    /// How much more each running pod requests than it uses (zero when it uses all of it).
    public var slackPerPod: ResourceAmounts {
        guard running > 0 else { return .zero }
        return ResourceAmounts(
            cpuMillis: max(0, requested.cpuMillis - used.cpuMillis) / running,
            memoryBytes: max(0, requested.memoryBytes - used.memoryBytes) / running)
    }

    /// The goal with right-sizing: at target, and no request could come down a step without
    /// falling below what the pods use.
    public func isRightSized(settings: ActionSettings) -> Bool {
        atTarget && slackPerPod.cpuMillis < settings.cpuStep.milliValue && slackPerPod.memoryBytes < settings.memoryStep.value
    }
}
