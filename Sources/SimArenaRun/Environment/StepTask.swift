import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// The stages of one step, in the order they run (docs/run-directory.md).
public enum StepStage: String, Sendable, CaseIterable {
    case preflight, simulate, observe, reward, learn, act, record

    /// The executable that runs the stage on a step directory (`bin/step.sh`).
    public var tool: String {
        switch self {
        case .record: return "sa-run"
        default: return "sa-" + rawValue
        }
    }
}

/// One thing a step does: a stage, or the hooks of a hook point around the simulation.
public enum StepTask: Sendable, Hashable, CustomStringConvertible {
    case stage(StepStage)
    case hooks(HookSet.Stage)

    /// `simulate`, `hooks:pre_run`.
    public var description: String {
        switch self {
        case .stage(let stage): return stage.rawValue
        case .hooks(let point): return "hooks:" + point.rawValue
        }
    }

    /// A step's tasks, in order: the only place the sequence of a step is written down. Both
    /// drivers run it: the in-process trainer task by task, and `bin/step.sh` one process per
    /// task (`sa-run stages` prints it). `learns` adds the learn stage, `hooks` the hook points.
    public static func sequence(learns: Bool, hooks: Bool) -> [StepTask] {
        var tasks: [StepTask] = [.stage(.preflight)]
        if hooks { tasks += [.hooks(.preStart), .hooks(.preRun)] }
        tasks.append(.stage(.simulate))
        if hooks { tasks.append(.hooks(.postRun)) }
        tasks += [.stage(.observe), .stage(.reward)]
        if learns { tasks.append(.stage(.learn)) }
        tasks += [.stage(.act), .stage(.record)]
        if hooks { tasks.append(.hooks(.postStop)) }
        return tasks
    }
}
