import SimArenaModel

/// The result as a document (JSON or MessagePack), in the `simarena.simulation/v1` format.
extension SimulationResult {
    public var value: KValue {
        var root = KMap()
        root["format"] = .string(Self.format)
        root["durationSeconds"] = Self.seconds(duration)
        root["seed"] = .integer(seed)
        root["pods"] = .array(pods.map(Self.podValue))
        root["nodes"] = .array(nodes.map(Self.nodeValue))
        root["workloads"] = .array(workloads.map(Self.workloadValue))
        root["events"] = .array(events.map(Self.eventValue))
        return .map(root)
    }

    /// The same bytes as `MessagePackWriter.encode(value)`, without building `value` whole: each
    /// pod, node, workload and event is packed as soon as it is built.
    public var messagePack: [UInt8] {
        let stream = MessagePackWriter.Stream()
        stream.mapHeader(7)
        stream.pack("format")
        stream.pack(.string(Self.format))
        stream.pack("durationSeconds")
        stream.pack(Self.seconds(duration))
        stream.pack("seed")
        stream.pack(.integer(seed))
        stream.pack("pods")
        stream.arrayHeader(pods.count)
        for pod in pods { stream.pack(Self.podValue(pod)) }
        stream.pack("nodes")
        stream.arrayHeader(nodes.count)
        for node in nodes { stream.pack(Self.nodeValue(node)) }
        stream.pack("workloads")
        stream.arrayHeader(workloads.count)
        for workload in workloads { stream.pack(Self.workloadValue(workload)) }
        stream.pack("events")
        stream.arrayHeader(events.count)
        for event in events { stream.pack(Self.eventValue(event)) }
        return stream.bytes
    }

    private static func nodeValue(_ node: Node) -> KValue {
        [
            "name": .string(node.name),
            "allocatable": Self.amounts(node.allocatable, pods: node.allocatablePods, named: node.allocatableNamed),
            "requested": Self.amounts(node.requested, named: node.requestedNamed),
            "used": Self.amounts(node.used),
            "pods": .int(Int64(node.pods)),
        ]
    }

    private static func workloadValue(_ workload: Workload) -> KValue {
        [
            "kind": .string(workload.kind), "namespace": .string(workload.namespace), "name": .string(workload.name),
            "parent": workload.parent.map(KValue.string) ?? .null, "replicas": .int(Int64(workload.replicas)),
            "pods": .int(Int64(workload.pods)), "ready": .int(Int64(workload.ready)),
            "pending": .int(Int64(workload.pending)), "deleted": .bool(workload.deleted),
        ]
    }

    private static func eventValue(_ event: SimulationEvent) -> KValue {
        [
            "time": Self.seconds(event.time), "type": .string(event.type.rawValue), "reason": .string(event.reason),
            "object": .string(event.object), "message": .string(event.message),
        ]
    }

    private static func podValue(_ pod: Pod) -> KValue {
        [
            "name": .string(pod.name), "namespace": .string(pod.namespace),
            "owner": ["kind": .string(pod.ownerKind), "name": .string(pod.ownerName)],
            "workload": ["kind": .string(pod.workloadKind), "name": .string(pod.workloadName)],
            "node": pod.node.map(KValue.string) ?? .null, "phase": .string(pod.phase.rawValue), "ready": .bool(pod.ready),
            "reason": pod.reason.map(KValue.string) ?? .null, "message": pod.message.map(KValue.string) ?? .null,
            "restartCount": .int(Int64(pod.restartCount)), "oomKilled": .bool(pod.oomKilled), "qosClass": .string(pod.qosClass.rawValue),
            "requests": quantities(pod.requestQuantities), "limits": quantities(pod.limitQuantities), "usage": amounts(pod.usage),
            "createdAt": seconds(pod.createdAt), "scheduledAt": pod.scheduledAt.map(seconds) ?? .null,
            "startedAt": pod.startedAt.map(seconds) ?? .null, "readyAt": pod.readyAt.map(seconds) ?? .null,
            "conditions": .array(conditions(pod)), "containers": .array(pod.containers.map(containerValue)),
        ]
    }

