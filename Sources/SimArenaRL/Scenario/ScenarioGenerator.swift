import SimArenaModel
import SimArenaSimulation

/// Generates broken (or wasteful) Deployment scenarios from a seed, each with its exact fix.
///
/// **Determinism.** Scenario `i` (0-based, named `gen-<i+1>` with at least four digits) depends
/// only on the seed and `i`: its numbers come from its own ``SeededGenerator`` stream
/// (`SeededGenerator(seed: seed, stream: i)`), and its failure mode and severity from a seeded
/// shuffle of the 33 mode × severity combinations for its block of 33 indices. So the same seed
/// always gives the same scenarios, and a longer run extends a shorter one (the first 50 of
/// `count: 100` are `count: 50`). Every 33 consecutive scenarios from index 0 cover every failure
/// mode at every severity once.
///
/// **Distances.** Each severity is a range of fix lengths per problem (``partRanges(for:_:)``);
/// a scenario's numbers are chosen so that its shortest fix has exactly the drawn length for
/// each problem, and the generator checks that against ``ScenarioRules/shortestFix(from:target:goal:cluster:)``.
public struct ScenarioGenerator: Sendable {
    public var seed: UInt64

    public init(seed: UInt64) {
        self.seed = seed
    }

    /// Every failure mode at every severity, in declaration order.
    public static let combinations: [(mode: ScenarioFailureMode, severity: ScenarioSeverity)] =
        ScenarioFailureMode.allCases.flatMap { mode in ScenarioSeverity.allCases.map { (mode, $0) } }

    /// The file name (without extension) of generated scenario `index` (0-based): `gen-0001`.
    public static func name(forIndex index: Int) -> String {
        let number = String(index + 1)
        return "gen-" + String(repeating: "0", count: max(0, 4 - number.count)) + number
    }

    /// The first `count` scenarios.
    public func scenarios(count: Int) -> [Scenario] {
        (0..<max(count, 0)).map { scenario(at: $0) }
    }

    /// The failure mode and severity of scenario `index`.
    public func combination(at index: Int) -> (mode: ScenarioFailureMode, severity: ScenarioSeverity) {
        let block = UInt64(index / Self.combinations.count)
        var order = Array(Self.combinations.indices)
        var random = SeededGenerator(seed: SeededGenerator.mix(seed, 0x5CE7_A810_0C0B_B1E5), stream: block)
        random.shuffle(&order)
        return Self.combinations[order[index % Self.combinations.count]]
    }

    /// Scenario `index` (0-based).
    public func scenario(at index: Int) -> Scenario {
        precondition(index >= 0, "scenario index must not be negative")
        let (mode, severity) = combination(at: index)
        var draft = Draft(random: SeededGenerator(seed: seed, stream: UInt64(index)))
        let plannedLength = draft.build(mode, severity)
        let name = Self.name(forIndex: index)
        guard let scenario = Scenario.make(
            name: name, failureMode: mode, severity: severity, initial: draft.state, target: draft.target, seed: seed),
            scenario.fix.count == plannedLength
        else {
            preconditionFailure("generated scenario \(name) (\(mode.rawValue), \(severity.rawValue), seed \(seed)) does not have the planned \(plannedLength)-step fix")
        }
        return scenario
    }

    // MARK: Severity ranges

    /// The problems a failure mode combines, each fixed by its own kind of step.
    public enum Part: String, Sendable, CaseIterable {
        case cpuRequest = "cpu_request"
        case memoryRequest = "memory_request"
        case cpuLimit = "cpu_limit"
        case memoryLimit = "memory_limit"
        case fewReplicas = "few_replicas"
        case manyReplicas = "many_replicas"
        case overprovisioned
    }

