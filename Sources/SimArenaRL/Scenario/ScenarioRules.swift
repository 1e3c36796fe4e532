import SimArenaModel
import SimArenaSimulation

/// What the simulator would report for a scenario state (the rules in docs/scenarios.md).
public struct ScenarioHealth: Sendable, Hashable {
    /// Pods of the workload (= replicas).
    public var total: Int
    /// Pods that cannot be placed (Unschedulable).
    public var pending: Int
    /// Placed pods whose container is Ready.
    public var ready: Int
    /// The container's memory usage is above its memory limit (OOMKilled, crash loop).
    public var oomKilled: Bool
    /// The container's CPU usage is above twice its CPU limit (Running, readiness fails).
    public var cpuStarved: Bool
    /// The container's CPU usage is above its CPU limit but at most twice it (starts slower).
    public var slowStart: Bool
    /// The ready count wanted.
    public var target: Int

    /// ready == total == target and nothing pending.
    public var isHealthy: Bool { ready == target && total == target && pending == 0 }
}

/// The outcome of applying one step.
public struct ScenarioStepResult: Sendable, Hashable {
    /// The state after the step (unchanged when blocked).
    public var state: ScenarioState
    /// Why the step was blocked by a safeguard, or `nil` if it was applied.
    public var blockedReason: String?

    public var isBlocked: Bool { blockedReason != nil }
}

/// The arithmetic model of the simulator's rules and the agent's actions that the scenario
/// generator uses to compute and check fixes. Kept independent of the simulator so that the
/// scenarios' promises ("this fix reaches healthy") can be tested on their own.
public enum ScenarioRules {
    public static let mebibyte: Int64 = 1 << 20
    public static let gibibyte: Int64 = 1 << 30

    /// The size of one CPU step (bump_cpu_small, reduce_cpu_small).
    public static let cpuStepMillis: Int64 = ActionSettings().cpuStep.milliValue
    /// The size of one memory step (bump_mem_small, reduce_mem_small).
    public static let memoryStepBytes: Int64 = ActionSettings().memoryStep.value

    /// Safeguards: an increase past the maximum or a decrease below the minimum is blocked.
    public static let cpuRequestRange: ClosedRange<Int64> =
        ActionSettings().cpuRange.lowerBound.milliValue...ActionSettings().cpuRange.upperBound.milliValue
    public static let memoryRequestRange: ClosedRange<Int64> =
        ActionSettings().memoryRange.lowerBound.value...ActionSettings().memoryRange.upperBound.value
    public static let replicaRange: ClosedRange<Int> =
        Int(ActionSettings().replicaRange.lowerBound)...Int(ActionSettings().replicaRange.upperBound)

    /// The longest fix a scenario may have.
    public static let maxFixLength = 40

    // MARK: Actions

    /// Applies one step with the safeguards. A CPU or memory step moves the request and, when a
    /// limit is set, the limit by the same amount.
    public static func apply(_ step: AgentAction, to state: ScenarioState) -> ScenarioStepResult {
        var next = state
        switch step {
        case .noop:
            break
        case .bumpCPUSmall, .reduceCPUSmall:
            let delta = step == .bumpCPUSmall ? cpuStepMillis : -cpuStepMillis
            let request = state.cpuRequestMillis + delta
            if let reason = blocked(request, increase: delta > 0, range: cpuRequestRange, what: "CPU request", unit: formatCPU) {
                return ScenarioStepResult(state: state, blockedReason: reason)
            }
            next.cpuRequestMillis = request
            next.cpuLimitMillis = state.cpuLimitMillis.map { $0 + delta }
        case .bumpMemorySmall, .reduceMemorySmall:
            let delta = step == .bumpMemorySmall ? memoryStepBytes : -memoryStepBytes
            let request = state.memoryRequestBytes + delta
            if let reason = blocked(request, increase: delta > 0, range: memoryRequestRange, what: "memory request", unit: formatMemory) {
                return ScenarioStepResult(state: state, blockedReason: reason)
            }
            next.memoryRequestBytes = request
            next.memoryLimitBytes = state.memoryLimitBytes.map { $0 + delta }
        case .scaleUpReplicas, .scaleDownReplicas:
            let delta = step == .scaleUpReplicas ? 1 : -1
            let replicas = state.replicas + delta
            if let reason = blocked(Int64(replicas), increase: delta > 0,
                                    range: Int64(replicaRange.lowerBound)...Int64(replicaRange.upperBound),
                                    what: "replicas", unit: { String($0) }) {
                return ScenarioStepResult(state: state, blockedReason: reason)
            }
            next.replicas = replicas
        }
        return ScenarioStepResult(state: next, blockedReason: nil)
    }

