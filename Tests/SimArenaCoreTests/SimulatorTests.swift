import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

/// The simulator's rules, each pinned by a small trace whose outcome is derived by hand. The test
/// cluster uses fixed delays (no jitter): containers start 1 s after binding, pods are Ready 2 s
/// after their containers start, memory peaks 3 s after start.
final class SimulatorTests: XCTestCase {
    static var timing: LifecycleTiming {
        var timing = LifecycleTiming()
        timing.createDelay = 1000
        timing.createJitter = 1000
        timing.readyDelay = 2000
        timing.readyJitter = 2000
        timing.memoryRamp = 3000
        return timing
    }

    static func cluster(nodes: Int, cpu: Int64 = 16_000, memory: Int64 = 32 << 30, taints: [Taint] = []) -> ClusterSpec {
        ClusterSpec(nodePools: [ClusterSpec.NodePool(
            name: "node", count: nodes, allocatable: ResourceAmounts(cpuMillis: cpu, memoryBytes: memory), taints: taints)],
            timing: timing)
    }

    static func deployment(_ name: String, replicas: Int64, requests: KValue? = nil, limits: KValue? = nil,
                           usage: String? = nil, kind: String = "Deployment") -> KValue {
        var resources = KMap()
        if let requests { resources["requests"] = requests }
        if let limits { resources["limits"] = limits }
        var metadata: KValue = ["labels": ["app": .string(name)]]
        if let usage { metadata["annotations"] = [UsageAnnotation.key: .string(usage)] }
        var spec: KValue = [
            "replicas": .int(replicas),
            "selector": ["matchLabels": ["app": .string(name)]],
            "template": ["metadata": metadata,
                         "spec": ["containers": [["name": "app", "image": "nginx", "resources": .map(resources)]]]],
        ]
        if kind == "DaemonSet" { spec["replicas"] = nil }
        return ["apiVersion": "apps/v1", "kind": .string(kind), "metadata": ["name": .string(name), "namespace": "default"],
                "spec": spec]
    }

    static func trace(_ events: [(Int64, [KValue], [KValue])]) throws -> Trace {
        try Trace(document: ["version": 2, "events": .array(events.map { event in
            ["ts": .int(1_700_000_000 + event.0), "applied_objs": .array(event.1), "deleted_objs": .array(event.2)]
        })])
    }

    static func simulate(_ trace: Trace, _ cluster: ClusterSpec, seconds: Int64 = 90, seed: UInt64 = 1) throws -> SimulationResult {
        try ClusterSimulator(trace: trace, cluster: cluster, options: SimulationOptions(duration: seconds * 1000, seed: seed)).run()
    }

    /// A backend keeps pod blueprints across its simulations: with one cache shared by traces
    /// whose templates differ, and again after it has filled and started over, every result is
    /// the one a fresh simulation gives.
    func testSharedBlueprintsGiveTheSameResultsAsFreshOnes() throws {
        let cluster = Self.cluster(nodes: 3, cpu: 4000, memory: 8 << 30)
        let memo = SimulationMemo()
        let cpus = ["500m", "1", "500m", "1500m", "1"] + (0..<SimulationMemo.capacity).map { "\(100 + $0)m" } + ["1"]
        for (index, cpu) in cpus.enumerated() {
            let trace = try Self.trace([(0, [Self.deployment("web", replicas: 2, requests: ["cpu": .string(cpu), "memory": "1Gi"]),
                                             Self.deployment("api", replicas: 1, requests: ["cpu": "250m", "memory": "1Gi"])], [])])
            let options = SimulationOptions(duration: 90_000, seed: UInt64(index))
            let shared = try ClusterSimulator(trace: trace, cluster: cluster, options: options, memo: memo).run()
            let fresh = try ClusterSimulator(trace: trace, cluster: cluster, options: options).run()
            XCTAssertEqual(shared.messagePack, fresh.messagePack, "\(index): cpu \(cpu)")
        }
    }

