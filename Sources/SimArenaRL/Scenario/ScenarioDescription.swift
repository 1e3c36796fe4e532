import SimArenaModel
import SimArenaSimulation

extension Scenario {
    /// A scenario with its shortest fix and its expected-behaviour sentence computed from the
    /// rules, or `nil` if no fix within ``ScenarioRules/maxFixLength`` steps reaches the goal, or
    /// the initial state already meets it.
    public static func make(
        name: String, failureMode: ScenarioFailureMode, severity: ScenarioSeverity, initial: ScenarioState,
        target: Int, seed: UInt64
    ) -> Scenario? {
        guard let fix = ScenarioRules.shortestFix(from: initial, target: target, goal: failureMode.goal),
            !fix.isEmpty
        else { return nil }
        var scenario = Scenario(
            name: name, failureMode: failureMode, severity: severity, initial: initial, target: target, fix: fix,
            expectedBehavior: "", seed: seed)
        scenario.expectedBehavior = ScenarioDescription.sentence(for: scenario)
        guard ScenarioRules.checkFix(scenario).isEmpty else { return nil }
        return scenario
    }
}

/// Writes `expected_behavior`: what the simulator shows for the initial state and what the fix
/// does, from the numbers.
enum ScenarioDescription {
    static func sentence(for scenario: Scenario, cluster: ScenarioCluster = .demo) -> String {
        let state = scenario.initial
        let target = scenario.target
        let health = ScenarioRules.health(of: state, target: target, cluster: cluster)
        let cpu = ScenarioRules.formatCPU
        let memory = ScenarioRules.formatMemory
        var problems: [String] = []

        if state.replicas < target {
            problems.append("\(state.replicas) \(state.replicas == 1 ? "replica" : "replicas") for a target of \(target) Ready pods")
        } else if state.replicas > target {
            problems.append("\(state.replicas) replicas, \(state.replicas - target) more than the target of \(target)")
        }
        if health.pending > 0 {
            var asked: [String] = []
            var available: [String] = []
            if state.cpuRequestMillis > cluster.cpuMillisPerNode {
                asked.append("\(cpu(state.cpuRequestMillis)) CPU")
                available.append("\(cpu(cluster.cpuMillisPerNode)) CPU")
            }
            if state.memoryRequestBytes > cluster.memoryBytesPerNode {
                asked.append("\(memory(state.memoryRequestBytes)) memory")
                available.append("\(memory(cluster.memoryBytesPerNode)) memory")
            }
            if asked.isEmpty {
                problems.append("only \(health.total - health.pending) of \(health.total) pods fit on the \(cluster.nodes) nodes, the rest stay Pending")
            } else {
                problems.append("each pod requests \(asked.joined(separator: " and ")), more than a node's \(available.joined(separator: " and ")), so \(pods(health.total)) Pending (Unschedulable)")
            }
        }
        if health.oomKilled, let limit = state.memoryLimitBytes {
            problems.append("the container uses \(memory(state.effectiveMemoryUsageBytes)) memory, above its \(memory(limit)) limit, so it is OOMKilled and crash-loops")
        }
        if health.cpuStarved, let limit = state.cpuLimitMillis {
            problems.append("the container uses \(cpu(state.effectiveCPUUsageMillis)) CPU, more than twice its \(cpu(limit)) limit, so it fails its readiness probe (Running, not Ready)")
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
        return problemText.prefix(1).uppercased() + problemText.dropFirst()
            + ". Fix: " + steps.joined(separator: ", ") + "; " + outcome + "."
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
