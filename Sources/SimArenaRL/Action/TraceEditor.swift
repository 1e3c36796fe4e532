import SimArenaModel
import SimArenaSimulation

/// Applies an agent's action to a workload in a trace: every applied occurrence of the workload
/// is edited the same way, and nothing else in the trace changes.
///
/// CPU and memory actions move the first container's request, and its limit with it when one is
/// set (so a limit never falls below its request). Safeguards: an increase is blocked when the
/// result would exceed the maximum, a decrease when it would fall below the minimum; a blocked
/// action changes nothing. (So a request already above the maximum can still be reduced.)
public enum TraceEditor {
    public static func apply(
        _ action: AgentAction, to trace: inout Trace, workload name: String, namespace: String? = nil,
        settings: ActionSettings = ActionSettings()
    ) throws -> ActionOutcome {
        let matches = try trace.workloads(named: name, namespace: namespace)
        guard let current = matches.first else {
            throw SimArenaError(.data, "the trace has no workload named \"\(name)\"\(namespace.map { " in namespace \($0)" } ?? "")")
        }
        var outcome = ActionOutcome(action: action, field: nil, before: nil, after: nil, blockedReason: nil, editedObjects: 0)
        let edit: ((inout KValue, JSONPointer) throws -> Void)?
        switch action {
        case .noop:
            return outcome
        case .scaleUpReplicas, .scaleDownReplicas:
            guard let replicas = current.replicas else {
                throw SimArenaError(.data, "\(current.kind.rawValue) \(name) has no replicas to scale")
            }
            let delta = action == .scaleUpReplicas ? settings.replicaStep : -settings.replicaStep
            let (sum, overflow) = replicas.addingReportingOverflow(delta)
            let next = overflow ? (delta > 0 ? Int64.max : Int64.min) : sum
            outcome.field = "replicas"
            outcome.before = String(replicas)
            outcome.after = String(next)
            if let reason = blocked(next, increasing: delta > 0, range: settings.replicaRange, what: "replicas") {
                outcome.blockedReason = reason
                return outcome
            }
            edit = { object, _ in
                object.modify(at: JSONPointer(tokens: ["spec"])) { $0["replicas"] = .int(next) }
            }
        case .bumpCPUSmall, .reduceCPUSmall, .bumpMemorySmall, .reduceMemorySmall:
            let isCPU = action == .bumpCPUSmall || action == .reduceCPUSmall
            let resource = isCPU ? "cpu" : "memory"
            let step = isCPU ? settings.cpuStep : settings.memoryStep
            let increasing = action == .bumpCPUSmall || action == .bumpMemorySmall
            guard let container = current.template.containers.first else {
                throw SimArenaError(.data, "\(current.kind.rawValue) \(name) has no containers")
            }
            let request = container.requests[resource] ?? container.limits[resource] ?? Quantity(nanos: 0, format: isCPU ? .decimalSI : .binarySI)
            let next = try increasing ? request.adding(step) : request.subtracting(step)
            outcome.field = resource
            outcome.before = request.description
            outcome.after = next.description
            let range = isCPU ? settings.cpuRange : settings.memoryRange
            if let reason = blocked(next, increasing: increasing, range: range, what: "\(resource) request") {
                outcome.blockedReason = reason
                return outcome
            }
            let delta = increasing ? step : step.negated()
            edit = { object, templatePointer in
                try moveResource(resource, by: delta, request: next, in: &object, template: templatePointer)
            }
        }
        var edited = 0
        try trace.updateWorkloads(matching: {
            $0.name == name && (namespace == nil || $0.namespace == namespace) && $0.kind == current.kind
        }) { object, workload in
            try edit?(&object, workload.templatePointer)
            edited += 1
        }
        outcome.editedObjects = edited
        return outcome
    }

    /// Sets the first container's request for `resource` to `request`, and moves its limit (if
    /// any) by `delta`, never below the request.
    private static func moveResource(
        _ resource: String, by delta: Quantity, request: Quantity, in object: inout KValue, template: JSONPointer
    ) throws {
        let pointer = JSONPointer(tokens: template.tokens + ["spec", "containers", "0"])
        try object.modify(at: pointer) { container in
            var resources = container["resources"] ?? [:]
            var requests = resources["requests"] ?? [:]
            requests[resource] = .string(request.description)
            resources["requests"] = requests
            if let limitValue = resources["limits"]?[resource] {
                var moved = try Quantity(limitValue, at: "resources.limits.\(resource)").adding(delta)
                if moved < request { moved = request }
                var limits = resources["limits"] ?? [:]
                limits[resource] = .string(moved.description)
                resources["limits"] = limits
            }
            container["resources"] = resources
        }
    }

    static func blocked<T: Comparable & CustomStringConvertible>(
        _ value: T, increasing: Bool, range: ClosedRange<T>, what: String
    ) -> String? {
        if increasing && value > range.upperBound { return "\(what) \(value) would exceed the maximum \(range.upperBound)" }
        if !increasing && value < range.lowerBound { return "\(what) \(value) would fall below the minimum \(range.lowerBound)" }
        return nil
    }
}
