import SimArenaModel
import SimArenaRL
import SimArenaRun

/// Plays one benchmark episode: an agent fixes one scenario through ``Environment``, from its
/// reset to the goal or to the last allowed action, and the episode's measures are taken.
public enum BenchmarkEpisode {
    /// Plays `scenario` (read from `trace`) with `chooser`, the simulations on `backend`.
    public static func play(_ scenario: SuiteScenario, trace: Trace, suite: String, agent: String, seed: UInt64,
                            chooser: ActionChooser, plan: BenchmarkPlan,
                            backend: Result<any ClusterBackend, any Error>) throws -> EpisodeResult {
        var environment = Environment(workload: scenario.workload, namespace: scenario.namespace, actionCount: plan.actionCount,
                                      backend: backend)
        environment.maxActions = plan.maxActions
        environment.run = "benchmark"
        var result = EpisodeResult(agent: agent, seed: seed, suite: suite, scenario: scenario.name, family: scenario.family)
        result.solvable = scenario.solvable
        result.actions = Array(repeating: 0, count: plan.actionCount)
        var observation = try environment.reset(trace: trace, traceName: scenario.name, seed: seed)
        var taken: [(action: AgentAction, blocked: Bool)] = []
        measure(observation, into: &result, seconds: plan.durationSeconds)
        while !(environment.lastScore?.endsEpisode ?? true) {
            let step = SeededGenerator.mix(seed, UInt64(taken.count + 1))
            let action = try chooser.choose(observation, allowed: plan.actionCount, seed: step, settings: environment.actions)
            let transition = try environment.step(action)
            observation = transition.observation
            taken.append((action, transition.info.outcome.blocked))
            result.actions[action.rawValue] += 1
            result.episodeReturn += transition.reward
            if transition.info.outcome.blocked { result.blocked += 1 }
            measure(observation, into: &result, seconds: plan.durationSeconds)
        }
        result.steps = taken.count
        result.solved = environment.lastScore?.goalReached ?? false
        result.cpuWaste = ratio(observation.requested.cpuMillis, observation.used.cpuMillis)
        result.memoryWaste = ratio(observation.requested.memoryBytes, observation.used.memoryBytes)
        if !result.solved {
            result.problem = problem(observation)
            result.behaviour = behaviour(taken)
        }
        return result
    }

    private static func measure(_ observation: Observation, into result: inout EpisodeResult, seconds: Double) {
        if observation.oomKilled > 0 { result.oomSteps += 1 }
        result.pendingPodSeconds += Double(observation.pending) * seconds
    }

    private static func ratio(_ requested: Int64, _ used: Int64) -> Double? {
        used > 0 ? Double(requested) / Double(used) : nil
    }

    /// What is still wrong at the end, the most basic first.
    static func problem(_ observation: Observation) -> String {
        if observation.unschedulableCPU > 0 || observation.unschedulableMemory > 0 {
            let cpu = observation.unschedulableCPU > 0, memory = observation.unschedulableMemory > 0
            return "unschedulable_" + (cpu && memory ? "cpu_memory" : cpu ? "cpu" : "memory")
        }
        if observation.oomKilled > 0 { return "oom_killed" }
        if observation.throttled > 0 { return "cpu_starved" }
        if observation.total != observation.target { return observation.total > observation.target ? "too_many_replicas" : "too_few_replicas" }
        if observation.pending > 0 { return "pending" }
        if observation.ready < observation.target { return "not_ready" }
        return "not_right_sized"
    }

    /// What the agent did over its last four actions: stood still, went back and forth between
    /// two actions, pushed against a safeguard, or was still working when the episode ran out.
    static func behaviour(_ taken: [(action: AgentAction, blocked: Bool)]) -> String {
        let last = taken.suffix(4)
        guard last.count == 4 else { return "ran_out" }
        if last.allSatisfy({ $0.action == .noop }) { return "stalled" }
        if last.filter(\.blocked).count >= 2 { return "blocked" }
        let actions = last.map(\.action)
        if actions[0] == actions[2], actions[1] == actions[3], actions[0] != actions[1] { return "oscillating" }
        return "ran_out"
    }
}
