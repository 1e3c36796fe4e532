import SimArenaModel

/// The controllers: each keeps its workload's pods at what the spec asks for.
extension ClusterSimulator {
    /// The characters Kubernetes uses for generated name suffixes (no vowels, no look-alikes),
    /// as ASCII bytes.
    static let nameAlphabet = Array("bcdfghjklmnpqrstvwxz2456789".utf8)

    func reconcile(_ index: Int) {
        guard !workloads[index].deleted else { return }
        switch workloads[index].kind {
        case .deployment: reconcileDeployment(index)
        case .replicaSet: reconcileReplicaSet(index)
        case .statefulSet: reconcileStatefulSet(index)
        case .job: reconcileJob(index)
        case .daemonSet: reconcileDaemonSet(index)
        case .pod: if workloads[index].pods.isEmpty { createPod(for: index, name: workloads[index].name) }
        case .cronJob: break  // acts on its schedule
        }
    }

    /// A pod changed state in a way its controller cares about (ready, finished, failed).
    func podChanged(_ pod: Int) {
        var owner: Int? = pods[pod].workload
        while let index = owner {
            reconcile(index)
            owner = workloads[index].parent
        }
    }

    // MARK: Deployment and ReplicaSet

    /// Keeps one ReplicaSet per template; the newest gets the replicas, and older ones give up a
    /// pod for each pod of the newest that is Ready (a rolling update that never drops below the
    /// ready count it had).
    private func reconcileDeployment(_ index: Int) {
        let deployment = workloads[index]
        let current: Int
        if let existing = deployment.children.first(where: { workloads[$0].templateHash == deployment.templateHash }) {
            current = existing
        } else {
            let suffix = Self.safeEncode(String(deployment.templateHash))
            var replicaSet = WorkloadRuntime(
                kind: .replicaSet, namespace: deployment.namespace, name: "\(deployment.name)-\(suffix)",
                blueprint: deployment.blueprint, templateHash: deployment.templateHash, replicas: 0)
            replicaSet.parent = index
            workloads.append(replicaSet)
            current = workloads.count - 1
            workloads[index].children.append(current)
        }
        let ready = workloads[current].readyCount
        var oldAllowed = max(0, deployment.replicas - ready)
        for child in workloads[index].children.reversed() {
            let target = child == current ? deployment.replicas : min(oldAllowed, workloads[child].replicas)
            if child != current { oldAllowed -= target }
            if workloads[child].replicas != target {
                record(.normal, "ScalingReplicaSet", Subject(kind: "Deployment", namespace: deployment.namespace, name: deployment.name),
                       .scaledReplicaSet(up: target > workloads[child].replicas, replicaSet: workloads[child].name, replicas: target))
                workloads[child].replicas = target
            }
            reconcileReplicaSet(child)
        }
    }

    private func reconcileReplicaSet(_ index: Int) {
        let liveCount = workloads[index].liveCount
        let wanted = workloads[index].replicas
        if liveCount < wanted {
            for _ in liveCount..<wanted {
                guard createPod(for: index, name: generatedName(workloads[index].name)) != nil else { break }
            }
        } else if liveCount > wanted {
            let live = workloads[index].pods.filter { pods[$0].isLive }
            // Kubernetes deletes unscheduled pods first, then not-ready ones, then the newest.
            let victims = live.sorted { lhs, rhs in
                let left = (pods[lhs].node == nil ? 0 : 1, pods[lhs].ready ? 1 : 0, -lhs)
                let right = (pods[rhs].node == nil ? 0 : 1, pods[rhs].ready ? 1 : 0, -rhs)
                return left < right
            }
            for pod in victims.prefix(liveCount - wanted) { deletePod(pod) }
        }
    }

    // MARK: StatefulSet, DaemonSet, Job

    /// Pods `<name>-0` … `<name>-(n-1)`; with OrderedReady, each is created once the ones
    /// before it are Running and Ready; scaling down removes the highest ordinals.
    private func reconcileStatefulSet(_ index: Int) {
        let set = workloads[index]
        var byOrdinal: [Int: Int] = [:]
        for pod in set.pods where pods[pod].isLive {
            if let ordinal = Int(pods[pod].name.split(separator: "-").last ?? "") { byOrdinal[ordinal] = pod }
        }
        for (ordinal, pod) in byOrdinal.sorted(by: { $0.key > $1.key }) where ordinal >= set.replicas {
            deletePod(pod)
        }
        for ordinal in 0..<set.replicas {
            if let pod = byOrdinal[ordinal] {
                if set.orderedReady && !pods[pod].ready { return }
                continue
            }
            if createPod(for: index, name: "\(set.name)-\(ordinal)") == nil || set.orderedReady { return }
        }
    }