    /// FailedScheduling messages kept across simulations (also the first) are the ones a fresh
    /// simulation builds: for failures that differ in reason, in count and in node count, and
    /// again after the store has filled and started over.
    func testSharedMessagesGiveTheSameResultsAsFreshOnes() throws {
        let memo = SimulationMemo()
        let requests: [(cpu: String, memory: String)] = [("5", "1Gi"), ("1", "16Gi"), ("5", "16Gi"), ("5", "1Gi"), ("1", "1Gi")]
        let fillers = (0..<SimulationMemo.capacity).map { (cpu: "\(5 + $0)", memory: "\(9 + $0 % 7)Gi") }
        var messages = Set<String>()
        for (index, request) in (requests + fillers + requests).enumerated() {
            let cluster = Self.cluster(nodes: 2 + index % 2, cpu: 4000, memory: 8 << 30)
            let trace = try Self.trace([(0, [Self.deployment("web", replicas: 2, requests: ["cpu": .string(request.cpu), "memory": .string(request.memory)])], [])])
            let options = SimulationOptions(duration: 30_000, seed: UInt64(index))
            let shared = try ClusterSimulator(trace: trace, cluster: cluster, options: options, memo: memo).run()
            let fresh = try ClusterSimulator(trace: trace, cluster: cluster, options: options).run()
            XCTAssertTrue(shared.messagePack == fresh.messagePack, "\(index): \(request)")
            messages.formUnion(shared.pods.compactMap(\.message))
        }
        XCTAssertGreaterThanOrEqual(messages.count, 6, "the failures differ: \(messages.sorted())")
    }

    /// A cluster's nodes and priority classes are kept for the next simulation on the same spec:
    /// simulations sharing a memo on specs that differ in node count, node labels and priority
    /// classes, one after another and back, give what fresh simulations give.
    func testSharedClustersGiveTheSameResultsAsFreshOnes() throws {
        let plain = Self.cluster(nodes: 3, cpu: 4000, memory: 8 << 30)
        var fewer = plain
        fewer.nodePools[0].count = 1
        var labelled = plain
        labelled.nodePools[0].labels["zone"] = "a"
        var ranked = plain
        ranked.priorityClasses = [PriorityClass(name: "high", value: 1000)]
        var web = Self.deployment("web", replicas: 3, requests: ["cpu": "2", "memory": "1Gi"])
        web.modify(at: JSONPointer(tokens: ["spec", "template", "spec"])) {
            $0["priorityClassName"] = "high"
            $0["nodeSelector"] = ["zone": "a"]
        }
        let trace = try Self.trace([(0, [web], [])])
        let memo = SimulationMemo()
        for (index, cluster) in [plain, plain, fewer, labelled, ranked, plain, ranked].enumerated() {
            let options = SimulationOptions(duration: 30_000, seed: 1)
            let shared = try ClusterSimulator(trace: trace, cluster: cluster, options: options, memo: memo).run()
            let fresh = try ClusterSimulator(trace: trace, cluster: cluster, options: options).run()
            XCTAssertTrue(shared.messagePack == fresh.messagePack, "simulation \(index)")
        }
    }

    // MARK: Scheduling

    func testLeastAllocatedSpreadsPodsAcrossNodes() throws {
        let trace = try Self.trace([(0, [Self.deployment("web", replicas: 3, requests: ["cpu": "1", "memory": "1Gi"])], [])])
        let result = try Self.simulate(trace, Self.cluster(nodes: 3, cpu: 4000, memory: 8 << 30))
        XCTAssertEqual(result.pods.compactMap(\.node), ["node-0", "node-1", "node-2"])
        XCTAssertTrue(result.pods.allSatisfy { $0.ready && $0.phase == .running })
        XCTAssertEqual(result.nodes.map(\.requested.cpuMillis), [1000, 1000, 1000])
        XCTAssertEqual(result.pods.first?.readyAt, 3000, "bound at 0, started at 1 s, Ready 2 s later")
    }

