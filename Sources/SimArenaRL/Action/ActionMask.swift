import SimArenaModel
import SimArenaSimulation

/// Which actions the safeguards would let through in an observed state, by the same rule as
/// ``TraceEditor`` (a step past a maximum or below a minimum is blocked). A blocked action
/// changes nothing, so a learning agent that prefers one keeps choosing it until the episode is
/// truncated; the learning agents choose, and take their targets' maximum, among the allowed
/// actions only (invalid-action masking, Huang and Ontañón 2020).
public enum ActionMask {
    /// `allowed[i]` for actions `0..<actions`; `noop` is always allowed.
    public static func allowed(_ observation: Observation, actions: Int, settings: ActionSettings) -> [Bool] {
        (0..<actions).map { index in
            guard let action = AgentAction(rawValue: index) else { return false }
            switch action {
            case .noop:
                return true
            case .scaleUpReplicas, .scaleDownReplicas:
                let up = action == .scaleUpReplicas
                let (next, overflow) = observation.replicas.addingReportingOverflow(up ? settings.replicaStep : -settings.replicaStep)
                return !overflow && TraceEditor.blocked(next, increasing: up, range: settings.replicaRange, what: "") == nil
            case .bumpCPUSmall, .reduceCPUSmall, .bumpMemorySmall, .reduceMemorySmall:
                let isCPU = action == .bumpCPUSmall || action == .reduceCPUSmall
                let up = action == .bumpCPUSmall || action == .bumpMemorySmall
                let request = isCPU ? observation.cpuRequest : observation.memoryRequest
                let step = isCPU ? settings.cpuStep : settings.memoryStep
                guard let next = try? (up ? request.adding(step) : request.subtracting(step)) else { return false }
                return TraceEditor.blocked(next, increasing: up, range: isCPU ? settings.cpuRange : settings.memoryRange, what: "") == nil
            }
        }
    }

    /// The mask as bits (action `i` is bit `i`), as the replay journal stores it.
    public static func bits(_ allowed: [Bool]) -> UInt8 {
        allowed.prefix(8).enumerated().reduce(0) { $0 | ($1.element ? 1 << UInt8($1.offset) : 0) }
    }

    /// Whether the mask `bits` allows `action`.
    public static func isAllowed(_ action: Int, bits: UInt8) -> Bool {
        bits & (1 << UInt8(action)) != 0
    }
}