    private static func containerValue(_ container: Container) -> KValue {
        var map: KValue = [
            "name": .string(container.name), "ready": .bool(container.ready),
            "restartCount": .int(Int64(container.restartCount)), "state": state(container.state),
            "lastState": container.lastState.map(state) ?? [:],
            "requests": requestQuantities(container.requestQuantities),
            "limits": quantities(container.limitQuantities),
            "usage": amounts(container.usage),
        ]
        if let samples = container.usageSamples { map["usageSamples"] = samples.value }
        return map
    }

    /// The four pod conditions, as the kubelet and scheduler set them.
    private static func conditions(_ pod: Pod) -> [KValue] {
        func condition(_ type: String, _ status: Bool, reason: String? = nil, message: String? = nil) -> KValue {
            var map: KMap = KMap([KMap.Entry(key: "type", value: .string(type)),
                                  KMap.Entry(key: "status", value: .string(status ? "True" : "False"))])
            if let reason { map["reason"] = .string(reason) }
            if let message { map["message"] = .string(message) }
            return .map(map)
        }
        let scheduled = pod.node != nil
        let notReadyReason: String? = pod.ready ? nil : (pod.phase == .succeeded ? "PodCompleted" : "ContainersNotReady")
        let unready = pod.ready ? nil : "containers with unready status: [\(pod.containers.map(\.name).joined(separator: " "))]"
        return [
            condition("PodScheduled", scheduled, reason: scheduled ? nil : "Unschedulable", message: scheduled ? nil : pod.message),
            condition("Initialized", pod.startedAt != nil),
            condition("ContainersReady", pod.ready, reason: scheduled ? notReadyReason : nil, message: scheduled ? unready : nil),
            condition("Ready", pod.ready, reason: scheduled ? notReadyReason : nil, message: scheduled ? unready : nil),
        ]
    }

    private static func state(_ state: ContainerState) -> KValue {
        switch state {
        case .waiting(let reason): return ["waiting": ["reason": .string(reason)]]
        case .running(let since): return ["running": ["startedAt": seconds(since)]]
        case .terminated(let reason, let exitCode, let at):
            return ["terminated": ["reason": .string(reason), "exitCode": .int(Int64(exitCode)), "finishedAt": seconds(at)]]
        }
    }

    /// `{"cpu": "1500m", "memory": "512Mi"}` (and `pods` when given), canonical quantities.
    public static func amounts(_ amounts: ResourceAmounts, pods: Int? = nil, named: NamedResourceAmounts = NamedResourceAmounts())
        -> KValue
    {
        var map: KValue = ["cpu": .string(Quantity.millis(amounts.cpuMillis).description),
                           "memory": .string(Quantity.bytes(amounts.memoryBytes).description)]
        if let pods { map["pods"] = .string(String(pods)) }
        for entry in named.entries { map[entry.name] = .string(Quantity.bytes(entry.amount).description) }
        return map
    }

    /// cpu and memory, as Kubernetes prints them (canonical, in the notation they were written in),
    /// each only when present.
    public static func quantities(_ list: ResourceList) -> KValue {
        var map = KMap()
        for name in [ResourceNames.cpu, ResourceNames.memory] {
            if let quantity = list[name] { map[name] = .string(quantity.canonical) }
        }
        return .map(map)
    }

    /// A container's requests: cpu and memory always, `0` for what it does not request.
    private static func requestQuantities(_ list: ResourceList) -> KValue {
        quantities(ResourceList([ResourceNames.cpu, ResourceNames.memory].map { ($0, list[$0] ?? .millis(0)) }))
    }

    /// Simulated milliseconds as seconds.
    public static func seconds(_ milliseconds: Int64) -> KValue {
        milliseconds % 1000 == 0 ? .int(milliseconds / 1000) : .double(Double(milliseconds) / 1000)
    }
}
