import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

/// What the recommender found and changed: every judged workload before and after, the fix of
/// each that needed one, the fixed trace and the patches that make it from the original.
public struct Recommendation: Sendable {
    public var traceName: String
    /// The fixer's label (`policy:heuristic`, `agent:dqn`, `command:my-fixer`).
    public var fixer: String
    public var settings: RecommendSettings
    /// Simulated seconds of each simulation.
    public var durationSeconds: Double
    /// Which cluster the embedded simulator ran (`--cluster FILE: 4 nodes`), for the report.
    public var cluster = ""
    public var original: Trace
    public var fixed: Trace
    public var before: [WorkloadHealth]
    /// The embedded simulator's prediction for the fixed trace.
    public var after: [WorkloadHealth]
    public var fixes: [WorkloadFix]
    /// SimKube's replay of the fixed trace, when asked for (`--backend simkube`).
    public var simKube: [WorkloadHealth]?

    /// Whether every judged workload is healthy after the fix.
    public var allHealthy: Bool { after.allSatisfy(\.isHealthy) }

    /// One patch per workload whose replicas or container resources the fixes changed, in the
    /// order the trace applies them.
    public func patches() throws -> [WorkloadPatch] {
        let changed = try fixed.workloads()
        return try original.workloads().compactMap { workload in
            changed.first { $0.reference == workload.reference }.flatMap { WorkloadPatch(from: workload, to: $0) }
        }
    }

    /// The fix of `health`'s workload, if it needed one.
    public func fix(of health: WorkloadHealth) -> WorkloadFix? {
        fixes.first { health.isWorkload($0.before.kind, $0.before.namespace, $0.before.name) }
    }
}

extension Recommendation {
    /// Why lowering the first app container's request does not lower `health`'s pods' request:
    /// an init container requesting more than the app containers would after a step down
    /// (kube-scheduler counts the larger of the largest init container and the app containers'
    /// sum), and actions change only the first app container.
    public func initContainerNotes(for health: WorkloadHealth) throws -> [String] {
        guard let workload = try fixed.workloads().first(where: {
            health.isWorkload($0.kind, $0.namespace, $0.name)
        }) else { return [] }
        let template = workload.template
        let steps = ["cpu": settings.actions.cpuStep.milliValue, "memory": settings.actions.memoryStep.value]
        var notes: [String] = []
        for resource in ["cpu", "memory"] {
            let amount = { (quantity: Quantity?) in quantity.map { resource == "cpu" ? $0.milliValue : $0.value } ?? 0 }
            let apps = template.containers.reduce(Int64(0)) { $0 + amount($1.requests[resource]) }
            guard let largest = template.initContainers.max(by: { amount($0.requests[resource]) < amount($1.requests[resource]) }),
                  let request = largest.requests[resource], amount(request) > apps - (steps[resource] ?? 0) else { continue }
            notes.append("\(health.label): its init container \(largest.name) requests \(request) \(resource), so the pod requests at "
                         + "least that however far the app container's request comes down (actions change only the first app container).")
        }
        return notes
    }
}