    /// The problems of `mode`, each with its range of fix steps at `severity`.
    public static func partRanges(for mode: ScenarioFailureMode, _ severity: ScenarioSeverity) -> [(Part, ClosedRange<Int>)] {
        func pick(_ slight: ClosedRange<Int>, _ moderate: ClosedRange<Int>, _ heavy: ClosedRange<Int>) -> ClosedRange<Int> {
            switch severity {
            case .slight: return slight
            case .moderate: return moderate
            case .heavy: return heavy
            }
        }
        let cpuRequest = pick(1...2, 3...6, 7...16)
        let memoryRequest = pick(1...4, 5...12, 13...32)
        let cpuLimit = pick(1...1, 2...4, 5...12)
        let memoryLimit = pick(1...1, 2...4, 5...16)
        let fewReplicas = pick(1...1, 2...2, 3...5)
        let manyReplicas = pick(1...2, 3...6, 7...20)
        switch mode {
        case .cpuRequestTooHigh: return [(.cpuRequest, cpuRequest)]
        case .memoryRequestTooHigh: return [(.memoryRequest, memoryRequest)]
        case .cpuLimitTooLow: return [(.cpuLimit, cpuLimit)]
        case .memoryLimitTooLow: return [(.memoryLimit, memoryLimit)]
        case .tooFewReplicas: return [(.fewReplicas, fewReplicas)]
        case .tooManyReplicas: return [(.manyReplicas, manyReplicas)]
        case .overprovisioned: return [(.overprovisioned, pick(2...4, 5...12, 13...30))]
        case .cpuAndMemoryRequestTooHigh:
            return [(.cpuRequest, pick(1...2, 3...6, 7...8)), (.memoryRequest, memoryRequest)]
        case .memoryLimitTooLowAndTooFewReplicas:
            return [(.memoryLimit, pick(1...1, 2...4, 5...12)), (.fewReplicas, fewReplicas)]
        case .cpuLimitTooLowAndTooManyReplicas:
            return [(.cpuLimit, cpuLimit), (.manyReplicas, manyReplicas)]
        case .cpuAndMemoryLimitTooLow:
            return [(.cpuLimit, pick(1...1, 2...4, 5...10)), (.memoryLimit, memoryLimit)]
        }
    }

    /// The range of fix lengths of `mode` at `severity` (the sum of its parts' ranges).
    public static func fixLengthRange(for mode: ScenarioFailureMode, _ severity: ScenarioSeverity) -> ClosedRange<Int> {
        let parts = partRanges(for: mode, severity)
        return parts.map(\.1.lowerBound).reduce(0, +)...parts.map(\.1.upperBound).reduce(0, +)
    }
}

/// Builds one scenario's numbers, problem by problem.
private struct Draft {
    var random: SeededGenerator
    var state = ScenarioState(replicas: 3, cpuRequestMillis: 500, memoryRequestBytes: 512 * ScenarioRules.mebibyte)
    var target = 3

    private static let mebibyte = ScenarioRules.mebibyte
    private static let gibibyte = ScenarioRules.gibibyte
    private static let cpuStep = ScenarioRules.cpuStepMillis
    private static let memoryStep = ScenarioRules.memoryStepBytes
    private static let node = ScenarioCluster.demo

    init(random: SeededGenerator) {
        self.random = random
    }

    /// Fills in the state and target for `mode` at `severity`; returns the planned fix length.
    mutating func build(_ mode: ScenarioFailureMode, _ severity: ScenarioSeverity) -> Int {
        let parts = ScenarioGenerator.partRanges(for: mode, severity).map { ($0.0, random.int(in: $0.1)) }
        let kinds = Set(parts.map(\.0))

        // The target: requests above a node's size are fixed by bringing them down to the node
        // size, which fits one pod per node, so those scenarios want at most one pod per node.
        var targets = [1, 2, 3, 3, 3, 3, 4, 5]
        if kinds.contains(.cpuRequest) || kinds.contains(.memoryRequest) {
            targets.removeAll { $0 > Self.node.nodes }
        }
        for (kind, steps) in parts where kind == .fewReplicas {
            targets.removeAll { $0 < steps }
        }
        target = random.element(of: targets)

        // Healthy base values, then each problem on top.
        state = ScenarioState(
            replicas: target,
            cpuRequestMillis: random.element(of: [100, 250, 500, 750, 1000, 1500, 2000] as [Int64]),
            memoryRequestBytes: random.element(of: [128, 256, 512, 768, 1024, 1536, 2048] as [Int64]) * Self.mebibyte)
        let touchesCPU = kinds.contains(.cpuRequest) || kinds.contains(.cpuLimit) || kinds.contains(.overprovisioned)
        let touchesMemory = kinds.contains(.memoryRequest) || kinds.contains(.memoryLimit) || kinds.contains(.overprovisioned)
        if !touchesCPU { addBackgroundCPU() }
        if !touchesMemory { addBackgroundMemory() }

        for (kind, steps) in parts {
            switch kind {
            case .cpuRequest: cpuRequestTooHigh(steps)
            case .memoryRequest: memoryRequestTooHigh(steps)
            case .cpuLimit: cpuLimitTooLow(steps)
            case .memoryLimit: memoryLimitTooLow(steps)
            case .fewReplicas: state.replicas = target - steps
            case .manyReplicas: state.replicas = target + steps
            case .overprovisioned: overprovisioned(steps)
            }
        }
        return parts.map(\.1).reduce(0, +)
    }

    /// Usage below the request, and sometimes a limit well above both, for a CPU side that is fine.
    private mutating func addBackgroundCPU() {
        if random.chance(0.6) {
            let usage = state.cpuRequestMillis * Int64(random.int(in: 20...90)) / 100 / 10 * 10
            state.cpuUsageMillis = max(usage, 10)
        }
        if random.chance(0.4) { state.cpuLimitMillis = 2 * state.cpuRequestMillis }
    }

