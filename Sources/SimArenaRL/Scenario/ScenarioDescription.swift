import SimArenaModel
import SimArenaSimulation

extension Scenario {
    /// A scenario with its shortest fix and its expected-behaviour sentence computed from the
    /// rules, or `nil` if no fix within ``ScenarioRules/maxFixLength`` steps reaches the goal, the
    /// initial state already meets it, or the setting cannot be built as described. A nil
    /// `severity` is classified from the fix's length (``ScenarioGenerator/severity(of:fixLength:)``).
    public static func make(
        name: String, failureMode: ScenarioFailureMode, severity: ScenarioSeverity?, initial: ScenarioState,
        target: Int, seed: UInt64, setting: ScenarioSetting = .demo, shift: ScenarioShift? = nil
    ) -> Scenario? {
        let shortest = ScenarioRules.shortestFix(from: initial, target: target, goal: failureMode.goal, in: setting)
        // An unsolvable mode must have no fix; any other, a fix of at least one step.
        guard failureMode.isSolvable ? shortest?.isEmpty == false : shortest == nil else { return nil }
        let fix = shortest ?? []
        var scenario = Scenario(
            name: name, failureMode: failureMode,
            severity: severity ?? ScenarioGenerator.severity(of: failureMode, fixLength: fix.count), initial: initial,
            target: target, fix: fix, expectedBehavior: "", seed: seed, setting: setting, shift: shift)
        scenario.expectedBehavior = ScenarioDescription.sentence(for: scenario)
        guard ScenarioRules.checkFix(scenario).isEmpty else { return nil }
        return scenario
    }
}

/// Writes `expected_behavior`: what the simulator shows for the initial state and what the fix
/// does, from the numbers.
enum ScenarioDescription {
    static func sentence(for scenario: Scenario) -> String {
        let state = scenario.initial
        let target = scenario.target
        let setting = scenario.setting
        let health = ScenarioRules.health(of: state, target: target, in: setting)
        let cpu = ScenarioRules.formatCPU
        let memory = ScenarioRules.formatMemory
        var problems: [String] = []

        if state.replicas < target {
            problems.append("\(state.replicas) \(state.replicas == 1 ? "replica" : "replicas") for a target of \(target) Ready pods")
        } else if state.replicas > target {
            problems.append("\(state.replicas) replicas, \(state.replicas - target) more than the target of \(target)")
        }
        if health.pending > 0 {
            if let placement = setting.placement {
                problems.append(placement.explanation(placed: health.total - health.pending, total: health.total,
                                                      nodes: setting.cluster.nodes, zones: setting.cluster.pools.count))
            } else {
                problems.append(pendingProblem(state, health: health, setting: setting))
            }
        }
        let container = setting.sidecar == nil ? "the container" : "the \(setting.container) container"
        if health.oomKilled, let limit = state.memoryLimitBytes {
            problems.append("\(container) uses \(memory(state.effectiveMemoryUsageBytes)) memory, above its \(memory(limit)) limit, so it is OOMKilled and crash-loops")
        }
        if health.cpuStarved, let limit = state.cpuLimitMillis {
            problems.append("\(container) uses \(cpu(state.effectiveCPUUsageMillis)) CPU, more than twice its \(cpu(limit)) limit, so it fails its readiness probe (Running, not Ready)")
        }
        if setting.createsPodsInOrder, health.oomKilled || health.cpuStarved {
            problems.append("a StatefulSet creates each pod once the one before is Ready, so only the first pod exists")
        }
        if problems.isEmpty {
            problems.append("\(target == 1 ? "the pod is Ready but requests" : "all \(target) pods are Ready but each requests") \(cpu(state.cpuRequestMillis)) CPU and \(memory(state.memoryRequestBytes)) memory while using \(cpu(state.effectiveCPUUsageMillis)) and \(memory(state.effectiveMemoryUsageBytes))")
        }

        var steps: [String] = []
        var current = state
        var position = 0
        while position < scenario.fix.count {
            let step = scenario.fix[position]
            var count = 0
            let before = current
            while position < scenario.fix.count, scenario.fix[position] == step {
                current = ScenarioRules.apply(step, to: current).state
                count += 1
                position += 1
            }
            steps.append("\(count)× \(step.name) (\(change(step, from: before, to: current)))")
        }

        let fixed = current
        var outcome = target == 1 ? "then the pod is Ready" : "then \(target) of \(target) pods are Ready"
        if scenario.goal == .rightSized {
            outcome = "then the requests are right-sized (\(cpu(fixed.cpuRequestMillis)) CPU, \(memory(fixed.memoryRequestBytes)) memory) and \(target == 1 ? "the pod stays" : "all \(target) pods stay") Ready at every step"
        }
        let problemText = problems.joined(separator: "; ")
        let capitalised = problemText.prefix(1).uppercased() + problemText.dropFirst()
        guard scenario.isSolvable else { return capitalised + ". Unsolvable: it is left out of solve rates." }
        return capitalised + ". Fix: " + steps.joined(separator: ", ") + "; " + outcome + "."
    }

