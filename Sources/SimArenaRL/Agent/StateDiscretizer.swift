import SimArenaModel
import SimArenaSimulation

/// The tabular agent's view of an observation: a few discrete facts, joined into a key. Each fact
/// is something an operator would act on, so the table stays small (at most 3 × 3 × 2⁶ = 576
/// states) and every demo failure mode has states of its own:
///
/// | part | values | meaning |
/// | --- | --- | --- |
/// | `ready` | lt, eq, gt | ready pods versus the target |
/// | `total` | lt, eq, gt | pods (Pending or Running) versus the target |
/// | `pcpu`, `pmem` | 0, 1 | some pod is Pending for lack of CPU / memory |
/// | `oom`, `thr` | 0, 1 | some pod was OOM-killed / is CPU-throttled out of readiness |
/// | `scpu`, `smem` | 0, 1 | each running pod requests at least one action step more CPU / memory than it uses |
public enum StateDiscretizer {
    public static func key(_ observation: Observation, settings: ActionSettings) -> String {
        func compare(_ value: Int64) -> String {
            value < observation.target ? "lt" : value == observation.target ? "eq" : "gt"
        }
        func flag(_ condition: Bool) -> String { condition ? "1" : "0" }
        let slack = observation.slackPerPod
        return [
            "ready=\(compare(observation.ready))", "total=\(compare(observation.total))",
            "pcpu=\(flag(observation.unschedulableCPU > 0))", "pmem=\(flag(observation.unschedulableMemory > 0))",
            "oom=\(flag(observation.oomKilled > 0))", "thr=\(flag(observation.throttled > 0))",
            "scpu=\(flag(slack.cpuMillis >= settings.cpuStep.milliValue))",
            "smem=\(flag(slack.memoryBytes >= settings.memoryStep.value))",
        ].joined(separator: "|")
    }
}