    private static func blocked(
        _ result: Int64, increase: Bool, range: ClosedRange<Int64>, what: String, unit: (Int64) -> String
    ) -> String? {
        if increase, result > range.upperBound {
            return "\(what) \(unit(result)) would exceed the maximum \(unit(range.upperBound))"
        }
        if !increase, result < range.lowerBound {
            return "\(what) \(unit(result)) would fall below the minimum \(unit(range.lowerBound))"
        }
        return nil
    }

    // MARK: Health

    /// What the simulator reports for `state` in `setting`, with `target` Ready pods wanted.
    public static func health(of state: ScenarioState, target: Int, in setting: ScenarioSetting = .demo) -> ScenarioHealth {
        let total = max(state.replicas, 0)
        let placed = min(total, setting.capacity(for: state))
        let cpuUsage = state.effectiveCPUUsageMillis
        let oomKilled = state.memoryLimitBytes.map { state.effectiveMemoryUsageBytes > $0 } ?? false
        let cpuStarved = state.cpuLimitMillis.map { cpuUsage > 2 * $0 } ?? false
        let slowStart = state.cpuLimitMillis.map { cpuUsage > $0 && cpuUsage <= 2 * $0 } ?? false
        return ScenarioHealth(
            total: total, pending: total - placed, ready: oomKilled || cpuStarved ? 0 : placed,
            oomKilled: oomKilled, cpuStarved: cpuStarved, slowStart: slowStart, target: target)
    }

    /// Whether no request can be reduced by one step without going below the container's usage
    /// or the safeguard minimum, while staying at or above the usage.
    public static func isRightSized(_ state: ScenarioState) -> Bool {
        cpuIsRightSized(state) && memoryIsRightSized(state)
    }

    static func cpuIsRightSized(_ state: ScenarioState) -> Bool {
        rightSized(request: state.cpuRequestMillis, usage: state.effectiveCPUUsageMillis, step: cpuStepMillis,
                   minimum: cpuRequestRange.lowerBound)
    }

    static func memoryIsRightSized(_ state: ScenarioState) -> Bool {
        rightSized(request: state.memoryRequestBytes, usage: state.effectiveMemoryUsageBytes, step: memoryStepBytes,
                   minimum: memoryRequestRange.lowerBound)
    }

    private static func rightSized(request: Int64, usage: Int64, step: Int64, minimum: Int64) -> Bool {
        request >= usage && (request - step < usage || request - step < minimum)
    }

    /// Whether `state` meets `goal`.
    public static func meets(_ goal: ScenarioGoal, _ state: ScenarioState, target: Int, in setting: ScenarioSetting = .demo) -> Bool {
        let healthy = health(of: state, target: target, in: setting).isHealthy
        switch goal {
        case .healthy: return healthy
        case .rightSized: return healthy && isRightSized(state)
        }
    }

    // MARK: Fixes

    /// The problems with a scenario's stored fix; empty when the fix is valid: at most
    /// ``maxFixLength`` steps, none blocked, the final state meets the goal, the initial state does
    /// not, and (for the right-sized goal) every state on the way is healthy. A setting that
    /// cannot be built as described (``ScenarioSetting/problems``) is a problem too. An unsolvable
    /// scenario must instead have no stored fix, none to be found, and a broken initial state.
    public static func checkFix(_ scenario: Scenario) -> [String] {
        let setting = scenario.setting
        var problems = setting.problems
        if !scenario.isSolvable {
            // Unsolvable: no stored fix, none to be found, and broken from the start.
            if !scenario.fix.isEmpty { problems.append("an unsolvable scenario has a \(scenario.fix.count)-step fix") }
            if shortestFix(from: scenario.initial, target: scenario.target, goal: scenario.goal, in: setting) != nil {
                problems.append("a fix exists for a scenario marked unsolvable")
            }
            if meets(scenario.goal, scenario.initial, target: scenario.target, in: setting) {
                problems.append("the initial state already meets the goal \(scenario.goal.rawValue)")
            }
            return problems
        }
        if scenario.fix.count > maxFixLength {
            problems.append("the fix has \(scenario.fix.count) steps, more than \(maxFixLength)")
        }
        if meets(scenario.goal, scenario.initial, target: scenario.target, in: setting) {
            problems.append("the initial state already meets the goal \(scenario.goal.rawValue)")
        }
        var state = scenario.initial
        for (position, step) in scenario.fix.enumerated() {
            let result = apply(step, to: state)
            if let reason = result.blockedReason {
                problems.append("step \(position + 1) (\(step.name)) is blocked: \(reason)")
            }
            state = result.state
            if scenario.goal == .rightSized, !health(of: state, target: scenario.target, in: setting).isHealthy {
                problems.append("step \(position + 1) (\(step.name)) leaves the workload unhealthy")
            }
        }
        if !meets(scenario.goal, state, target: scenario.target, in: setting) {
            let report = health(of: state, target: scenario.target, in: setting)
            problems.append(
                "after the fix: ready \(report.ready), pending \(report.pending), total \(report.total), target \(scenario.target)"
                    + (scenario.goal == .rightSized && !isRightSized(state) ? ", not right-sized" : ""))
        }
        return problems
    }

