import SimArenaModel

/// What every pod made from one pod template shares: scheduling needs, QoS class, containers
/// with their limits and declared usage, and how the kubelet will treat them.
///
/// Read once and never changed: a class, so that the simulator's many reads of a pod's
/// blueprint share it instead of copying its parts.
final class PodBlueprint: Sendable {
    enum RestartPolicy: String {
        case always = "Always"
        case onFailure = "OnFailure"
        case never = "Never"
    }

    let template: PodTemplate
    let requirements: PodSchedulingRequirements
    let containers: [ContainerModel]
    /// The containers' cpu and memory limit totals, for printing (``SimulationResult/Pod/limitQuantities``).
    let limitTotals: ResourceList
    let qos: QoSClass
    /// `spec.priorityClassName`, resolved when each pod is created, and the `spec.priority` and
    /// `spec.preemptionPolicy` the template sets itself (which must agree with the class's).
    let priorityClassName: String?
    let priority: Int32?
    let preemptionPolicy: PreemptionPolicy?
    let restartPolicy: RestartPolicy
    /// SimKube's per-pod KWOK delay annotations, when the template sets them (milliseconds).
    let createDelay: (base: Int64, jitter: Int64)?
    let readyDelay: (base: Int64, jitter: Int64)?

    /// What the pod's containers use, summed (``ContainerModel/usage``: the CPU mean, capped at
    /// each container's limit by the CFS quota, and the memory peak).
    var usage: ResourceAmounts {
        containers.reduce(.zero) { total, container in
            total + ResourceAmounts(
                cpuMillis: min(container.usage.cpuMillis, container.cpuLimit ?? Int64.max),
                memoryBytes: container.usage.memoryBytes)
        }
    }

    /// The container OOM-killed first and the memory sample that kills it: the earliest
    /// over-limit sample of any container (the first container of those tied).
    let oomKill: (container: ContainerModel, sample: Int)?

    /// The most throttled container and its usage-to-limit ratio.
    var mostThrottled: (container: ContainerModel, ratio: Double)? {
        containers.map { ($0, $0.throttleRatio) }.max { $0.1 < $1.1 }.flatMap { $0.1 > 1 ? $0 : nil }
    }

    init(template: PodTemplate, at path: String, namespace: String, defaultRestartPolicy: RestartPolicy) throws {
        self.template = template
        requirements = try PodSchedulingRequirements(template: template, at: path, namespace: namespace)
        let usage = try template.annotation(UsageAnnotation.key).map {
            try UsageAnnotation($0, at: "\(path).metadata.annotations[\"\(UsageAnnotation.key)\"]")
        }
        for (index, container) in template.containers.enumerated() {
            for (list, name) in [(container.requests, "requests"), (container.limits, "limits")] {
                if let negative = list.entries.first(where: { $0.quantity.sign < 0 }) {
                    throw SimArenaError(
                        .data, "\(path).spec.containers[\(index)].resources.\(name).\(negative.name): \(negative.quantity) is negative")
                }
            }
        }
        containers = template.containers.map { ContainerModel($0, usage: usage?.usage(of: $0.name)) }
        limitTotals = Self.totals(of: containers.map(\.limitQuantities))
        oomKill = containers.compactMap { container in container.oomSample.map { (container, $0) } }.min { $0.1 < $1.1 }
        qos = QoSClass(containers: containers + template.initContainers.map { ContainerModel($0, usage: nil) })
        priorityClassName = try template.spec["priorityClassName"].flatMap {
            $0.isNull ? nil : try $0.requireString(at: "\(path).spec.priorityClassName")
        }
        priority = try template.spec["priority"].flatMap { value -> Int32? in
            guard !value.isNull else { return nil }
            let number = try value.requireInt64(at: "\(path).spec.priority")
            guard let fitting = Int32(exactly: number) else {
                throw SimArenaError(.data, "\(path).spec.priority: \(number) is not a 32-bit integer")
            }
            return fitting
        }
        preemptionPolicy = try template.spec["preemptionPolicy"].flatMap {
            $0.isNull ? nil : try PreemptionPolicy($0, at: "\(path).spec.preemptionPolicy")
        }
        if let policy = template.spec["restartPolicy"]?.stringValue {
            guard let known = RestartPolicy(rawValue: policy) else {
                throw SimArenaError(.data, "\(path).spec.restartPolicy: \"\(policy)\" is not Always, OnFailure or Never")
            }
            restartPolicy = known
        } else {
            restartPolicy = defaultRestartPolicy
        }
        createDelay = try Self.delay(template, "simkube.io/kwok-stage-create-delay", at: path)
        readyDelay = try Self.delay(template, "simkube.io/kwok-stage-ready-delay", at: path)
    }

    /// A KWOK delay annotation and its `-jitter` companion, as Go durations (`1s`, `500ms`, `2m`).
    private static func delay(_ template: PodTemplate, _ key: String, at path: String) throws -> (base: Int64, jitter: Int64)? {
        guard let text = template.annotation(key) else { return nil }
        let base = try GoDuration.milliseconds(text, at: "\(path).metadata.annotations[\"\(key)\"]")
        let jitter = try template.annotation(key + "-jitter").map {
            try GoDuration.milliseconds($0, at: "\(path).metadata.annotations[\"\(key)-jitter\"]")
        } ?? base
        return (base, max(base, jitter))
    }

    /// The total of the containers' cpu and of their memory limits, each only when every container
    /// has one, in the first container's notation. (A total beyond ``Quantity``'s range is left
    /// out; the pod's integer limits still give the saturated number.)
    private static func totals(of limits: [ResourceList]) -> ResourceList {
        ResourceList([ResourceNames.cpu, ResourceNames.memory].compactMap { name in
            guard var total = limits.first?[name] else { return nil }
            for list in limits.dropFirst() {
                guard let limit = list[name], let sum = try? total.adding(limit) else { return nil }
                total = sum
            }
            return (name, total)
        })
    }
}