    /// One pod per node the pod template can run on, pinned to that node.
    private func reconcileDaemonSet(_ index: Int) {
        let set = workloads[index]
        let requirements = blueprints[set.blueprint].requirements
        var covered: Set<Int> = []
        for pod in set.pods where pods[pod].isLive {
            if let node = pods[pod].pinnedNode { covered.insert(node) }
        }
        for (node, candidate) in nodes.enumerated() where !covered.contains(node) {
            guard requirements.matchesNode(labels: candidate.labels, nodeName: candidate.name),
                  requirements.firstUntoleratedTaint(in: candidate.taints) == nil
            else { continue }
            if createPod(for: index, name: generatedName(set.name), pinnedTo: node) == nil { return }
        }
    }

    /// Keeps `parallelism` pods running until `completions` have succeeded, or the Job has
    /// failed more than `backoffLimit` times. Without `completions` (a work queue) it runs
    /// `parallelism` pods until one succeeds, starts no more, and is done when none is active.
    private func reconcileJob(_ index: Int) {
        let job = workloads[index]
        guard !job.finished else { return }
        let object = Subject(kind: "Job", namespace: job.namespace, name: job.name)
        let active = job.liveCount
        let complete = job.completions.map { job.succeeded >= $0 } ?? (job.succeeded > 0 && active == 0)
        if complete {
            workloads[index].finished = true
            record(.normal, "Completed", object, .written("Job completed"))
            return
        }
        if job.failed > job.backoffLimit {
            workloads[index].finished = true
            for pod in job.pods where pods[pod].isLive { deletePod(pod) }
            record(.warning, "BackoffLimitExceeded", object, .written("Job has reached the specified backoff limit"))
            return
        }
        let remaining = job.completions.map { $0 - job.succeeded } ?? (job.succeeded > 0 ? 0 : job.replicas)
        let wanted = min(job.replicas, remaining)
        if active < wanted {
            for _ in active..<wanted {
                guard createPod(for: index, name: generatedName(job.name)) != nil else { break }
            }
        }
    }

    // MARK: CronJob

