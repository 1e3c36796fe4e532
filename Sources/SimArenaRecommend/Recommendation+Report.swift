import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

extension Recommendation {
    /// The format of `report.json`.
    public static let format = "simarena.recommendation/v1"

    /// `report.json` (docs/recommend.md): the settings, a summary, and per judged workload its
    /// state before and after, what was wrong, the fixer's verdict and actions, the changes,
    /// and SimKube's prediction when there is one.
    public func report() throws -> KValue {
        let patches = try patches()
        let actions = settings.actions
        var workloads: [KValue] = []
        for (index, health) in before.enumerated() {
            var entry: KValue = [
                "kind": .string(health.kind.rawValue), "namespace": .string(health.namespace), "name": .string(health.name),
                "problems_before": .array(health.problems(settings: actions).map(KValue.string)),
                "problems_after": .array(after[index].problems(settings: actions).map(KValue.string)),
                "before": Self.state(health), "after": Self.state(after[index]),
            ]
            if let fix = fix(of: health) {
                entry["verdict"] = .string(fix.verdict.rawValue)
                entry["actions"] = .array(fix.effectiveActions.map { .string($0.action.name) })
                entry["actions_tried"] = .int(Int64(fix.actionsTried))
                entry["harm"] = fix.harm.map { ["action": .string($0.action.name), "harmed": .array($0.harmed.map(KValue.string))] } ?? .null
            } else {
                entry["verdict"] = .string(health.isHealthy ? "healthy" : "not_tried")
            }
            entry["notes"] = .array(after[index].isHealthy ? [] : try initContainerNotes(for: health).map(KValue.string))
            let patch = patches.first { $0.isFor(health) }
            entry["changes"] = .array((patch?.changes ?? []).map { change in
                ["field": .string(change.field), "before": change.before.map(KValue.string) ?? .null,
                 "after": change.after.map(KValue.string) ?? .null]
            })
            if let simKube { entry["simkube"] = simKube.indices.contains(index) ? Self.state(simKube[index]) : .null }
            workloads.append(entry)
        }
        var summary: KValue = [
            "workloads": .int(Int64(before.count)),
            "unhealthy_before": .int(Int64(before.filter { !$0.isHealthy }.count)),
            "wasteful_before": .int(Int64(before.filter { $0.isWasteful(settings: actions) }.count)),
            "unhealthy_after": .int(Int64(after.filter { !$0.isHealthy }.count)),
            "wasteful_after": .int(Int64(after.filter { $0.isWasteful(settings: actions) }.count)),
            "patched": .int(Int64(patches.count)), "all_healthy": .bool(allHealthy),
        ]
        if let simKube { summary["simkube_agrees"] = .int(Int64(agreement(with: simKube))) }
        return [
            "format": .string(Self.format), "trace": .string(traceName), "fixer": .string(fixer),
            "settings": [
                "n_actions": .int(Int64(settings.actionCount)), "max_actions": .int(Int64(settings.maxActions)),
                "duration_s": .double(durationSeconds), "seed": .integer(settings.seed), "actions": actions.value,
            ],
            "summary": summary,
            "workloads": .array(workloads),
        ]
    }

    /// How many workloads SimKube's replay and the embedded simulator judge alike (healthy or
    /// not, with as many Ready pods).
    public func agreement(with simKube: [WorkloadHealth]) -> Int {
        zip(after, simKube).filter { $0.isHealthy == $1.isHealthy && $0.observation.ready == $1.observation.ready }.count
    }

    /// A workload's state as the report gives it: pods by condition, per-pod resources of the
    /// first container, and the waste of what running pods request (nil without declared usage).
    static func state(_ health: WorkloadHealth) -> KValue {
        let seen = health.observation
        func quantity(_ value: Quantity?) -> KValue { value.map { .string($0.canonical) } ?? .null }
        func waste(_ declared: Bool, _ value: Double) -> KValue { declared && seen.running > 0 ? .double(value) : .null }
        return [
            "healthy": .bool(health.isHealthy), "replicas": .int(seen.target), "pods": .int(seen.total), "ready": .int(seen.ready),
            "pending": .int(seen.pending), "oom_killed": .int(seen.oomKilled), "crash_looping": .int(seen.crashLooping),
            "throttled": .int(seen.throttled),
            "cpu_request": quantity(seen.cpuRequest), "memory_request": quantity(seen.memoryRequest),
            "cpu_limit": quantity(seen.cpuLimit), "memory_limit": quantity(seen.memoryLimit),
            "cpu_waste": waste(seen.declaredCPUUsage, seen.cpuWaste), "memory_waste": waste(seen.declaredMemoryUsage, seen.memoryWaste),
        ]
    }
}

extension WorkloadFix {
    /// The kept actions that changed something (blocked ones and noops left out).
    public var effectiveActions: [ActionReport] {
        actions.filter { !$0.outcome.blocked && $0.action != .noop }
    }
}
