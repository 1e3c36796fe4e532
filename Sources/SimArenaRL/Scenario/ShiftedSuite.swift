import SimArenaModel
import SimArenaSimulation

/// The shifted suite (`sa-trace generate --suite shifted`): scenarios shaped differently from
/// the generator's, ``perFamily`` of each ``ScenarioShift`` family, named `<family>-01` …
/// (`names-01`, `right-sizing-06`). Each has its shortest fix computed in its own setting and
/// is checked as the generator's are (``ScenarioRules/checkFix(_:)``); its severity is
/// classified from the fix's length, except for the `names` family, whose numbers are the
/// generator's own for a drawn severity. docs/scenarios.md describes the families.
///
/// **Determinism.** Scenario `i` of a family depends only on the seed, the family and `i`: its
/// numbers come from `SeededGenerator(seed: mix(seed, family), stream: i)`. A draft that has no
/// valid fix within 40 steps is drawn again from where the stream left off.
public struct ShiftedSuite: Sendable {
    /// Scenarios per family.
    public static let perFamily = 6
    /// Drafts tried per scenario before giving up (a bug in a family's ranges, not bad input).
    static let maxAttempts = 100

    public var seed: UInt64

    public init(seed: UInt64) {
        self.seed = seed
    }

    /// Every scenario, family by family in ``ScenarioShift`` order.
    public func scenarios() -> [Scenario] {
        ScenarioShift.allCases.flatMap { family in (0..<Self.perFamily).map { scenario(family, index: $0) } }
    }

    /// The file name (without extension) of scenario `index` (0-based) of `family`: `names-01`.
    public static func name(_ family: ScenarioShift, index: Int) -> String {
        let number = String(index + 1)
        return family.filePrefix + "-" + String(repeating: "0", count: max(0, 2 - number.count)) + number
    }

    /// Scenario `index` (0-based) of `family`.
    public func scenario(_ family: ScenarioShift, index: Int) -> Scenario {
        precondition(index >= 0, "scenario index must not be negative")
        let familyNumber = UInt64(ScenarioShift.allCases.firstIndex(of: family) ?? 0) + 1
        var random = SeededGenerator(seed: SeededGenerator.mix(seed, familyNumber), stream: UInt64(index))
        let name = Self.name(family, index: index)
        for _ in 0..<Self.maxAttempts {
            var draft = ScenarioDraft(random: random)
            let (mode, severity) = draft.build(family, variant: index % Self.perFamily)
            random = draft.random
            if let scenario = Scenario.make(
                name: name, failureMode: mode, severity: severity, initial: draft.state, target: draft.target, seed: seed,
                setting: draft.setting, shift: family)
            {
                return scenario
            }
        }
        preconditionFailure("shifted scenario \(name) (seed \(seed)) found no valid draft in \(Self.maxAttempts) attempts")
    }
}