    /// DefaultPreemption's part of the message when no node could be helped by evicting pods.
    static func notHelpful(_ nodes: Int) -> String {
        "preemption: 0/\(nodes) nodes are available: \(nodes) Preemption is not helpful for scheduling."
    }

    func testTooLargeRequestsStayPendingWithTheSchedulersMessage() throws {
        let trace = try Self.trace([(0, [Self.deployment("web", replicas: 3, requests: ["cpu": "17", "memory": "2Gi"])], [])])
        let result = try Self.simulate(trace, Self.cluster(nodes: 4))
        XCTAssertEqual(result.pods.count, 3)
        for pod in result.pods {
            XCTAssertEqual(pod.phase, .pending)
            XCTAssertNil(pod.node)
            XCTAssertEqual(pod.reason, "Unschedulable")
            // kube-scheduler's PostFilter adds its part; a request above a node's allocatable is
            // one preemption cannot help (kube-scheduler 1.34 and later).
            XCTAssertEqual(pod.message, "0/4 nodes are available: 4 Insufficient cpu. \(Self.notHelpful(4))")
        }
        let condition = try XCTUnwrap(result.value["pods"]?[0]?["conditions"]?[0])
        XCTAssertEqual(condition, ["type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                   "message": .string("0/4 nodes are available: 4 Insufficient cpu. \(Self.notHelpful(4))")])
        XCTAssertEqual(result.events.filter { $0.reason == "FailedScheduling" }.count, 3)
    }

    func testPendingPodsAreRetriedWhenCapacityFrees() throws {
        let first = Self.deployment("first", replicas: 2, requests: ["cpu": "1"])
        let second = Self.deployment("second", replicas: 1, requests: ["cpu": "1"])
        let trace = try Self.trace([(0, [first, second], []), (10, [], [first])])
        let result = try Self.simulate(trace, Self.cluster(nodes: 1, cpu: 2000))
        let pod = try XCTUnwrap(result.pods.first { $0.workloadName == "second" })
        XCTAssertEqual(pod.scheduledAt, 10_000, "fits only once `first` is deleted at 10 s")
        XCTAssertTrue(pod.ready)
        XCTAssertFalse(result.pods.contains { $0.workloadName == "first" }, "deleted pods are gone")
    }

    func testDaemonSetsRunOnePodPerEligibleNode() throws {
        let tainted = ClusterSpec.NodePool(name: "gpu", count: 1, allocatable: ResourceAmounts(cpuMillis: 8000, memoryBytes: 8 << 30),
                                           taints: [Taint(key: "gpu", value: "true", effect: .noSchedule)])
        var cluster = Self.cluster(nodes: 2)
        cluster.nodePools.append(tainted)
        let trace = try Self.trace([(0, [Self.deployment("agent", replicas: 1, requests: ["cpu": "100m"], kind: "DaemonSet")], [])])
        let result = try Self.simulate(trace, cluster)
        XCTAssertEqual(result.pods.compactMap(\.node).sorted(), ["node-0", "node-1"])
    }

    // MARK: Failures inside pods

    func testOOMKilledContainersCrashLoopWithTheKubeletsBackOff() throws {
        let web = Self.deployment("web", replicas: 1, requests: ["cpu": "500m", "memory": "256Mi"], limits: ["memory": "256Mi"],
                                  usage: #"{"app": {"memory": "400Mi"}}"#)
        let result = try Self.simulate(try Self.trace([(0, [web], [])]), Self.cluster(nodes: 1))
        let pod = try XCTUnwrap(result.pods.first)
        // Start 1 s, OOM 4 s, restarts at 14, 37 and 80 s (back-off 10, 20, 40), OOM again at 83 s,
        // next restart only at 163 s: three restarts by 90 s.
        XCTAssertEqual(pod.restartCount, 3)
        XCTAssertEqual(pod.phase, .running)
        XCTAssertFalse(pod.ready)
        XCTAssertEqual(pod.reason, "CrashLoopBackOff")
        XCTAssertTrue(pod.oomKilled)
        XCTAssertEqual(pod.containers.first?.lastState, .terminated(reason: "OOMKilled", exitCode: 137, at: 83_000))
        XCTAssertEqual(pod.containers.first?.state, .waiting(reason: "CrashLoopBackOff"))
        XCTAssertEqual(result.events.filter { $0.reason == "OOMKilling" }.map(\.time), [4000, 17_000, 40_000, 83_000])
        XCTAssertEqual(pod.message, "back-off 80s restarting failed container=app pod=\(pod.name) (last exit: OOMKilled)")
    }

    func testBackOffIsCappedAtFiveMinutes() throws {
        let web = Self.deployment("web", replicas: 1, requests: ["memory": "64Mi"], limits: ["memory": "64Mi"],
                                  usage: #"{"*": {"memory": "1Gi"}}"#)
        let result = try Self.simulate(try Self.trace([(0, [web], [])]), Self.cluster(nodes: 1), seconds: 3600)
        let kills = result.events.filter { $0.reason == "OOMKilling" }.map(\.time)
        let gaps = zip(kills, kills.dropFirst()).map { ($1 - $0) / 1000 }
        // Each gap is the back-off plus the 3 s memory ramp: 13, 23, 43, 83, 163, then 303 for good.
        XCTAssertEqual(Array(gaps.prefix(7)), [13, 23, 43, 83, 163, 303, 303])
    }

    func testCPUThrottlingSlowsStartupOrFailsReadiness() throws {
        let slow = Self.deployment("slow", replicas: 1, requests: ["cpu": "500m"], limits: ["cpu": "500m"],
                                   usage: #"{"app": {"cpu": "750m"}}"#)
        let starved = Self.deployment("starved", replicas: 1, requests: ["cpu": "500m"], limits: ["cpu": "500m"],
                                      usage: #"{"app": {"cpu": "1500m"}}"#)
        let result = try Self.simulate(try Self.trace([(0, [slow, starved], [])]), Self.cluster(nodes: 1))
        let slowPod = try XCTUnwrap(result.pods.first { $0.workloadName == "slow" })
        XCTAssertEqual(slowPod.readyAt, 4000, "started at 1 s; 2 s readiness delay × 1.5 throttling")
        let starvedPod = try XCTUnwrap(result.pods.first { $0.workloadName == "starved" })
        XCTAssertEqual(starvedPod.phase, .running)
        XCTAssertFalse(starvedPod.ready)
        XCTAssertEqual(starvedPod.reason, "ReadinessProbeFailed")
        XCTAssertEqual(starvedPod.usage.cpuMillis, 500, "CPU use is capped at the limit")
    }

    func testMemoryPressureEvictsThePodFurthestOverItsRequest() throws {
        let greedy = Self.deployment("greedy", replicas: 1, usage: #"{"app": {"memory": "3Gi"}}"#)  // BestEffort, 3Gi over
        let steady = Self.deployment("steady", replicas: 1, requests: ["memory": "1Gi"], usage: #"{"app": {"memory": "2Gi"}}"#)
        let result = try Self.simulate(try Self.trace([(0, [greedy, steady], [])]), Self.cluster(nodes: 1, memory: 4 << 30), seconds: 5)
        let evicted = result.events.filter { $0.reason == "Evicted" }
        XCTAssertEqual(evicted.count, 1)
        XCTAssertEqual(evicted.first?.time, 4000, "memory peaks 3 s after the 1 s start")
        let victim = try XCTUnwrap(result.pods.first { $0.reason == "Evicted" })
        XCTAssertEqual(victim.workloadName, "greedy")
        XCTAssertEqual(victim.phase, .failed)
        XCTAssertEqual(victim.qosClass, .bestEffort)
        XCTAssertTrue(result.pods.contains { $0.workloadName == "greedy" && $0.phase != .failed }, "the controller replaces it")
        XCTAssertTrue(result.pods.first { $0.workloadName == "steady" }?.ready == true)
    }

    func testQualityOfServiceClasses() throws {
        let guaranteed = Self.deployment("g", replicas: 1, requests: ["cpu": "1", "memory": "1Gi"], limits: ["cpu": "1", "memory": "1Gi"])
        let limitsOnly = Self.deployment("l", replicas: 1, limits: ["cpu": "1", "memory": "1Gi"])
        let burstable = Self.deployment("b", replicas: 1, requests: ["cpu": "1"])
        let bestEffort = Self.deployment("e", replicas: 1)
        let result = try Self.simulate(try Self.trace([(0, [guaranteed, limitsOnly, burstable, bestEffort], [])]), Self.cluster(nodes: 1))
        XCTAssertEqual(result.pods.map(\.qosClass), [.guaranteed, .guaranteed, .burstable, .bestEffort])
        XCTAssertEqual(result.pods[1].requests.cpuMillis, 1000, "a missing request takes its limit")
    }

    func testWasteIsVisibleAsRequestsVersusUsage() throws {
        let idle = Self.deployment("idle", replicas: 1, requests: ["cpu": "4", "memory": "8Gi"],
                                   usage: #"{"app": {"cpu": "100m", "memory": "200Mi"}}"#)
        let result = try Self.simulate(try Self.trace([(0, [idle], [])]), Self.cluster(nodes: 1))
        let pod = try XCTUnwrap(result.pods.first)
        XCTAssertTrue(pod.ready)
        XCTAssertEqual(pod.requests, ResourceAmounts(cpuMillis: 4000, memoryBytes: 8 << 30))
        XCTAssertEqual(pod.usage, ResourceAmounts(cpuMillis: 100, memoryBytes: 200 << 20))
        XCTAssertEqual(result.nodes.first?.used, pod.usage)
    }

    // MARK: Controllers

    func testStatefulSetsCreateOrderedPodsOneAtATime() throws {
        let set = Self.deployment("db", replicas: 3, requests: ["cpu": "1"], kind: "StatefulSet")
        let result = try Self.simulate(try Self.trace([(0, [set], [])]), Self.cluster(nodes: 1))
        XCTAssertEqual(result.pods.map(\.name), ["db-0", "db-1", "db-2"])
        XCTAssertEqual(result.pods.map(\.createdAt), [0, 3000, 6000], "each after the previous is Ready (3 s)")
    }

    func testTemplateChangesRollPodsOver() throws {
        let v1 = Self.deployment("web", replicas: 2, requests: ["cpu": "1"])
        let v2 = Self.deployment("web", replicas: 2, requests: ["cpu": "2"])
        let result = try Self.simulate(try Self.trace([(0, [v1], []), (30, [v2], [])]), Self.cluster(nodes: 2))
        XCTAssertEqual(result.pods.count, 2)
        XCTAssertTrue(result.pods.allSatisfy { $0.requests.cpuMillis == 2000 && $0.ready })
        XCTAssertEqual(Set(result.pods.map(\.ownerName)).count, 1)
        let replicaSets = result.workloads.filter { $0.kind == "ReplicaSet" }
        XCTAssertEqual(replicaSets.map(\.replicas), [0, 2])
        XCTAssertTrue(result.events.contains { $0.reason == "ScalingReplicaSet" && $0.message.hasSuffix("to 0") })
    }

    /// Each event names its object `Kind/namespace/name` and reads as the Kubernetes component
    /// that records it words it: the Deployment and ReplicaSet controllers, the scheduler and the
    /// kubelet, through a rollout from one template to another.
    func testEventsReadAsKubernetesWordsThem() throws {
        let v1 = Self.deployment("web", replicas: 1, requests: ["cpu": "1"])
        let v2 = Self.deployment("web", replicas: 1, requests: ["cpu": "2"])
        let result = try Self.simulate(try Self.trace([(0, [v1], []), (30, [v2], [])]), Self.cluster(nodes: 1))
        let sets = result.workloads.filter { $0.kind == "ReplicaSet" }.map(\.name)
        let pod = try XCTUnwrap(result.pods.first?.name)
        XCTAssertEqual(sets.count, 2)
        let lines = result.events.map { "\($0.type.rawValue) \($0.reason) \($0.object): \($0.message)" }
        for expected in [
            "Normal ScalingReplicaSet Deployment/default/web: Scaled up replica set \(sets[0]) to 1",
            "Normal ScalingReplicaSet Deployment/default/web: Scaled up replica set \(sets[1]) to 1",
            "Normal ScalingReplicaSet Deployment/default/web: Scaled down replica set \(sets[0]) to 0",
            "Normal SuccessfulCreate ReplicaSet/default/\(sets[1]): Created pod: \(pod)",
            "Normal Scheduled Pod/default/\(pod): Successfully assigned default/\(pod) to node-0",
            "Normal Started Pod/default/\(pod): Started container app",
        ] {
            XCTAssertTrue(lines.contains(expected), "no event \"\(expected)\" in \(lines)")
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("Normal SuccessfulDelete ReplicaSet/default/\(sets[0]): Deleted pod: \(sets[0])-") }, "\(lines)")
        XCTAssertEqual(Set(result.events).count, result.events.count, "events at different times or of different pods differ")
    }

    func testRescalingFollowsTheTrace() throws {
        let trace = try Self.trace([(0, [Self.deployment("web", replicas: 5, requests: ["cpu": "100m"])], []),
                                    (20, [Self.deployment("web", replicas: 2, requests: ["cpu": "100m"])], [])])
        let result = try Self.simulate(trace, Self.cluster(nodes: 1))
        XCTAssertEqual(result.pods.count, 2)
        XCTAssertEqual(result.workloads.first { $0.kind == "Deployment" }?.replicas, 2)
    }

    // MARK: Real traces

    func testTheScalingTraceYieldsEveryDeploymentsPods() throws {
        let trace = try Trace.load(try Fixtures.simkube("dsb-scaling.sktrace"))
        let span = (trace.events.map(\.ts).max() ?? 0) - (trace.events.map(\.ts).min() ?? 0)
        let result = try Self.simulate(trace, Self.cluster(nodes: 10), seconds: span + 60)
        let final = try trace.workloads()
        XCTAssertEqual(final.count, 27)
        for workload in final {
            let pods = result.pods.filter { $0.workloadName == workload.name && $0.phase != .failed }
            XCTAssertEqual(Int64(pods.count), workload.replicas, workload.name)
        }
        XCTAssertTrue(result.pods.allSatisfy(\.ready), "ten 16-CPU nodes hold every pod")
    }

    func testCronJobPodsFinishAfterTheirRecordedThirtySeconds() throws {
        let trace = try Trace.load(try Fixtures.simkube("cronjob.sktrace"))
        let result = try Self.simulate(trace, Self.cluster(nodes: 1), seconds: 200)
        let jobs = result.workloads.filter { $0.kind == "Job" }
        XCTAssertEqual(jobs.map(\.name), ["hello-simkube-29054781", "hello-simkube-29054782", "hello-simkube-29054783"])
        let finished = result.pods.filter { $0.phase == .succeeded }
        XCTAssertEqual(finished.count, 3, "Jobs at 37, 97 and 157 s; pods start 1 s later and run 30 s")
        for pod in finished {
            let started = try XCTUnwrap(pod.startedAt)
            XCTAssertEqual(pod.containers.first?.state, .terminated(reason: "Completed", exitCode: 0, at: started + 30_000))
        }
    }

    func testBarePodsFollowTheirLifecycles() throws {
        let trace = try Trace.load(try Fixtures.simkube("bare-pods.sktrace"))
        let result = try Self.simulate(trace, Self.cluster(nodes: 1), seconds: 300)
        XCTAssertEqual(result.pods.count, 4)
        let first = try XCTUnwrap(result.pods.first)
        XCTAssertEqual(first.phase, .succeeded, "Finished after 12 s")
        XCTAssertEqual(result.pods.last?.phase, .running, "Running in the trace: runs on")
    }

    func testEveryRealTraceReplays() throws {
        for name in Fixtures.messagePackTraces + Fixtures.jsonTraces {
            let trace = try Trace.load(try Fixtures.simkube(name))
            XCTAssertNoThrow(try Self.simulate(trace, .demo), name)
        }
    }

    // MARK: Determinism and bad input

    func testSameSeedSameBytesAndOtherSeedOtherNames() throws {
        let trace = try Trace.load(try Fixtures.simkube("dsb-scaling.sktrace"))
        let first = MessagePackWriter.encode(try Self.simulate(trace, .demo, seed: 7).value)
        let again = MessagePackWriter.encode(try Self.simulate(trace, .demo, seed: 7).value)
        XCTAssertEqual(first, again)
        let other = try Self.simulate(trace, .demo, seed: 8)
        XCTAssertNotEqual(try Self.simulate(trace, .demo, seed: 7).pods.map(\.name), other.pods.map(\.name))
    }

    /// Requests and limits print as Kubernetes prints the pod's quantities: canonical, in the
    /// notation they were written in (they used to be rebuilt from rounded millicores and bytes:
    /// `1000M` became `1000000000`, `.001Ki` became `2`); the pod's totals keep the first
    /// container's notation, as Kubernetes' sums do.
    func testQuantitiesPrintInTheirOwnCanonicalForm() throws {
        let web = Self.deployment("web", replicas: 1, requests: ["cpu": "0.5", "memory": ".001Ki"],
                                  limits: ["cpu": "1000m", "memory": "1000M"])
        let result = try Self.simulate(try Self.trace([(0, [web], [])]), Self.cluster(nodes: 1))
        let pod = try XCTUnwrap(result.value["pods"]?[0])
        XCTAssertEqual(pod["requests"], ["cpu": "500m", "memory": "1024m"])
        XCTAssertEqual(pod["limits"], ["cpu": "1", "memory": "1G"])
        XCTAssertEqual(pod["containers"]?[0]?["requests"], ["cpu": "500m", "memory": "1024m"])
        XCTAssertEqual(pod["containers"]?[0]?["limits"], ["cpu": "1", "memory": "1G"])
        // What the simulator compares stays in whole millicores and bytes, rounded up.
        XCTAssertEqual(result.pods[0].requests, ResourceAmounts(cpuMillis: 500, memoryBytes: 2))
        XCTAssertEqual(result.pods[0].memoryLimit, 1_000_000_000)
    }

    func testBadInputIsRefusedClearly() throws {
        let huge = Self.deployment("web", replicas: 1_000_000_000, requests: ["cpu": "1"])
        XCTAssertThrowsError(try Self.simulate(try Self.trace([(0, [huge], [])]), .demo)) { error in
            XCTAssertTrue(String(describing: error).contains("1000000000 pods is outside"), "\(error)")
        }
        let negative = Self.deployment("web", replicas: 1, requests: ["cpu": "-1"])
        XCTAssertThrowsError(try Self.simulate(try Self.trace([(0, [negative], [])]), .demo)) { error in
            XCTAssertTrue(String(describing: error).contains("is negative"), "\(error)")
        }
        let badUsage = Self.deployment("web", replicas: 1, usage: "{not json")
        XCTAssertThrowsError(try Self.simulate(try Self.trace([(0, [badUsage], [])]), .demo)) { error in
            XCTAssertTrue(String(describing: error).contains(UsageAnnotation.key), "\(error)")
        }
        XCTAssertThrowsError(try ClusterSpec(["nodePools": []])) { error in
            XCTAssertTrue(String(describing: error).contains("no nodes"), "\(error)")
        }
        XCTAssertThrowsError(try ClusterSpec(["nodePools": [["name": "a", "count": 1, "allocatable": ["cpu": "1"]]]])) { error in
            XCTAssertTrue(String(describing: error).contains("needs both"), "\(error)")
        }
        XCTAssertThrowsError(try ClusterSpec(["nodePools": [["name": "a", "count": 1_000_000, "allocatable": ["cpu": "1", "memory": "1Gi"]]]]))
    }
}
