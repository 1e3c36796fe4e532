import SimArenaModel

/// The scheduler's queue: new pods are tried at once, higher priority first, then in creation
/// order (kube-scheduler's PrioritySort); pods that fit nowhere wait until capacity frees (a pod
/// leaves a node), then are tried again, as kube-scheduler moves unschedulable pods back to its
/// active queue on such cluster events. A pod that fits nowhere may preempt pods of lower
/// priority (``DefaultPreemption``); its victims leave at once (graceful termination is not
/// modelled), so it is bound to the node it preempted on in the same instant, before any pod
/// after it in the queue could take the room (kube-scheduler holds it for the pod through its
/// `nominatedNodeName`).
extension ClusterSimulator {
    func schedulePending() {
        // A round after the first follows preemptions: the victims' replacements are new pods,
        // and each preemption evicts only pods of lower priority than a pod it binds, so the
        // rounds end within as many as there are priorities. The bound guards against a mistake.
        for _ in 0..<1_000 {
            if capacityFreed {
                capacityFreed = false
                activeQueue += unschedulableQueue
                unschedulableQueue = []
            }
            guard !activeQueue.isEmpty else { return }
            let batch = activeQueue.sorted { (-Int64(pods[$0].requirements.priority), $0) < (-Int64(pods[$1].requirements.priority), $1) }
            activeQueue = []
            for pod in batch where !pods[pod].deleted && pods[pod].node == nil {
                schedule(pod)
            }
        }
        assertionFailure("the scheduling queue did not settle in 1000 rounds")
    }

    private func schedule(_ pod: Int) {
        let requirements = pods[pod].requirements
        // The score index knows resources and node filters only: not where other pods are.
        let placesMatter = requirements.dependsOnOtherPods || boundWithAntiAffinity > 0
        if !placesMatter {
            if scoreIndex?.requirements.fitsLike(requirements) != true {
                scoreIndex = NodeScoreIndex(requirements, nodes: nodes)
            }
            if let node = scoreIndex?.best {
                bind(pod, to: node, requirements)
                return
            }
        }
        guard !nodes.isEmpty else {
            recordFailure(pod, message: Scheduler.noNodesAvailableMessage)
            return unschedulableQueue.append(pod)
        }
        let boundPods = placesMatter ? podsOnNode.map { $0.map { pods[$0].requirements } } : []
        switch Scheduler.filter(requirements, on: nodes, boundPods: boundPods) {
        case .feasible(let node):
            bind(pod, to: node, requirements)
        case .infeasible(let failures):
            if !boundPriorities.keys.contains(where: { $0 < requirements.priority }) {
                // Nothing to evict (the common case): the message depends on the failures and
                // the policy alone, and pods that wait alike share it.
                let key = UnschedulableKey(failures: failures, preemptionPolicy: requirements.preemptionPolicy)
                let message = memo.unschedulableMessage(for: key) {
                    Scheduler.fitErrorMessage(failures) + " " + DefaultPreemption.nothingToEvictMessage(requirements, failures: failures)
                }
                recordFailure(pod, message: message)
                return unschedulableQueue.append(pod)
            }
            let message = Scheduler.fitErrorMessage(failures)
            let onNodes = podsOnNode.map {
                $0.map { DefaultPreemption.BoundPod(requirements: pods[$0].requirements, startedAt: pods[$0].scheduledAt ?? 0) }
            }
            switch DefaultPreemption.preempt(requirements, on: nodes, boundPods: onNodes, failures: failures) {
            case .preempt(let node, let victims):
                // kube-scheduler reports the failed attempt (a successful preemption adds nothing
                // to the message), then binds the pod once its victims are gone.
                recordFailure(pod, message: message)
                evict(victims, from: node, for: pod)
                bind(pod, to: node, requirements)
            case .failed(let preemptionMessage):
                recordFailure(pod, message: message + " " + preemptionMessage)
                unschedulableQueue.append(pod)
            }
        }
    }

    /// What decides a FailedScheduling message when preemption has nothing to evict.
    struct UnschedulableKey: Hashable {
        var failures: [NodeFailure]
        var preemptionPolicy: PreemptionPolicy
    }

    /// Deletes the victims (indices into the pods bound to `node`), as kube-scheduler does after
    /// preemption: each gets a `Preempted` event; their controllers replace them, and a Job
    /// counts each as failed (it was deleted before it finished).
    private func evict(_ victims: [Int], from node: Int, for preemptor: Int) {
        for victim in victims.map({ podsOnNode[node][$0] }) {
            record(.normal, "Preempted", podObject(victim),
                   .preempted(byNamespace: pods[preemptor].namespace, pod: pods[preemptor].name, node: nodes[node].name))
            if workloads[pods[victim].workload].kind == .job { workloads[pods[victim].workload].failed += 1 }
            deletePod(victim, byController: false)
            podChanged(victim)
        }
    }

    /// Records why `pod` could not be scheduled (an event when the message is new).
    private func recordFailure(_ pod: Int, message: String) {
        if pods[pod].message != message {
            record(.warning, "FailedScheduling", podObject(pod), .written(message))
        }
        pods[pod].reason = "Unschedulable"
        pods[pod].message = message
    }

    private func bind(_ pod: Int, to node: Int, _ requirements: PodSchedulingRequirements) {
        nodes[node].bind(requirements)
        boundPriorities[requirements.priority, default: 0] += 1
        if !requirements.antiAffinityTerms.isEmpty { boundWithAntiAffinity += 1 }
        scoreIndex?.update(node, in: nodes)
        pods[pod].node = node
        podsOnNode[node].append(pod)
        pods[pod].scheduledAt = now
        pods[pod].reason = nil
        pods[pod].message = nil
        record(.normal, "Scheduled", podObject(pod), .assigned(namespace: pods[pod].namespace, pod: pods[pod].name, node: nodes[node].name))
        let blueprint = blueprints[pods[pod].blueprint]
        let delay = blueprint.createDelay ?? (cluster.timing.createDelay, cluster.timing.createJitter)
        queue.push(.containerStart(pod: pod, incarnation: pods[pod].incarnation), at: now + draw(delay.base, delay.jitter))
    }

    /// Takes the pod off its node's books (requests and usage); it keeps `node` for the record.
    func releaseNode(_ pod: Int) {
        guard let node = pods[pod].node, !pods[pod].released else { return }
        pods[pod].released = true
        podsOnNode[node].removeAll { $0 == pod }
        let requirements = pods[pod].requirements
        nodes[node].unbind(requirements)
        boundPriorities[requirements.priority, default: 0] -= 1
        if boundPriorities[requirements.priority] == 0 { boundPriorities[requirements.priority] = nil }
        if !requirements.antiAffinityTerms.isEmpty { boundWithAntiAffinity -= 1 }
        scoreIndex?.update(node, in: nodes)
        stopContainers(pod)
        capacityFreed = true
    }

    func podObject(_ pod: Int) -> Subject {
        Subject(kind: "Pod", namespace: pods[pod].namespace, name: pods[pod].name)
    }
}
