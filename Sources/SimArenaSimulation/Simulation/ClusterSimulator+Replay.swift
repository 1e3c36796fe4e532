import SimArenaModel

/// Applying and deleting the trace's objects.
extension ClusterSimulator {
    /// Applies and deletes the objects of `event`, the trace's event at `position`.
    func replay(_ event: TraceEvent, position index: Int) throws {
        // PriorityClasses first: controllers create an event's pods after the API server has
        // taken all of its objects.
        let applied = event.applied.enumerated().map { (position: $0.offset, object: $0.element) }
        let classesFirst = applied.filter { Self.isPriorityClass($0.object) } + applied.filter { !Self.isPriorityClass($0.object) }
        for (position, object) in classesFirst {
            try apply(object, event: index, position: position)
        }
        for (position, object) in event.deleted.enumerated() {
            let reference = try ObjectReference(object: object, at: "events[\(index)].deleted_objs[\(position)]")
            if Self.isPriorityClass(reference) {
                // Pods keep the priority they were created with.
                if !PriorityClass.system.contains(where: { $0.name == reference.name }) { priorityClasses[reference.name] = nil }
                continue
            }
            guard let kind = WorkloadKind(reference.gvk),
                  let workload = workloadIndex[Self.key(kind, reference.effectiveNamespace, reference.name)]
            else { continue }
            deleteWorkload(workload)
        }
    }

    static func key(_ kind: WorkloadKind, _ namespace: String, _ name: String) -> String {
        "\(kind.rawValue)/\(namespace)/\(name)"
    }

    /// A `scheduling.k8s.io` PriorityClass, which pods created from now on may name.
    static func isPriorityClass(_ reference: ObjectReference) -> Bool {
        reference.gvk.group == "scheduling.k8s.io" && reference.gvk.kind == "PriorityClass"
    }

    private static func isPriorityClass(_ object: KValue) -> Bool {
        object["kind"]?.stringValue == "PriorityClass" && object["apiVersion"]?.stringValue?.hasPrefix("scheduling.k8s.io/") == true
    }

    /// Registers a PriorityClass. Kubernetes' own system classes, which a trace may have
    /// recorded, always exist as they are; a class's value cannot change (the API server refuses
    /// the update), so a re-applied class keeps its first value. Workloads whose pods were refused
    /// for want of a class try again.
    private func register(_ object: KValue, _ reference: ObjectReference, at path: String) throws {
        guard !PriorityClass.system.contains(where: { $0.name == reference.name }) else { return }
        var priorityClass = try PriorityClass(object, at: path)
        if let existing = priorityClasses[priorityClass.name] { priorityClass.value = existing.value }
        priorityClasses[priorityClass.name] = priorityClass
        for index in workloads.indices where workloads[index].createFailure != nil { reconcile(index) }
    }

    /// Applies `events[event].applied_objs[position]`, `object`.
    private func apply(_ object: KValue, event: Int, position: Int) throws {
        func path() -> String { Trace.appliedObjectPath(event: event, object: position) }
        guard let workload = try trace.appliedWorkload(event: event, object: position) else {
            let reference = try ObjectReference(object: object, at: path())
            if Self.isPriorityClass(reference) { try register(object, reference, at: path()) }
            return  // ConfigMaps, Services and the like make no pods
        }
        let reference = workload.reference
        let templateBytes = MessagePackWriter.encode(object.value(at: workload.templatePointer) ?? .null)
        let hash = Self.fnv1a32(templateBytes)
        let defaultPolicy: PodBlueprint.RestartPolicy = workload.kind == .job || workload.kind == .cronJob ? .onFailure : .always
        let blueprint = { [memo] in
            try memo.blueprint(template: templateBytes, hash: hash, namespace: workload.namespace, defaultRestartPolicy: defaultPolicy) {
                try PodBlueprint(template: workload.template, at: path() + workload.templatePointer.tokens.map { ".\($0)" }.joined(),
                                 namespace: workload.namespace, defaultRestartPolicy: defaultPolicy)
            }
        }
        let replicas = try Self.desiredPods(workload, at: path())
        let key = Self.key(workload.kind, workload.namespace, workload.name)
        if let existing = workloadIndex[key], !workloads[existing].deleted {
            if workloads[existing].templateHash != hash {
                blueprints.append(try blueprint())
                workloads[existing].blueprint = blueprints.count - 1
                workloads[existing].templateHash = hash
            }
            workloads[existing].replicas = replicas
            workloads[existing].object = object
            try configure(existing, from: workload, at: path())
            reconcile(existing)
            return
        }
        blueprints.append(try blueprint())
        var runtime = WorkloadRuntime(kind: workload.kind, namespace: workload.namespace, name: workload.name,
                                      blueprint: blueprints.count - 1, templateHash: hash, replicas: replicas)
        runtime.object = object
        runtime.lifecycleDurations = lifecycles["\(reference.gvk)|\(workload.namespace)/\(workload.name)"] ?? []
        workloads.append(runtime)
        let index = workloads.count - 1
        workloadIndex[key] = index
        try configure(index, from: workload, at: path())
        if workload.kind == .cronJob { scheduleNextCronTick(index) }
        reconcile(index)
    }