    /// The same for memory.
    private mutating func addBackgroundMemory() {
        if random.chance(0.6) {
            let usage = state.memoryRequestBytes * Int64(random.int(in: 20...90)) / 100 / Self.mebibyte * Self.mebibyte
            state.memoryUsageBytes = max(usage, 16 * Self.mebibyte)
        }
        if random.chance(0.4) { state.memoryLimitBytes = 2 * state.memoryRequestBytes }
    }

    /// A CPU request above the node size that takes exactly `steps` reductions to fit
    /// (16 CPU + (steps − 1) × 500m + 50m…500m).
    private mutating func cpuRequestTooHigh(_ steps: Int) {
        let offset = Int64(random.int(in: 1...10)) * 50
        state.cpuRequestMillis = Self.node.cpuMillisPerNode + Int64(steps - 1) * Self.cpuStep + offset
        state.cpuLimitMillis = nil
        state.cpuUsageMillis = random.chance(0.6) ? Int64(random.int(in: 4...60)) * 50 : nil
    }

    /// A memory request above the node size that takes exactly `steps` reductions to fit
    /// (32Gi + (steps − 1) × 256Mi + 16Mi…256Mi).
    private mutating func memoryRequestTooHigh(_ steps: Int) {
        let offset = Int64(random.int(in: 1...16)) * 16 * Self.mebibyte
        state.memoryRequestBytes = Self.node.memoryBytesPerNode + Int64(steps - 1) * Self.memoryStep + offset
        state.memoryLimitBytes = nil
        state.memoryUsageBytes = random.chance(0.6) ? Int64(random.int(in: 2...32)) * 128 * Self.mebibyte : nil
    }

    /// A CPU limit whose usage is above twice it, by just enough that `steps` bumps (each adding
    /// 500m to the limit, 1 CPU to twice it) are needed: usage = 2 × (limit + (steps − 1) × 500m)
    /// + 50m…1000m.
    private mutating func cpuLimitTooLow(_ steps: Int) {
        let limit = random.element(of: [250, 500, 750, 1000] as [Int64])
        state.cpuLimitMillis = limit
        state.cpuRequestMillis = random.chance(0.5) ? limit : limit / 2
        state.cpuUsageMillis = 2 * (limit + Int64(steps - 1) * Self.cpuStep) + Int64(random.int(in: 1...20)) * 50
    }

    /// A memory limit below the usage by just enough that `steps` bumps are needed:
    /// usage = limit + (steps − 1) × 256Mi + 16Mi…256Mi.
    private mutating func memoryLimitTooLow(_ steps: Int) {
        let limit = random.element(of: [256, 512, 768, 1024] as [Int64]) * Self.mebibyte
        state.memoryLimitBytes = limit
        state.memoryRequestBytes = random.chance(0.5) ? limit : limit / 2
        state.memoryUsageBytes = limit + Int64(steps - 1) * Self.memoryStep + Int64(random.int(in: 1...16)) * 16 * Self.mebibyte
    }

    /// Requests `steps` reductions above the smallest reachable values that still cover the
    /// usage, split between CPU and memory; no limits, so every reduction stays healthy. CPU stays
    /// at most 8 CPU and memory at most 16Gi, so two pods fit per node throughout.
    private mutating func overprovisioned(_ steps: Int) {
        let maxCPUSteps = 13
        var cpuSteps: Int
        switch random.int(in: 0...2) {
        case 0: cpuSteps = min(steps, maxCPUSteps)  // mostly CPU
        case 1: cpuSteps = 0  // memory only
        default: cpuSteps = random.int(in: 1...min(steps - 1, maxCPUSteps))  // both
        }
        if steps - cpuSteps > 30 { cpuSteps = steps - 30 }
        let memorySteps = steps - cpuSteps
        state.cpuLimitMillis = nil
        state.memoryLimitBytes = nil
        if cpuSteps > 0 {
            let usage = Int64(random.int(in: 1...20)) * 50
            let slack = Int64(random.int(in: 0...9)) * 50
            state.cpuUsageMillis = usage
            state.cpuRequestMillis = usage + slack + Int64(cpuSteps) * Self.cpuStep
        } else {
            state.cpuUsageMillis = nil
        }
        if memorySteps > 0 {
            let usage = Int64(random.int(in: 2...32)) * 32 * Self.mebibyte
            let slack = Int64(random.int(in: 0...7)) * 32 * Self.mebibyte
            state.memoryUsageBytes = usage
            state.memoryRequestBytes = usage + slack + Int64(memorySteps) * Self.memoryStep
        } else {
            state.memoryUsageBytes = nil
        }
    }
}