    /// Why pods stay Pending: a pod bigger than any node's free room, or too few places.
    private static func pendingProblem(_ state: ScenarioState, health: ScenarioHealth, setting: ScenarioSetting) -> String {
        let cpu = ScenarioRules.formatCPU
        let memory = ScenarioRules.formatMemory
        let pools = setting.cluster.pools
        let held = setting.occupied ?? .zero
        let room = ResourceAmounts(cpuMillis: (pools.map(\.cpuMillis).max() ?? 0) - held.cpuMillis,
                                   memoryBytes: (pools.map(\.memoryBytes).max() ?? 0) - held.memoryBytes)
        let pod = ResourceAmounts(cpuMillis: state.cpuRequestMillis, memoryBytes: state.memoryRequestBytes) + setting.podOverhead
        var asked: [String] = []
        var available: [String] = []
        if pod.cpuMillis > room.cpuMillis {
            let parts = setting.sidecar.map { " (\(cpu(state.cpuRequestMillis)) for \(setting.container) and \(cpu($0.cpuMillis)) for the \($0.name) sidecar)" }
            asked.append("\(cpu(pod.cpuMillis)) CPU" + (parts ?? ""))
            available.append("\(cpu(room.cpuMillis)) CPU")
        }
        if pod.memoryBytes > room.memoryBytes {
            let parts = setting.sidecar.map { " (\(memory(state.memoryRequestBytes)) for \(setting.container) and \(memory($0.memoryBytes)) for the \($0.name) sidecar)" }
            asked.append("\(memory(pod.memoryBytes)) memory" + (parts ?? ""))
            available.append("\(memory(room.memoryBytes)) memory")
        }
        let placed = health.total - health.pending
        let beside = setting.neighbour.map { " beside the \($0.namespace)/\($0.name) pods" } ?? ""
        if asked.isEmpty {
            let rest = setting.createsPodsInOrder ? "the next stays Pending and the StatefulSet creates no more" : "the rest stay Pending"
            let nodes = setting.cluster.nodes == 1 ? "the one node" : "the \(setting.cluster.nodes) nodes"
            return "only \(placed) of \(health.total) pods fit on \(nodes)\(beside), \(rest)"
        }
        let node = pools.count == 1 ? "a node" : "the largest node"
        let limit = setting.neighbour == nil
            ? "\(node)'s \(available.joined(separator: " and "))"
            : "the \(available.joined(separator: " and ")) \(node) has free\(beside)"
        let outcome = setting.createsPodsInOrder
            ? "the first pod stays Pending (Unschedulable) and the StatefulSet creates no more" : "\(pods(health.total)) Pending (Unschedulable)"
        return "each pod requests \(asked.joined(separator: " and ")), more than \(limit), so \(outcome)"
    }

    private static func pods(_ count: Int) -> String {
        switch count {
        case 1: return "the pod stays"
        case 2: return "both pods stay"
        default: return "all \(count) pods stay"
        }
    }

    private static func change(_ step: AgentAction, from before: ScenarioState, to after: ScenarioState) -> String {
        let cpu = ScenarioRules.formatCPU
        let memory = ScenarioRules.formatMemory
        switch step {
        case .noop:
            return "nothing"
        case .bumpCPUSmall, .reduceCPUSmall:
            var text = "CPU request \(cpu(before.cpuRequestMillis)) → \(cpu(after.cpuRequestMillis))"
            if let old = before.cpuLimitMillis, let new = after.cpuLimitMillis {
                text += ", limit \(cpu(old)) → \(cpu(new))"
            }
            return text
        case .bumpMemorySmall, .reduceMemorySmall:
            var text = "memory request \(memory(before.memoryRequestBytes)) → \(memory(after.memoryRequestBytes))"
            if let old = before.memoryLimitBytes, let new = after.memoryLimitBytes {
                text += ", limit \(memory(old)) → \(memory(new))"
            }
            return text
        case .scaleUpReplicas, .scaleDownReplicas:
            return "replicas \(before.replicas) → \(after.replicas)"
        }
    }
}
