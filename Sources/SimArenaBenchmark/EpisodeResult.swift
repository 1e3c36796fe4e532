import SimArenaModel
import SimArenaRL

/// What one benchmark episode measured (a line of `episodes.jsonl`, docs/benchmark.md).
public struct EpisodeResult: Sendable, Hashable {
    public var agent: String
    public var seed: UInt64
    public var suite: String
    public var scenario: String
    public var family: String
    /// Whether the scenario can be solved at all (false: left out of the solve rates).
    public var solvable = true
    /// The goal was reached (the episode terminated, not truncated).
    public var solved: Bool
    /// Actions taken.
    public var steps: Int
    /// Sum of the rewards.
    public var episodeReturn: Double
    /// Actions the safeguards blocked.
    public var blocked: Int
    /// How often each action was chosen, by index.
    public var actions: [Int]
    /// Observations (one per step, the first included) with at least one OOM-killed pod.
    public var oomSteps: Int
    /// Pods Pending at the end of each step's simulation × the step's simulated seconds, summed.
    public var pendingPodSeconds: Double
    /// Requested ÷ used by the running pods at the end, CPU and memory; nil when nothing runs.
    public var cpuWaste: Double?
    public var memoryWaste: Double?
    /// For an unsolved episode: what is still wrong at the end, and what the agent was doing.
    public var problem: String?
    public var behaviour: String?

    public var value: KValue {
        func optional(_ value: Double?) -> KValue { value.map { .double(Observation.rounded($0)) } ?? .null }
        return [
            "agent": .string(agent), "seed": .integer(seed), "suite": .string(suite), "scenario": .string(scenario),
            "family": .string(family), "solvable": .bool(solvable), "solved": .bool(solved), "steps": .int(Int64(steps)),
            "return": .double(Observation.rounded(episodeReturn)), "blocked": .int(Int64(blocked)),
            "actions": .array(actions.map { .int(Int64($0)) }), "oom_steps": .int(Int64(oomSteps)),
            "pending_pod_seconds": .double(Observation.rounded(pendingPodSeconds)),
            "waste_cpu": optional(cpuWaste), "waste_memory": optional(memoryWaste),
            "problem": problem.map(KValue.string) ?? .null, "behaviour": behaviour.map(KValue.string) ?? .null,
        ]
    }

    public init(agent: String, seed: UInt64, suite: String, scenario: String, family: String) {
        (self.agent, self.seed, self.suite, self.scenario, self.family) = (agent, seed, suite, scenario, family)
        (solved, steps, episodeReturn, blocked, actions, oomSteps, pendingPodSeconds) = (false, 0, 0, 0, [], 0, 0)
    }

    public init(document: KValue, at path: String) throws {
        var fields = try FieldReader(document, at: path)
        agent = try fields.requireString("agent")
        seed = try fields.uint64("seed") ?? 0
        suite = try fields.requireString("suite")
        scenario = try fields.requireString("scenario")
        family = try fields.requireString("family")
        solvable = try fields.bool("solvable") ?? true
        solved = try fields.bool("solved") ?? false
        steps = try fields.int("steps") ?? 0
        episodeReturn = try fields.double("return") ?? 0
        blocked = try fields.int("blocked") ?? 0
        actions = try fields.ints("actions") ?? []
        oomSteps = try fields.int("oom_steps") ?? 0
        pendingPodSeconds = try fields.double("pending_pod_seconds") ?? 0
        cpuWaste = try fields.double("waste_cpu")
        memoryWaste = try fields.double("waste_memory")
        problem = try fields.string("problem")
        behaviour = try fields.string("behaviour")
        try fields.finish()
    }
}