    /// The shortest fix that takes `initial` to `goal` in `setting`, or `nil` if none has at most
    /// ``maxFixLength`` steps. Order: replica decreases, CPU steps, memory steps, replica
    /// increases.
    ///
    /// The replica steps are fixed (replicas must end at the target). Of the CPU and memory
    /// steps, the fewest in all whose end state meets the goal win, each resource moving one way
    /// only (a monotone walk is blocked only if its end is past a safeguard); on a tie, the most
    /// CPU reduction, then the most memory reduction. On one pool of nodes the resources do not
    /// interact (a node holds the fewest pods either allows), so that is each resource's own
    /// shortest walk, reductions first.
    public static func shortestFix(
        from initial: ScenarioState, target: Int, goal: ScenarioGoal, in setting: ScenarioSetting = .demo
    ) -> [AgentAction]? {
        guard replicaRange.contains(target) else { return nil }
        let replicaSteps = target - initial.replicas
        let budget = maxFixLength - abs(replicaSteps)
        guard budget >= 0 else { return nil }

        func allowed(_ steps: Int, from start: Int64, step: Int64, range: ClosedRange<Int64>) -> Bool {
            let end = start + Int64(steps) * step
            return steps > 0 ? end <= range.upperBound : steps == 0 || end >= range.lowerBound
        }
        func reaches(cpuSteps: Int, memorySteps: Int) -> Bool {
            guard allowed(cpuSteps, from: initial.cpuRequestMillis, step: cpuStepMillis, range: cpuRequestRange),
                  allowed(memorySteps, from: initial.memoryRequestBytes, step: memoryStepBytes, range: memoryRequestRange)
            else { return false }
            var state = initial
            state.replicas = target
            state.cpuRequestMillis += Int64(cpuSteps) * cpuStepMillis
            state.cpuLimitMillis = initial.cpuLimitMillis.map { $0 + Int64(cpuSteps) * cpuStepMillis }
            state.memoryRequestBytes += Int64(memorySteps) * memoryStepBytes
            state.memoryLimitBytes = initial.memoryLimitBytes.map { $0 + Int64(memorySteps) * memoryStepBytes }
            return meets(goal, state, target: target, in: setting)
        }

        for distance in 0...budget {
            for cpuSteps in -distance...distance {
                let rest = distance - abs(cpuSteps)
                for memorySteps in rest == 0 ? [0] : [-rest, rest] where reaches(cpuSteps: cpuSteps, memorySteps: memorySteps) {
                    var fix: [AgentAction] = []
                    fix += Array(repeating: .scaleDownReplicas, count: max(-replicaSteps, 0))
                    fix += Array(repeating: cpuSteps < 0 ? .reduceCPUSmall : .bumpCPUSmall, count: abs(cpuSteps))
                    fix += Array(repeating: memorySteps < 0 ? .reduceMemorySmall : .bumpMemorySmall, count: abs(memorySteps))
                    fix += Array(repeating: .scaleUpReplicas, count: max(replicaSteps, 0))
                    return fix
                }
            }
        }
        return nil
    }

    // MARK: Formatting

    /// A CPU amount in millicores, printed canonically (`500m`, `16`).
    public static func formatCPU(_ millis: Int64) -> String {
        Quantity.millis(millis).description
    }

    /// A memory amount in bytes, printed canonically (`512Mi`, `33Gi`).
    public static func formatMemory(_ bytes: Int64) -> String {
        Quantity.bytes(bytes).description
    }
}
