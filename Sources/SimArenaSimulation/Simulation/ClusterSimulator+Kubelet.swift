import SimArenaModel

/// The kubelet: starts containers, runs readiness, and makes them fail as real ones do.
extension ClusterSimulator {
    /// The containers start (after image pull, or after a restart's back-off).
    func startContainers(_ pod: Int) {
        guard let node = pods[pod].node else { return }
        let blueprint = blueprints[pods[pod].blueprint]
        let incarnation = pods[pod].incarnation
        let firstStart = pods[pod].startedAt == nil
        pods[pod].phase = .running
        if firstStart { pods[pod].startedAt = now }
        pods[pod].containerState = .running(since: now)
        if !pods[pod].consuming {
            pods[pod].consuming = true
            nodeUsage[node] += blueprint.usage
        }
        record(.normal, "Started", podObject(pod), .started(containers: blueprint.containers))
        // Memory reaches sample k of its series the ramp's time after sample k comes in force.
        let kill = blueprint.oomKill
        if let kill {
            queue.push(.oomKill(pod: pod, incarnation: incarnation),
                       at: now + cluster.timing.memoryRamp + Int64(kill.sample) * UsageSeries.interval)
        }
        let killedAtOnce = kill?.sample == 0
        if !killedAtOnce && blueprint.containers.contains(where: { $0.memoryLimit == nil }) {
            queue.push(.memoryPeak(pod: pod, incarnation: incarnation), at: now + cluster.timing.memoryRamp)
        }
        if !killedAtOnce {
            let delay = blueprint.readyDelay ?? (cluster.timing.readyDelay, cluster.timing.readyJitter)
            let base = draw(delay.base, delay.jitter)
            let ratio = blueprint.mostThrottled?.ratio ?? 1
            if ratio > cluster.timing.unreadyThrottleRatio {
                queue.push(.probeFailed(pod: pod, incarnation: incarnation), at: now + base)
            } else {
                // A throttled container starts slower, in proportion to how far over its limit it is.
                queue.push(.podReady(pod: pod, incarnation: incarnation), at: now + Int64((Double(base) * ratio).rounded()))
            }
        }
        if firstStart, let run = pods[pod].runDuration {
            queue.push(.complete(pod: pod, incarnation: incarnation), at: now + run)
        }
    }

    func markReady(_ pod: Int) {
        setReady(pod, true)
        pods[pod].readyAt = now
        pods[pod].reason = nil
        pods[pod].message = nil
        podChanged(pod)
    }

    /// The readiness probe of a heavily throttled container times out: Running, never Ready.
    func failReadiness(_ pod: Int) {
        guard let (container, ratio) = blueprints[pods[pod].blueprint].mostThrottled else { return }
        let usage = Quantity.millis(container.usage.cpuMillis)
        let limit = Quantity.millis(container.cpuLimit ?? 0)
        let average = container.cpuUsage.samples.count > 1 ? " on average" : ""
        let message = "Readiness probe failed: container \(container.name) needs \(usage) CPU\(average) but is throttled to its \(limit) limit (\(Self.ratioText(ratio))x)"
        pods[pod].reason = "ReadinessProbeFailed"
        pods[pod].message = message
        record(.warning, "Unhealthy", podObject(pod), .written(message))
    }

    /// Memory reaches its declared usage (booked at its peak): the node may now be short of memory.
    func memoryPeaked(_ pod: Int) {
        if let node = pods[pod].node { relieveMemoryPressure(on: node) }
    }

