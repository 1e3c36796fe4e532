import SimArenaModel
import SimArenaSimulation

/// The named demo scenarios of the original Sim-Arena, with its numbers: one Deployment `web`,
/// no limits and no usage annotation (each container uses exactly its requests), target 3.
public enum ScenarioCatalog {
    /// The named scenarios' definitions: name, failure mode, severity, initial state, target.
    private static let definitions: [(String, ScenarioFailureMode, ScenarioSeverity, ScenarioState, Int)] = [
        ("trace-0001", .tooFewReplicas, .slight, state(replicas: 2, cpu: 500, memoryMi: 512), 3),
        ("cpu-slight", .cpuRequestTooHigh, .slight, state(replicas: 3, cpu: 17_000, memoryMi: 2 * 1024), 3),
        ("cpu-heavy", .cpuRequestTooHigh, .heavy, state(replicas: 3, cpu: 20_000, memoryMi: 2 * 1024), 3),
        ("mem-slight", .memoryRequestTooHigh, .slight, state(replicas: 3, cpu: 500, memoryMi: 33 * 1024), 3),
        ("mem-heavy", .memoryRequestTooHigh, .heavy, state(replicas: 3, cpu: 500, memoryMi: 40 * 1024), 3),
        ("cpu-mem", .cpuAndMemoryRequestTooHigh, .slight, state(replicas: 3, cpu: 17_000, memoryMi: 33 * 1024), 3),
        ("replicas-over", .tooManyReplicas, .slight, state(replicas: 5, cpu: 500, memoryMi: 512), 3),
        ("scaling", .tooFewReplicas, .moderate, state(replicas: 1, cpu: 250, memoryMi: 256), 3),
    ]

    private static func state(replicas: Int, cpu: Int64, memoryMi: Int64) -> ScenarioState {
        ScenarioState(replicas: replicas, cpuRequestMillis: cpu, memoryRequestBytes: memoryMi * ScenarioRules.mebibyte)
    }

    /// The names, in catalog order.
    public static var names: [String] { definitions.map { $0.0 } }

    /// Every named scenario, in catalog order, with its computed fix (seed 0).
    public static var all: [Scenario] {
        definitions.map { name, mode, severity, initial, target in
            guard let scenario = Scenario.make(
                name: name, failureMode: mode, severity: severity, initial: initial, target: target, seed: 0)
            else { preconditionFailure("named scenario \(name) has no valid fix") }
            return scenario
        }
    }

    /// The named scenario called `name`, if there is one.
    public static func scenario(named name: String) -> Scenario? {
        all.first { $0.name == name }
    }
}