    func scheduleNextCronTick(_ index: Int) {
        guard let schedule = workloads[index].schedule,
              let fire = schedule.nextFire(after: traceStart + now / 1000)
        else { return }
        let (seconds, late) = fire.subtractingReportingOverflow(traceStart)
        let (offset, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if !late && !overflow && offset <= options.duration { queue.push(.cronTick(workload: index), at: offset) }
    }

    /// Creates the Job for this scheduled time (named `<cronjob>-<minutes since the epoch>`, as the
    /// CronJob controller names them), then waits for the next time.
    func cronTick(_ index: Int) {
        let cron = workloads[index]
        guard !cron.deleted else { return }
        defer { scheduleNextCronTick(index) }
        let running = cron.children.filter { !workloads[$0].finished && !workloads[$0].deleted }
        if cron.suspended || (cron.concurrencyPolicy == .forbid && !running.isEmpty) { return }
        if cron.concurrencyPolicy == .replace { running.forEach(deleteWorkload) }
        let minutes = (traceStart + now / 1000) / 60
        var job = WorkloadRuntime(kind: .job, namespace: cron.namespace, name: "\(cron.name)-\(minutes)",
                                  blueprint: cron.blueprint, templateHash: cron.templateHash, replicas: 1)
        job.parent = index
        workloads.append(job)
        let jobIndex = workloads.count - 1
        workloads[index].children.append(jobIndex)
        let spec = cron.object.value(at: JSONPointer(tokens: ["spec", "jobTemplate", "spec"])) ?? .null
        try? configureJob(jobIndex, spec: spec, at: "CronJob \(cron.name).spec.jobTemplate.spec")
        record(.normal, "SuccessfulCreate", Subject(kind: "CronJob", namespace: cron.namespace, name: cron.name), .createdJob(job.name))
        reconcile(jobIndex)
    }

    // MARK: Deletion

    func deleteWorkload(_ index: Int) {
        guard !workloads[index].deleted else { return }
        workloads[index].deleted = true
        for child in workloads[index].children { deleteWorkload(child) }
        for pod in workloads[index].pods where !pods[pod].deleted { deletePod(pod) }
    }

    // MARK: Pods

    /// The workload whose pod lifecycles apply: a Deployment's for its ReplicaSets' pods, a
    /// CronJob's for its Jobs' pods.
    private func lifecycleOwner(_ index: Int) -> Int {
        var owner = index
        while let parent = workloads[owner].parent { owner = parent }
        return owner
    }

    /// Creates a pod of workload `index`, or records why the API server refuses it (its
    /// PriorityClass is unknown) and returns nil.
    @discardableResult
    func createPod(for index: Int, name: String, pinnedTo node: Int? = nil) -> Int? {
        let workload = workloads[index]
        let ownerKind = workload.kind == .pod ? "Pod" : workload.kind.rawValue
        var requirements = blueprints[workload.blueprint].requirements
        do throws(SimArenaError) {
            let blueprint = workload.blueprint
            (requirements.priority, requirements.preemptionPolicy) = try PriorityClass.resolve(
                blueprints[blueprint].priorityClassName, in: priorityClasses, podPriority: blueprints[blueprint].priority,
                podPolicy: blueprints[blueprint].preemptionPolicy)
        } catch {
            // As the controllers word the API server's refusal: generated names by their prefix.
            let message = switch workload.kind {
            case .statefulSet: "create Pod \(name) in StatefulSet \(workload.name) failed error: pods \"\(name)\" is forbidden: \(error.message)"
            case .pod: "pods \"\(name)\" is forbidden: \(error.message)"
            default: "Error creating: pods \"\(workload.name)-\" is forbidden: \(error.message)"
            }
            if workloads[index].createFailure != message {
                record(.warning, "FailedCreate", Subject(kind: ownerKind, namespace: workload.namespace, name: workload.name), .written(message))
                workloads[index].createFailure = message
            }
            return nil
        }
        workloads[index].createFailure = nil
        if let node {
            // The DaemonSet controller pins its pods with a required node-name affinity, replacing
            // each term's matchFields (Kubernetes' ReplaceDaemonSetPodNodeNameNodeAffinity).
            let pin = NodeSelectorRequirement(key: "metadata.name", op: .in, values: [nodes[node].name])
            var terms = requirements.requiredNodeAffinity ?? [NodeSelectorTerm()]
            for position in terms.indices { terms[position].matchFields = [pin] }
            requirements.requiredNodeAffinity = terms
        }
        let owner = lifecycleOwner(index)
        var runDuration: Int64?
        if workloads[owner].nextLifecycle < workloads[owner].lifecycleDurations.count {
            runDuration = workloads[owner].lifecycleDurations[workloads[owner].nextLifecycle]
            workloads[owner].nextLifecycle += 1
        }
        pods.append(SimPod(name: name, namespace: workload.namespace, ownerKind: ownerKind, ownerName: workload.name,
                           workload: index, blueprint: workload.blueprint, requirements: requirements, pinnedNode: node,
                           createdAt: now, runDuration: runDuration))
        let pod = pods.count - 1
        workloads[index].pods.append(pod)
        workloads[index].liveCount += 1
        if workload.kind != .pod {
            record(.normal, "SuccessfulCreate", Subject(kind: ownerKind, namespace: workload.namespace, name: workload.name), .createdPod(name))
        }
        activeQueue.append(pod)
        return pod
    }

    /// Deletes a pod: by its controller (which records `SuccessfulDelete`), or by another party
    /// such as the scheduler's preemption.
    func deletePod(_ pod: Int, byController: Bool = true) {
        releaseNode(pod)
        endLife(pod)
        pods[pod].deleted = true
        pods[pod].incarnation += 1
        let owner = workloads[pods[pod].workload]
        if byController && owner.kind != .pod {
            record(.normal, "SuccessfulDelete", Subject(kind: pods[pod].ownerKind, namespace: owner.namespace, name: owner.name),
                   .deletedPod(pods[pod].name))
        }
    }

    /// Sets a pod's readiness, keeping its controller's count of Ready live pods.
    func setReady(_ pod: Int, _ ready: Bool) {
        if pods[pod].isLive && pods[pod].ready != ready { workloads[pods[pod].workload].readyCount += ready ? 1 : -1 }
        pods[pod].ready = ready
    }

    /// Call just before a pod stops being live (deleted, Succeeded or Failed): takes it off its
    /// controller's live (and Ready) counts.
    func endLife(_ pod: Int) {
        guard pods[pod].isLive else { return }
        workloads[pods[pod].workload].liveCount -= 1
        if pods[pod].ready { workloads[pods[pod].workload].readyCount -= 1 }
    }

    /// `base-xxxxx` with five seeded characters from Kubernetes' alphabet.
    func generatedName(_ base: String) -> String {
        var name = Array(base.utf8)
        name.append(UInt8(ascii: "-"))
        for _ in 0..<5 { name.append(Self.nameAlphabet[Int(random.next(below: UInt64(Self.nameAlphabet.count)))]) }
        return String(decoding: name, as: UTF8.self)
    }

    /// Kubernetes' `SafeEncodeString`: each byte mapped into the name alphabet.
    static func safeEncode(_ text: String) -> String {
        String(decoding: text.utf8.map { nameAlphabet[Int($0) % nameAlphabet.count] }, as: UTF8.self)
    }
}
