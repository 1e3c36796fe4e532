import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

/// What the fixer did for one workload that needed a fix: the actions kept, what became of it,
/// and the first harm to a neighbour it ran into on the way.
public struct WorkloadFix: Sendable {
    /// What became of the workload.
    public enum Verdict: String, Sendable {
        /// Healthy, and not wasteful, after the actions kept.
        case fixed
        /// Better than before, not yet healthy or right-sized.
        case improved
        /// No state the fixer reached was better without harming a neighbour; unchanged.
        case unchanged
    }

    /// The workload as it was before its fix (after the fixes of the workloads before it).
    public var before: WorkloadHealth
    public var verdict: Verdict
    /// The actions that lead to the state kept, in order (blocked ones included, as taken).
    public var actions: [ActionReport]
    /// How many actions the fixer took in all, including any after the state kept.
    public var actionsTried: Int
    /// The first state on the fixer's way that made another workload worse: the action that led
    /// to it and the workloads it harmed (`Deployment default/api: 1 of 2 pods Pending …`); nil
    /// when none did.
    public var harm: (action: AgentAction, harmed: [String])?

    /// `web: fixed in 3 actions`.
    public var label: String { before.label }
}

extension WorkloadFix {
    /// One point on the fixer's way: the trace in force, every judged workload in its
    /// simulation, and the actions taken to get there.
    struct Waypoint {
        var trace: Trace
        var health: [WorkloadHealth]
        var actions: [ActionReport]

        /// The workload at `index` of ``health``.
        func workload(_ index: Int) -> WorkloadHealth { health[index] }

        /// The other workloads this state harms compared with `start`, each with what is wrong.
        func harmed(comparedWith start: Waypoint, except index: Int, settings: ActionSettings) -> [String] {
            health.indices.filter { $0 != index && health[$0].isWorse(than: start.health[$0]) }.map { other in
                "\(health[other].label): \(health[other].problems(settings: settings).joined(separator: ", "))"
            }
        }
    }

    /// Chooses among the fixer's `waypoints` (the first is the start) for workload `index`: of
    /// the states that harm no other workload, the one nearest healthy, then with the least
    /// waste, then the earliest (fewest changes).
    static func choose(_ waypoints: [Waypoint], workload index: Int, settings: ActionSettings) -> (kept: Waypoint, fix: WorkloadFix) {
        let start = waypoints[0]
        var harm: (AgentAction, [String])?
        var best = start
        func rank(_ waypoint: Waypoint) -> (Int64, Int64) {
            let health = waypoint.workload(index)
            return (health.shortfall, health.slackSteps(settings: settings))
        }
        for waypoint in waypoints.dropFirst() {
            let harmed = waypoint.harmed(comparedWith: start, except: index, settings: settings)
            if !harmed.isEmpty {
                if harm == nil, let last = waypoint.actions.last { harm = (last.action, harmed) }
                continue
            }
            if rank(waypoint) < rank(best) { best = waypoint }
        }
        let kept = best.workload(index)
        let verdict: Verdict
        if best.actions.isEmpty {
            verdict = .unchanged
        } else if !kept.needsFix(settings: settings) {
            verdict = .fixed
        } else {
            verdict = .improved
        }
        let fix = WorkloadFix(before: start.workload(index), verdict: verdict, actions: best.actions,
                              actionsTried: waypoints.count - 1, harm: harm)
        return (best, fix)
    }
}
