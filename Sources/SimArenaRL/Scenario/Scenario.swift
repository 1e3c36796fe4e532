import SimArenaModel
import SimArenaSimulation

/// What is wrong with a scenario's workload (`metadata.scenario.failure_mode`). Mixes name both
/// problems. docs/scenarios.md describes each mode and its fix.
public enum ScenarioFailureMode: String, Sendable, Hashable, CaseIterable {
    /// The per-pod CPU request is too high for the nodes (above a demo node's 16 CPU): pods stay Pending.
    case cpuRequestTooHigh = "cpu_request_too_high"
    /// The per-pod memory request is too high for the nodes (above a demo node's 32Gi): pods stay Pending.
    case memoryRequestTooHigh = "memory_request_too_high"
    /// A CPU limit is set and the container uses more than twice it: Running, not Ready.
    case cpuLimitTooLow = "cpu_limit_too_low"
    /// A memory limit is set and the container uses more than it: OOMKilled, crash-looping.
    case memoryLimitTooLow = "memory_limit_too_low"
    /// Fewer replicas than the target.
    case tooFewReplicas = "too_few_replicas"
    /// More replicas than the target.
    case tooManyReplicas = "too_many_replicas"
    /// Healthy, but the requests are far above the usage: the goal is to right-size them.
    case overprovisioned = "overprovisioned"
    case cpuAndMemoryRequestTooHigh = "cpu_and_memory_request_too_high"
    case memoryLimitTooLowAndTooFewReplicas = "memory_limit_too_low_and_too_few_replicas"
    case cpuLimitTooLowAndTooManyReplicas = "cpu_limit_too_low_and_too_many_replicas"
    case cpuAndMemoryLimitTooLow = "cpu_and_memory_limit_too_low"
    /// The pods request an extended resource (a GPU) that no node offers: Pending, and no action
    /// of ours changes that. Only the shifted suite's `placement` family has it; the generator
    /// never draws it.
    case extendedResourceUnavailable = "extended_resource_unavailable"

    /// The goal an agent must reach for this mode.
    public var goal: ScenarioGoal { self == .overprovisioned ? .rightSized : .healthy }

    /// Whether some sequence of actions can reach the goal (false: the scenario has no fix, and
    /// benchmarks leave it out of their solve rates).
    public var isSolvable: Bool { self != .extendedResourceUnavailable }
}

/// How far from the goal a scenario starts (`metadata.scenario.severity`); the fix-length ranges
/// of each mode are in ``ScenarioGenerator`` and docs/scenarios.md.
public enum ScenarioSeverity: String, Sendable, Hashable, CaseIterable {
    case slight, moderate, heavy
}

/// What counts as fixed (`metadata.scenario.goal`).
public enum ScenarioGoal: String, Sendable, Hashable, CaseIterable {
    /// ready == total == target and nothing pending.
    case healthy
    /// Healthy, and each request is the smallest value reachable by the action steps that is
    /// still at least the container's usage; every step of the way stays healthy.
    case rightSized = "right_sized"
}

/// The workload's numbers: replicas and the one container's requests, limits and usage.
///
/// CPU is in millicores and memory in bytes. A `nil` limit is not set; a `nil` usage means the
/// container uses exactly its (current) request, which is what a missing `simarena.io/usage`
/// field means to the simulator.
public struct ScenarioState: Sendable, Hashable {
    public var replicas: Int
    public var cpuRequestMillis: Int64
    public var memoryRequestBytes: Int64
    public var cpuLimitMillis: Int64?
    public var memoryLimitBytes: Int64?
    public var cpuUsageMillis: Int64?
    public var memoryUsageBytes: Int64?

    public init(
        replicas: Int, cpuRequestMillis: Int64, memoryRequestBytes: Int64,
        cpuLimitMillis: Int64? = nil, memoryLimitBytes: Int64? = nil,
        cpuUsageMillis: Int64? = nil, memoryUsageBytes: Int64? = nil
    ) {
        self.replicas = replicas
        self.cpuRequestMillis = cpuRequestMillis
        self.memoryRequestBytes = memoryRequestBytes
        self.cpuLimitMillis = cpuLimitMillis
        self.memoryLimitBytes = memoryLimitBytes
        self.cpuUsageMillis = cpuUsageMillis
        self.memoryUsageBytes = memoryUsageBytes
    }

    /// The CPU the container uses: its annotated usage, else its request.
    public var effectiveCPUUsageMillis: Int64 { cpuUsageMillis ?? cpuRequestMillis }
    /// The memory the container uses: its annotated usage, else its request.
    public var effectiveMemoryUsageBytes: Int64 { memoryUsageBytes ?? memoryRequestBytes }
}

/// One training scenario: a broken (or wasteful) workload in its setting, the ready count it must
/// reach, and the exact scripted fix, which ``ScenarioRules/checkFix(_:)`` verifies.
public struct Scenario: Sendable, Hashable {
    /// The file name without extension: `trace-0001`, `cpu-slight`, `gen-0042`.
    public var name: String
    public var failureMode: ScenarioFailureMode
    public var severity: ScenarioSeverity
    /// The workload as the trace applies it.
    public var initial: ScenarioState
    /// The number of Ready pods wanted (and the number of replicas).
    public var target: Int
    /// The scripted fix, shortest possible: applying it to ``initial`` reaches ``goal``.
    public var fix: [AgentAction]
    /// One sentence: what goes wrong and how it is fixed.
    public var expectedBehavior: String
    /// The generator seed the scenario came from (0 for the named scenarios, which are fixed).
    public var seed: UInt64
    /// The workload's kind, names and containers, the cluster, and any neighbour.
    public var setting: ScenarioSetting
    /// The shifted suite's family, for its scenarios (nil for the generator's and the named ones).
    public var shift: ScenarioShift?

    public init(
        name: String, failureMode: ScenarioFailureMode, severity: ScenarioSeverity, initial: ScenarioState,
        target: Int, fix: [AgentAction], expectedBehavior: String, seed: UInt64, setting: ScenarioSetting = .demo,
        shift: ScenarioShift? = nil
    ) {
        self.name = name
        self.failureMode = failureMode
        self.severity = severity
        self.initial = initial
        self.target = target
        self.fix = fix
        self.expectedBehavior = expectedBehavior
        self.seed = seed
        self.setting = setting
        self.shift = shift
    }

    /// What counts as fixed for this scenario.
    public var goal: ScenarioGoal { failureMode.goal }

    /// Whether the scenario has a fix (``fix`` is empty when it has none).
    public var isSolvable: Bool { failureMode.isSolvable }

    /// The state after the whole fix (blocked steps, which a valid fix has none of, change nothing).
    public var fixedState: ScenarioState {
        fix.reduce(initial) { state, step in ScenarioRules.apply(step, to: state).state }
    }
}