    /// Memory reaches the first sample above a container's limit: the container is OOM-killed.
    func oomKill(_ pod: Int) {
        let blueprint = blueprints[pods[pod].blueprint]
        guard let (container, sample) = blueprint.oomKill, let limit = container.memoryLimit else { return }
        pods[pod].incarnation += 1
        let killed = ContainerState.terminated(reason: "OOMKilled", exitCode: 137, at: now)
        pods[pod].containerState = killed
        pods[pod].lastTermination = killed
        setReady(pod, false)
        stopContainers(pod)
        record(.warning, "OOMKilling", podObject(pod), .oomKilled(container: container.name, usedBytes: container.memoryUsage[sample], limitBytes: limit))
        if blueprint.restartPolicy == .never {
            endLife(pod)
            pods[pod].phase = .failed
            pods[pod].reason = "OOMKilled"
            pods[pod].message = "Container \(container.name) was OOM-killed (exit code 137)"
            finish(pod)
            return
        }
        // The kubelet's restart back-off: 10 s, doubling, capped at 300 s.
        let backOff = pods[pod].backOff == 0 ? cluster.timing.backOffInitial : min(pods[pod].backOff * 2, cluster.timing.backOffMax)
        pods[pod].backOff = backOff
        pods[pod].containerState = .waiting(reason: "CrashLoopBackOff")
        pods[pod].reason = "CrashLoopBackOff"
        pods[pod].message = "back-off \(backOff / 1000)s restarting failed container=\(container.name) pod=\(pods[pod].name) (last exit: OOMKilled)"
        record(.warning, "BackOff", podObject(pod), .backOff(container: container.name, pod: pods[pod].name))
        queue.push(.restart(pod: pod, incarnation: pods[pod].incarnation), at: now + backOff)
    }

    /// The containers stop running: their usage leaves the node's books, and the end of their
    /// first run is noted.
    func stopContainers(_ pod: Int) {
        guard pods[pod].consuming, let node = pods[pod].node else { return }
        pods[pod].consuming = false
        nodeUsage[node] -= blueprints[pods[pod].blueprint].usage
        if pods[pod].firstRunEnd == nil { pods[pod].firstRunEnd = now }
    }

    func restartContainers(_ pod: Int) {
        pods[pod].restartCount += 1
        startContainers(pod)
    }

    /// The pod's containers exit successfully after the run time its lifecycle recorded.
    func completePod(_ pod: Int) {
        pods[pod].incarnation += 1
        pods[pod].containerState = .terminated(reason: "Completed", exitCode: 0, at: now)
        setReady(pod, false)
        endLife(pod)
        pods[pod].phase = .succeeded
        pods[pod].reason = "Completed"
        pods[pod].message = nil
        if workloads[pods[pod].workload].kind == .job { workloads[pods[pod].workload].succeeded += 1 }
        finish(pod)
    }

    /// A pod reached Succeeded or Failed: it leaves its node's books and its controller reacts.
    private func finish(_ pod: Int) {
        if pods[pod].phase == .failed && workloads[pods[pod].workload].kind == .job {
            workloads[pods[pod].workload].failed += 1
        }
        releaseNode(pod)
        podChanged(pod)
    }

    /// When the containers on a node use more memory than it has, the kubelet evicts pods until
    /// they fit, in its order for memory pressure: pods using more than they request first, the
    /// furthest over first (so BestEffort pods, which request nothing, go early).
    func relieveMemoryPressure(on node: Int) {
        let allocatable = nodes[node].allocatable.memoryBytes
        while nodeUsage[node].memoryBytes > allocatable {
            let candidates = podsOnNode[node].filter { pods[$0].consuming && !pods[$0].deleted }
            let ranked = candidates.map { pod -> (pod: Int, over: Int64) in
                let blueprint = blueprints[pods[pod].blueprint]
                let requested = blueprint.containers.reduce(Int64(0)) { $0 + $1.requests.memoryBytes }
                return (pod, blueprint.usage.memoryBytes - requested)
            }.sorted { ($0.over > 0 ? 0 : 1, -$0.over, $0.pod) < ($1.over > 0 ? 0 : 1, -$1.over, $1.pod) }
            guard let victim = ranked.first else { return }
            evict(victim.pod, over: victim.over)
        }
    }

    private func evict(_ pod: Int, over: Int64) {
        let blueprint = blueprints[pods[pod].blueprint]
        let used = Quantity.bytes(blueprint.usage.memoryBytes)
        let requested = Quantity.bytes(blueprint.usage.memoryBytes - over)
        let message = "The node was low on resource: memory. The pod was using \(used), request is \(requested)."
        pods[pod].incarnation += 1
        setReady(pod, false)
        endLife(pod)
        pods[pod].phase = .failed
        pods[pod].reason = "Evicted"
        pods[pod].message = message
        pods[pod].containerState = .terminated(reason: "Error", exitCode: 137, at: now)
        record(.warning, "Evicted", podObject(pod), .written(message))
        finish(pod)
    }

    static func ratioText(_ ratio: Double) -> String {
        String((ratio * 100).rounded() / 100)
    }
}