    /// The most pods one workload may ask for; larger requests are refused, not simulated.
    static let maxReplicas: Int64 = 1_000_000

    /// Replicas, or a Job's parallelism; none for CronJobs (their Jobs have their own).
    private static func desiredPods(_ workload: Workload, at path: @autoclosure () -> String) throws -> Int {
        var desired: Int64 = 1
        if let replicas = workload.replicas {
            desired = replicas
        } else if workload.kind == .job, let parallelism = workload.object.value(at: JSONPointer(tokens: ["spec", "parallelism"])) {
            desired = try parallelism.requireInt64(at: "\(path()).spec.parallelism")
        }
        guard desired >= 0, desired <= maxReplicas else {
            throw SimArenaError(.data, "\(path()): \(desired) pods is outside the simulator's range 0...\(maxReplicas)")
        }
        return Int(desired)
    }

    /// Reads the kind-specific settings: Job completions and back-off limit, CronJob schedule,
    /// StatefulSet pod management.
    private func configure(_ index: Int, from workload: Workload, at path: @autoclosure () -> String) throws {
        let spec = workload.object["spec"] ?? .null
        switch workload.kind {
        case .job:
            try configureJob(index, spec: spec, at: "\(path()).spec")
        case .cronJob:
            let text = try spec["schedule"]?.requireString(at: "\(path()).spec.schedule") ?? ""
            do {
                workloads[index].schedule = try CronSchedule(parsing: text)
            } catch let error as SimArenaError {
                throw error.prefixed("\(path()).spec.schedule")
            }
            workloads[index].suspended = spec["suspend"]?.boolValue ?? false
            let policy = try spec["concurrencyPolicy"]?.requireString(at: "\(path()).spec.concurrencyPolicy") ?? "Allow"
            guard let concurrency = WorkloadRuntime.ConcurrencyPolicy(rawValue: policy) else {
                throw SimArenaError(.data, "\(path()).spec.concurrencyPolicy: \"\(policy)\" is not Allow, Forbid or Replace")
            }
            workloads[index].concurrencyPolicy = concurrency
        case .statefulSet:
            workloads[index].orderedReady = spec["podManagementPolicy"]?.stringValue != "Parallel"
        default:
            break
        }
    }

    func configureJob(_ index: Int, spec: KValue, at path: @autoclosure () -> String) throws {
        let parallelism = try spec["parallelism"]?.requireInt64(at: "\(path()).parallelism") ?? 1
        let completions = try spec["completions"].flatMap { $0.isNull ? nil : try $0.requireInt64(at: "\(path()).completions") }
        let backoffLimit = try spec["backoffLimit"]?.requireInt64(at: "\(path()).backoffLimit") ?? 6
        for (value, name) in [(parallelism, "parallelism"), (completions ?? 0, "completions"), (backoffLimit, "backoffLimit")]
        where value < 0 || value > Self.maxReplicas {
            throw SimArenaError(.data, "\(path()).\(name): \(value) is outside 0...\(Self.maxReplicas)")
        }
        workloads[index].replicas = Int(parallelism)
        // Kubernetes: both unset means one pod, one completion; only parallelism set is a work queue.
        let parallelismSet = spec["parallelism"].map { !$0.isNull } ?? false
        workloads[index].completions = completions.map { Int($0) } ?? (parallelismSet ? nil : 1)
        workloads[index].backoffLimit = Int(backoffLimit)
    }

    /// FNV-1a, 32 bits: the hash Kubernetes uses for `pod-template-hash`.
    static func fnv1a32(_ bytes: [UInt8]) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash
    }
}
