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

    /// Every solvable failure mode at every severity, in declaration order.
    public static let combinations: [(mode: ScenarioFailureMode, severity: ScenarioSeverity)] =
        ScenarioFailureMode.allCases.filter(\.isSolvable).flatMap { mode in ScenarioSeverity.allCases.map { (mode, $0) } }

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
        var draft = ScenarioDraft(random: SeededGenerator(seed: seed, stream: UInt64(index)))
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
        case .extendedResourceUnavailable:
            return []  // no step fixes it
        }
    }

    /// The severity whose fix lengths for `mode` a fix of `fixLength` steps reaches: the highest
    /// whose range starts at or below it (so a fix longer than the heavy range is heavy).
    public static func severity(of mode: ScenarioFailureMode, fixLength: Int) -> ScenarioSeverity {
        ScenarioSeverity.allCases.last { fixLengthRange(for: mode, $0).lowerBound <= fixLength } ?? .slight
    }

    /// The range of fix lengths of `mode` at `severity` (the sum of its parts' ranges).
    public static func fixLengthRange(for mode: ScenarioFailureMode, _ severity: ScenarioSeverity) -> ClosedRange<Int> {
        let parts = partRanges(for: mode, severity)
        return parts.map(\.1.lowerBound).reduce(0, +)...parts.map(\.1.upperBound).reduce(0, +)
    }
}
