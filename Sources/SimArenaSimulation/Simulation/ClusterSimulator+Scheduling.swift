import SimArenaModel

/// The scheduler's queue: new pods are tried at once; pods that fit nowhere wait until capacity
/// frees (a pod leaves a node), then are tried again in creation order, as kube-scheduler moves
/// unschedulable pods back to its active queue on such cluster events.
extension ClusterSimulator {
    func schedulePending() {
        if capacityFreed {
            capacityFreed = false
            activeQueue = (unschedulableQueue + activeQueue).sorted()
            unschedulableQueue = []
        }
        guard !activeQueue.isEmpty else { return }
        let batch = activeQueue
        activeQueue = []
        for pod in batch where !pods[pod].deleted && pods[pod].node == nil {
            let requirements = pods[pod].requirements
            // The score index knows resources and node filters only: not where other pods are.
            let placesMatter = requirements.hasPodAffinity || boundWithAntiAffinity > 0
            if !placesMatter {
                if scoreIndex?.requirements.fitsLike(requirements) != true {
                    scoreIndex = NodeScoreIndex(requirements, nodes: nodes)
                }
                if let node = scoreIndex?.best {
                    bind(pod, to: node, requirements)
                    continue
                }
            }
            let boundPods = placesMatter ? podsOnNode.map { $0.filter { !pods[$0].released }.map { pods[$0].requirements } } : []
            switch Scheduler.schedule(requirements, on: nodes, boundPods: boundPods) {
            case .scheduled(let node):
                bind(pod, to: node, requirements)
            case .unschedulable(let message):
                if pods[pod].message != message {
                    record(.warning, "FailedScheduling", podObject(pod), message)
                }
                pods[pod].reason = "Unschedulable"
                pods[pod].message = message
                unschedulableQueue.append(pod)
            }
        }
    }

    private func bind(_ pod: Int, to node: Int, _ requirements: PodSchedulingRequirements) {
        nodes[node].bind(requirements)
        if !requirements.antiAffinityTerms.isEmpty { boundWithAntiAffinity += 1 }
        scoreIndex?.update(node, in: nodes)
        pods[pod].node = node
        podsOnNode[node].append(pod)
        pods[pod].scheduledAt = now
        pods[pod].reason = nil
        pods[pod].message = nil
        record(.normal, "Scheduled", podObject(pod),
               "Successfully assigned \(pods[pod].namespace)/\(pods[pod].name) to \(nodes[node].name)")
        let blueprint = blueprints[pods[pod].blueprint]
        let delay = blueprint.createDelay ?? (cluster.timing.createDelay, cluster.timing.createJitter)
        queue.push(.containerStart(pod: pod, incarnation: pods[pod].incarnation), at: now + draw(delay.base, delay.jitter))
    }

    /// Takes the pod off its node's books (requests and usage); it keeps `node` for the record.
    func releaseNode(_ pod: Int) {
        guard let node = pods[pod].node, !pods[pod].released else { return }
        pods[pod].released = true
        let requirements = pods[pod].requirements
        nodes[node].unbind(requirements)
        if !requirements.antiAffinityTerms.isEmpty { boundWithAntiAffinity -= 1 }
        scoreIndex?.update(node, in: nodes)
        stopContainers(pod)
        capacityFreed = true
    }

    func podObject(_ pod: Int) -> String {
        "Pod/\(pods[pod].namespace)/\(pods[pod].name)"
    }
}
