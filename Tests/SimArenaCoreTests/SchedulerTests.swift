import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

/// Scheduler cases whose outcomes are worked out by hand in the comments.
final class SchedulerTests: XCTestCase {
    private static let mi: Int64 = 1024 * 1024
    private static let gi: Int64 = 1024 * mi

    private func node(
        _ name: String, cpu: Int64, memory: Int64, labels: [String: String] = [:], taints: [Taint] = [],
        pods: Int = 110, requested: ResourceAmounts = .zero, podCount: Int = 0
    ) -> SchedulerNode {
        SchedulerNode(
            name: name, labels: labels, taints: taints, allocatable: ResourceAmounts(cpuMillis: cpu, memoryBytes: memory),
            allocatablePods: pods, requested: requested, podCount: podCount, nonZeroRequested: requested)
    }

    private func makePod(
        cpu: Int64 = 0, memory: Int64 = 0, nodeSelector: [(key: String, value: String)] = [],
        affinity: [NodeSelectorTerm]? = nil, tolerations: [Toleration] = []
    ) -> PodSchedulingRequirements {
        PodSchedulingRequirements(
            requests: ResourceAmounts(cpuMillis: cpu, memoryBytes: memory), nodeSelector: nodeSelector,
            requiredNodeAffinity: affinity, tolerations: tolerations)
    }

    private func requirements(spec: KValue) throws -> PodSchedulingRequirements {
        let template = try PodTemplate(["spec": spec], at: "spec.template")
        return try PodSchedulingRequirements(template: template, at: "spec.template")
    }

    private func unschedulable(_ message: String) -> SchedulingDecision { .unschedulable(message: message) }

    // MARK: Scoring

    func testLeastAllocatedPicksTheNodeWithMostRoomLeft() {
        let gi = Self.gi
        let nodes = [
            node("a", cpu: 4000, memory: 8 * gi, requested: ResourceAmounts(cpuMillis: 3000, memoryBytes: 2 * gi)),
            node("b", cpu: 2000, memory: 4 * gi),
            node("c", cpu: 4000, memory: 8 * gi, requested: ResourceAmounts(cpuMillis: 1000, memoryBytes: 6 * gi)),
        ]
        let pod = makePod(cpu: 500, memory: gi)
        // a: cpu 500*100/4000 = 12, memory 5Gi*100/8Gi = 62 -> 37
        // b: cpu 1500*100/2000 = 75, memory 3Gi*100/4Gi = 75 -> 75
        // c: cpu 2500*100/4000 = 62, memory 1Gi*100/8Gi = 12 -> 37
        XCTAssertEqual(nodes.map { Scheduler.leastAllocatedScore(pod, on: $0) }, [37, 75, 37])
        XCTAssertEqual(Scheduler.schedule(pod, on: nodes), .scheduled(nodeIndex: 1))
    }

    func testMissingRequestsCountAsDefaultsOnlyWhenScoring() {
        let mi = Self.mi
        let empty = makePod()  // counts 100m and 200Mi for scoring, nothing for fitting
        XCTAssertEqual(empty.requests, .zero)
        XCTAssertEqual(empty.nonZeroRequests, ResourceAmounts(cpuMillis: 100, memoryBytes: 200 * mi))
        // cpu 900*100/1000 = 90, memory 800Mi*100/1000Mi = 80 -> 85
        XCTAssertEqual(Scheduler.leastAllocatedScore(empty, on: node("n", cpu: 1000, memory: 1000 * mi)), 85)
        // a: cpu 900*100/1000 = 90, memory 200Mi*100/400Mi = 50 -> 70
        // b: cpu 100*100/200 = 50, memory (102400-200)*100/102400 = 99 -> 74
        // (Counting the requests as zero would tie both at 100 and pick a.)
        let nodes = [node("a", cpu: 1000, memory: 400 * mi), node("b", cpu: 200, memory: 100 * Self.gi)]
        XCTAssertEqual(Scheduler.schedule(empty, on: nodes), .scheduled(nodeIndex: 1))
        // The node would be over-committed for scoring (200Mi > 150Mi): memory scores 0, cpu 90 -> 45.
        XCTAssertEqual(Scheduler.leastAllocatedScore(empty, on: node("n", cpu: 1000, memory: 150 * mi)), 45)
        // memory 40Mi*100/240Mi = 16, cpu 90 -> 53
        XCTAssertEqual(Scheduler.leastAllocatedScore(empty, on: node("n", cpu: 1000, memory: 240 * mi)), 53)
        // Nothing allocatable scores 0.
        XCTAssertEqual(Scheduler.leastAllocatedScore(empty, on: node("n", cpu: 0, memory: 0)), 0)
    }

    func testTiesGoToTheLowestNodeIndex() {
        let gi = Self.gi
        let pod = makePod(cpu: 100, memory: gi)
        let same = [node("a", cpu: 1000, memory: 4 * gi), node("b", cpu: 1000, memory: 4 * gi)]
        XCTAssertEqual(Scheduler.schedule(pod, on: same), .scheduled(nodeIndex: 0))
        // a: cpu 400*100/1000 = 40, memory 2Gi*100/4Gi = 50 -> 45
        // b and c tie: cpu 900*100/1000 = 90, memory 1Gi*100/2Gi = 50 -> 70; b has the lower index.
        let nodes = [
            node("a", cpu: 1000, memory: 4 * gi, requested: ResourceAmounts(cpuMillis: 500, memoryBytes: gi)),
            node("b", cpu: 1000, memory: 2 * gi),
            node("c", cpu: 1000, memory: 2 * gi),
        ]
        XCTAssertEqual(nodes.map { Scheduler.leastAllocatedScore(pod, on: $0) }, [45, 70, 70])
        XCTAssertEqual(Scheduler.schedule(pod, on: nodes), .scheduled(nodeIndex: 1))
    }

    // MARK: Messages

    func testAPodTooBigForEveryNode() {
        let nodes = (0..<4).map { node("n\($0)", cpu: 1000, memory: 4 * Self.gi) }
        XCTAssertEqual(
            Scheduler.schedule(makePod(cpu: 2000, memory: Self.gi), on: nodes),
            unschedulable("0/4 nodes are available: 4 Insufficient cpu."))
    }

    func testMixedReasonsAreCountedPerReasonAndSortedAsStrings() {
        let gi = Self.gi
        let main = ["pool": "main"]
        let nodes = [
            node("tainted", cpu: 8000, memory: 16 * gi, labels: main, taints: [Taint(key: "dedicated", value: "gpu", effect: .noSchedule)]),
            node("unlabelled", cpu: 8000, memory: 16 * gi),
            node("small", cpu: 500, memory: 512 * Self.mi, labels: main),
            node("few-cores", cpu: 500, memory: 16 * gi, labels: main),
            node("full", cpu: 8000, memory: 16 * gi, labels: main, pods: 110, podCount: 110),
        ]
        let pod = makePod(cpu: 1000, memory: gi, nodeSelector: [("pool", "main")])
        XCTAssertEqual(Scheduler.filterReasons(pod, on: nodes[2]), ["Insufficient cpu", "Insufficient memory"])
        XCTAssertEqual(
            Scheduler.schedule(pod, on: nodes),
            unschedulable(
                "0/5 nodes are available: 1 Insufficient memory, 1 Too many pods, "
                    + "1 node(s) didn't match Pod's node affinity/selector, "
                    + "1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu."))
        let three = [
            node("a", cpu: 4000, memory: 512 * Self.mi), node("b", cpu: 500, memory: 4 * gi), node("c", cpu: 500, memory: 4 * gi),
        ]
        XCTAssertEqual(
            Scheduler.schedule(makePod(cpu: 1000, memory: gi), on: three),
            unschedulable("0/3 nodes are available: 1 Insufficient memory, 2 Insufficient cpu."))
    }

    func testCountsSortAsTextSoTenComesBeforeTwo() {
        let gi = Self.gi
        let nodes = (0..<2).map { node("cpu\($0)", cpu: 500, memory: 8 * gi) }
            + (0..<10).map { node("mem\($0)", cpu: 8000, memory: gi) }
        XCTAssertEqual(
            Scheduler.schedule(makePod(cpu: 1000, memory: 2 * gi), on: nodes),
            unschedulable("0/12 nodes are available: 10 Insufficient memory, 2 Insufficient cpu."))
    }

    func testNoNodesAtAll() {
        XCTAssertEqual(Scheduler.schedule(makePod(), on: []), unschedulable("no nodes available to schedule pods"))
    }

    func testANodeIsReportedOnlyForTheFirstFailingFilter() {
        let pod = makePod(cpu: 1000, nodeSelector: [("pool", "main")])
        // TaintToleration runs before NodeAffinity, NodeAffinity before NodeResourcesFit.
        let taintedAndUnlabelled = node("x", cpu: 100, memory: Self.gi, taints: [Taint(key: "k", effect: .noExecute)])
        XCTAssertEqual(Scheduler.filterReasons(pod, on: taintedAndUnlabelled), ["node(s) had untolerated taint {k: }"])
        let unlabelledAndSmall = node("y", cpu: 100, memory: Self.gi, pods: 0)
        XCTAssertEqual(Scheduler.filterReasons(pod, on: unlabelledAndSmall), ["node(s) didn't match Pod's node affinity/selector"])
        let labelledAndSmallAndFull = node("z", cpu: 100, memory: Self.gi, labels: ["pool": "main"], pods: 0)
        XCTAssertEqual(Scheduler.filterReasons(pod, on: labelledAndSmallAndFull), ["Too many pods", "Insufficient cpu"])
    }

    // MARK: NodeResourcesFit

    func testTooManyPodsEvenForAPodThatRequestsNothing() {
        let nodes = [node("n", cpu: 4000, memory: Self.gi, pods: 2, podCount: 2)]
        XCTAssertEqual(Scheduler.schedule(makePod(), on: nodes), unschedulable("0/1 nodes are available: 1 Too many pods."))
        XCTAssertEqual(Scheduler.schedule(makePod(), on: [node("n", cpu: 4000, memory: Self.gi, pods: 2, podCount: 1)]), .scheduled(nodeIndex: 0))
    }

    func testAPodRequestingNothingFitsAFullNode() {
        let full = node("n", cpu: 1000, memory: Self.gi, requested: ResourceAmounts(cpuMillis: 1000, memoryBytes: Self.gi))
        XCTAssertEqual(Scheduler.schedule(makePod(), on: [full]), .scheduled(nodeIndex: 0))
        XCTAssertEqual(Scheduler.schedule(makePod(cpu: 1), on: [full]), unschedulable("0/1 nodes are available: 1 Insufficient cpu."))
        // Exactly filling the node fits.
        let half = node("n", cpu: 1000, memory: Self.gi, requested: ResourceAmounts(cpuMillis: 500, memoryBytes: 0))
        XCTAssertEqual(Scheduler.schedule(makePod(cpu: 500, memory: Self.gi), on: [half]), .scheduled(nodeIndex: 0))
    }

    func testBindAndUnbindChangeTheOutcome() {
        let gi = Self.gi
        let pod = makePod(cpu: 600, memory: gi)
        var nodes = [node("a", cpu: 1000, memory: 4 * gi), node("b", cpu: 1000, memory: 4 * gi)]
        XCTAssertEqual(Scheduler.schedule(pod, on: nodes), .scheduled(nodeIndex: 0))
        nodes[0].bind(pod)
        XCTAssertEqual(nodes[0].requested, ResourceAmounts(cpuMillis: 600, memoryBytes: gi))
        XCTAssertEqual(nodes[0].nonZeroRequested, ResourceAmounts(cpuMillis: 600, memoryBytes: gi))
        XCTAssertEqual(nodes[0].podCount, 1)
        XCTAssertEqual(Scheduler.schedule(pod, on: nodes), .scheduled(nodeIndex: 1))
        nodes[1].bind(pod)
        XCTAssertEqual(Scheduler.schedule(pod, on: nodes), unschedulable("0/2 nodes are available: 2 Insufficient cpu."))
        nodes[0].unbind(pod)
        XCTAssertEqual(nodes[0].requested, .zero)
        XCTAssertEqual(nodes[0].podCount, 0)
        XCTAssertEqual(Scheduler.schedule(pod, on: nodes), .scheduled(nodeIndex: 0))
        // A pod without requests adds its scoring defaults only to nonZeroRequested.
        nodes[0].bind(makePod())
        XCTAssertEqual(nodes[0].requested, .zero)
        XCTAssertEqual(nodes[0].nonZeroRequested, ResourceAmounts(cpuMillis: 100, memoryBytes: 200 * Self.mi))
        nodes[0].unbind(makePod())
        nodes[0].unbind(makePod())
        XCTAssertEqual(nodes[0].podCount, 0, "the pod count never goes negative")
    }

    // MARK: NodeAffinity

    func testNodeSelectorNeedsEveryLabel() {
        let nodes = [
            node("a", cpu: 4000, memory: Self.gi, labels: ["disk": "ssd"]),
            node("b", cpu: 1000, memory: Self.gi, labels: ["disk": "ssd", "zone": "z1", "extra": "x"]),
        ]
        XCTAssertEqual(Scheduler.schedule(makePod(nodeSelector: [("disk", "ssd"), ("zone", "z1")]), on: nodes), .scheduled(nodeIndex: 1))
        XCTAssertEqual(
            Scheduler.schedule(makePod(nodeSelector: [("disk", "hdd")]), on: nodes),
            unschedulable("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector."))
    }

    func testEachNodeSelectorOperator() {
        let labels = ["zone": "z1", "gen": "5", "name": "x"]
        func matches(_ key: String, _ op: NodeSelectorOperator, _ values: [String] = []) -> Bool {
            NodeSelectorRequirement(key: key, op: op, values: values).matches(labels)
        }
        XCTAssertTrue(matches("zone", .in, ["z0", "z1"]))
        XCTAssertFalse(matches("zone", .in, ["z2"]))
        XCTAssertFalse(matches("absent", .in, ["z1"]))
        XCTAssertFalse(matches("zone", .notIn, ["z0", "z1"]))
        XCTAssertTrue(matches("zone", .notIn, ["z2"]))
        XCTAssertTrue(matches("absent", .notIn, ["z1"]), "NotIn matches an absent label")
        XCTAssertTrue(matches("zone", .exists))
        XCTAssertFalse(matches("absent", .exists))
        XCTAssertFalse(matches("zone", .doesNotExist))
        XCTAssertTrue(matches("absent", .doesNotExist))
        XCTAssertTrue(matches("gen", .gt, ["4"]))
        XCTAssertFalse(matches("gen", .gt, ["5"]))
        XCTAssertTrue(matches("gen", .gt, ["-1"]))
        XCTAssertTrue(matches("gen", .lt, ["6"]))
        XCTAssertFalse(matches("gen", .lt, ["5"]))
        XCTAssertFalse(matches("name", .gt, ["1"]), "a label that is not an integer never matches Gt")
        XCTAssertFalse(matches("name", .lt, ["1"]))
        XCTAssertFalse(matches("gen", .gt, ["four"]), "a value that is not an integer never matches")
        XCTAssertFalse(matches("absent", .lt, ["9"]))
        XCTAssertFalse(matches("gen", .gt, ["1", "2"]), "Gt needs exactly one value")
        XCTAssertFalse(matches("zone", .notIn), "NotIn without values is invalid")
    }

    func testTermsAreORedAndExpressionsANDed() {
        let labels = ["zone": "z1", "gen": "5"]
        let zone = NodeSelectorRequirement(key: "zone", op: .in, values: ["z1"])
        let newGen = NodeSelectorRequirement(key: "gen", op: .gt, values: ["6"])
        XCTAssertFalse(NodeSelectorTerm(matchExpressions: [zone, newGen]).matches(labels))
        XCTAssertTrue(NodeSelectorTerm(matchExpressions: [zone]).matches(labels))
        XCTAssertTrue(NodeSelectorTerm.anyMatches([NodeSelectorTerm(matchExpressions: [newGen]), NodeSelectorTerm(matchExpressions: [zone])], labels: labels))
        XCTAssertFalse(NodeSelectorTerm().matches(labels), "an empty term matches nothing")
        XCTAssertFalse(NodeSelectorTerm.anyMatches([], labels: labels), "no terms match nothing")

        let nodes = [
            node("old", cpu: 8000, memory: Self.gi, labels: ["gen": "3"]),
            node("new", cpu: 1000, memory: Self.gi, labels: ["gen": "7"]),
            node("odd", cpu: 8000, memory: Self.gi, labels: ["gen": "seven"]),
        ]
        let wantsNew = makePod(affinity: [NodeSelectorTerm(matchExpressions: [NodeSelectorRequirement(key: "gen", op: .gt, values: ["4"])])])
        XCTAssertEqual(Scheduler.schedule(wantsNew, on: nodes), .scheduled(nodeIndex: 1))
        let nowhere = makePod(nodeSelector: [("gen", "7")], affinity: [NodeSelectorTerm(matchExpressions: [NodeSelectorRequirement(key: "gen", op: .lt, values: ["4"])])])
        XCTAssertEqual(
            Scheduler.schedule(nowhere, on: nodes),
            unschedulable("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."))
        XCTAssertEqual(
            Scheduler.schedule(makePod(affinity: []), on: nodes),
            unschedulable("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."))
    }

    func testMatchFieldsSelectsANodeByName() {
        // How the DaemonSet controller pins its pods.
        let term = NodeSelectorTerm(matchFields: [NodeSelectorRequirement(key: "metadata.name", op: .in, values: ["b"])])
        let nodes = [node("a", cpu: 8000, memory: Self.gi), node("b", cpu: 1000, memory: Self.gi)]
        XCTAssertEqual(Scheduler.schedule(makePod(affinity: [term]), on: nodes), .scheduled(nodeIndex: 1))
        let notB = NodeSelectorTerm(matchFields: [NodeSelectorRequirement(key: "metadata.name", op: .notIn, values: ["a"])])
        XCTAssertEqual(Scheduler.schedule(makePod(affinity: [notB]), on: nodes), .scheduled(nodeIndex: 1))
    }

    // MARK: TaintToleration

    func testTolerationMatchesLikeKubernetes() {
        let gpu = Taint(key: "dedicated", value: "gpu", effect: .noSchedule)
        XCTAssertTrue(Toleration(key: "dedicated", op: .equal, value: "gpu", effect: .noSchedule).tolerates(gpu))
        XCTAssertFalse(Toleration(key: "dedicated", op: .equal, value: "cpu", effect: .noSchedule).tolerates(gpu))
        XCTAssertFalse(Toleration(key: "dedicated", op: .equal, value: "gpu", effect: .noExecute).tolerates(gpu), "effect must match")
        XCTAssertTrue(Toleration(key: "dedicated", op: .equal, value: "gpu").tolerates(gpu), "no effect matches every effect")
        XCTAssertFalse(Toleration(key: "dedicated").tolerates(gpu), "Equal with no value needs an empty taint value")
        XCTAssertTrue(Toleration(key: "dedicated", op: .exists).tolerates(gpu), "Exists ignores the value")
        XCTAssertFalse(Toleration(key: "other", op: .exists).tolerates(gpu))
        XCTAssertTrue(Toleration(op: .exists).tolerates(gpu), "empty key with Exists tolerates everything")
        XCTAssertTrue(Toleration(key: "", op: .exists, effect: .noSchedule).tolerates(gpu))
        XCTAssertFalse(Toleration(op: .exists, effect: .noExecute).tolerates(gpu))
        let bare = Taint(key: "node-role.kubernetes.io/control-plane", effect: .noSchedule)
        XCTAssertTrue(Toleration(key: "node-role.kubernetes.io/control-plane").tolerates(bare), "empty equals empty")
        XCTAssertTrue(Toleration(key: "node-role.kubernetes.io/control-plane", value: "").tolerates(bare))
        XCTAssertFalse(Toleration(key: "node-role.kubernetes.io/control-plane", value: "x").tolerates(bare))
    }

    func testNoScheduleAndNoExecuteBlockButPreferNoScheduleDoesNot() {
        let gi = Self.gi
        let nodes = [
            node("no-schedule", cpu: 8000, memory: 8 * gi, taints: [Taint(key: "a", value: "1", effect: .noSchedule)]),
            node("no-execute", cpu: 8000, memory: 8 * gi, taints: [Taint(key: "b", effect: .noExecute)]),
            node("prefer", cpu: 1000, memory: gi, taints: [Taint(key: "c", effect: .preferNoSchedule)]),
        ]
        XCTAssertEqual(Scheduler.schedule(makePod(cpu: 100), on: nodes), .scheduled(nodeIndex: 2))
        XCTAssertEqual(Scheduler.schedule(makePod(cpu: 100, tolerations: [Toleration(op: .exists)]), on: nodes), .scheduled(nodeIndex: 0))
        let toleratesB = makePod(cpu: 100, tolerations: [Toleration(key: "b", op: .exists, effect: .noExecute)])
        XCTAssertEqual(Scheduler.schedule(toleratesB, on: nodes), .scheduled(nodeIndex: 1))
        XCTAssertEqual(
            Scheduler.schedule(makePod(cpu: 100), on: Array(nodes[0..<2])),
            unschedulable("0/2 nodes are available: 1 node(s) had untolerated taint {a: 1}, 1 node(s) had untolerated taint {b: }."))
    }

    func testTheFirstUntoleratedTaintIsNamed() {
        let node = node(
            "n", cpu: 1000, memory: Self.gi,
            taints: [
                Taint(key: "p", value: "1", effect: .preferNoSchedule),
                Taint(key: "a", value: "b", effect: .noSchedule),
                Taint(key: "c", effect: .noExecute),
                Taint(key: "d", value: "e", effect: .noSchedule),
            ])
        let pod = makePod(tolerations: [Toleration(key: "a", value: "b")])
        XCTAssertEqual(Scheduler.schedule(pod, on: [node]), unschedulable("0/1 nodes are available: 1 node(s) had untolerated taint {c: }."))
    }

    // MARK: Reading pod specs

    func testAnInitContainerBiggerThanTheAppContainersDecides() throws {
        let mi = Self.mi
        let spec: KValue = [
            "containers": [
                ["name": "a", "resources": ["requests": ["cpu": "200m", "memory": "100Mi"]]],
                ["name": "b", "resources": ["requests": ["cpu": "300m", "memory": "100Mi"]]],
            ],
            "initContainers": [["name": "setup", "resources": ["requests": ["cpu": "1", "memory": "50Mi"]]]],
        ]
        let pod = try requirements(spec: spec)
        // cpu max(200+300, 1000) = 1000; memory max(100+100, 50) = 200Mi
        XCTAssertEqual(pod.requests, ResourceAmounts(cpuMillis: 1000, memoryBytes: 200 * mi))
        XCTAssertEqual(pod.nonZeroRequests, pod.requests)
        XCTAssertEqual(
            Scheduler.schedule(pod, on: [node("n", cpu: 800, memory: Self.gi)]),
            unschedulable("0/1 nodes are available: 1 Insufficient cpu."))
        XCTAssertEqual(Scheduler.schedule(pod, on: [node("n", cpu: 1000, memory: Self.gi)]), .scheduled(nodeIndex: 0))
    }

    func testSidecarsLimitsAndOverhead() throws {
        let mi = Self.mi
        let spec: KValue = [
            "containers": [["name": "app", "resources": ["requests": ["cpu": "200m"], "limits": ["memory": "100Mi"]]]],
            "initContainers": [
                ["name": "proxy", "restartPolicy": "Always", "resources": ["requests": ["cpu": "100m", "memory": "10Mi"]]],
                ["name": "setup", "resources": ["requests": ["cpu": "500m", "memory": "50Mi"]]],
            ],
            "overhead": ["cpu": "10m"],
        ]
        let pod = try requirements(spec: spec)
        // cpu: app 200 + sidecar 100 = 300; init peak max(100, 500 + 100) = 600; + overhead 10 = 610
        // memory: app (limit as request) 100Mi + sidecar 10Mi = 110Mi; init peak max(10, 50 + 10) = 60Mi -> 110Mi
        XCTAssertEqual(pod.requests, ResourceAmounts(cpuMillis: 610, memoryBytes: 110 * mi))
    }

    func testScoringDefaultsAndExactSums() throws {
        let mi = Self.mi
        let pod = try requirements(spec: [
            "containers": [
                ["name": "bare"],
                ["name": "cpu-only", "resources": ["requests": ["cpu": "50m", "memory": "0"]]],
            ]
        ])
        XCTAssertEqual(pod.requests, ResourceAmounts(cpuMillis: 50, memoryBytes: 0))
        // bare counts 100m + 200Mi; an explicit zero stays zero.
        XCTAssertEqual(pod.nonZeroRequests, ResourceAmounts(cpuMillis: 150, memoryBytes: 200 * mi))

        let fractions = try requirements(spec: [
            "containers": [
                ["name": "a", "resources": ["requests": ["cpu": "0.5m", "memory": "1500m"]]],
                ["name": "b", "resources": ["requests": ["cpu": "0.5m", "memory": 2]]],
            ]
        ])
        // Quantities are summed exactly, then rounded up: 0.5m + 0.5m = 1m; 1.5 + 2 = 3.5 bytes -> 4.
        XCTAssertEqual(fractions.requests, ResourceAmounts(cpuMillis: 1, memoryBytes: 4))
    }

    func testReadingSelectorsAffinityAndTolerations() throws {
        let spec: KValue = [
            "containers": [["name": "app"]],
            "nodeSelector": ["disk": "ssd"],
            "affinity": [
                "nodeAffinity": [
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        "nodeSelectorTerms": [
                            ["matchExpressions": [["key": "zone", "operator": "In", "values": ["z1", "z2"]]]],
                            ["matchExpressions": [["key": "spot", "operator": "DoesNotExist"]]],
                        ]
                    ],
                    "preferredDuringSchedulingIgnoredDuringExecution": [],
                ]
            ],
            "tolerations": [
                ["key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"],
                ["operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300],
                ["key": "k", "effect": ""],
            ],
        ]
        let pod = try requirements(spec: spec)
        XCTAssertEqual(pod.nodeSelector.map { "\($0.key)=\($0.value)" }, ["disk=ssd"])
        XCTAssertEqual(
            pod.requiredNodeAffinity,
            [
                NodeSelectorTerm(matchExpressions: [NodeSelectorRequirement(key: "zone", op: .in, values: ["z1", "z2"])]),
                NodeSelectorTerm(matchExpressions: [NodeSelectorRequirement(key: "spot", op: .doesNotExist)]),
            ])
        XCTAssertEqual(
            pod.tolerations,
            [
                Toleration(key: "dedicated", op: .equal, value: "gpu", effect: .noSchedule),
                Toleration(op: .exists, effect: .noExecute),
                Toleration(key: "k"),
            ])
        let plain = try requirements(spec: ["containers": [["name": "app"]], "affinity": ["podAntiAffinity": [:]]])
        XCTAssertNil(plain.requiredNodeAffinity)
        XCTAssertTrue(plain.nodeSelector.isEmpty && plain.tolerations.isEmpty)

        let taint = try Taint(["key": "dedicated", "value": "gpu", "effect": "NoExecute"], at: "node.spec.taints[0]")
        XCTAssertEqual(taint, Taint(key: "dedicated", value: "gpu", effect: .noExecute))
        XCTAssertEqual(try Taint(["key": "bare", "effect": "NoSchedule"], at: "t"), Taint(key: "bare", effect: .noSchedule))
    }

    func testWrongTypesNameTheirPath() {
        func message(_ spec: KValue) -> String? {
            do {
                _ = try requirements(spec: spec)
                return nil
            } catch {
                return (error as? SimArenaError)?.message
            }
        }
        let app: KValue = [["name": "app"]]
        XCTAssertEqual(
            message(["containers": app, "tolerations": "oops"]),
            "spec.template.spec.tolerations: expected an array, found a string")
        XCTAssertEqual(
            message(["containers": app, "tolerations": [["key": "a", "effect": "Sometimes"]]]),
            "spec.template.spec.tolerations[0].effect: unknown taint effect \"Sometimes\" (expected NoSchedule, PreferNoSchedule or NoExecute)")
        XCTAssertEqual(
            message(["containers": app, "tolerations": [["key": 7]]]),
            "spec.template.spec.tolerations[0].key: expected a string, found an integer")
        XCTAssertEqual(
            message(["containers": app, "nodeSelector": ["disk": 1]]),
            "spec.template.spec.nodeSelector.disk: expected a string, found an integer")
        XCTAssertEqual(
            message(["containers": app, "affinity": ["nodeAffinity": []]]),
            "spec.template.spec.affinity.nodeAffinity: expected a map, found an array")
        let badOperator: KValue = [
            "containers": app,
            "affinity": [
                "nodeAffinity": [
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        "nodeSelectorTerms": [
                            ["matchExpressions": [["key": "a", "operator": "In", "values": ["x"]], ["key": "b", "operator": "Near"]]]
                        ]
                    ]
                ]
            ],
        ]
        XCTAssertEqual(
            message(badOperator),
            "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                + ".matchExpressions[1].operator: unknown operator \"Near\" (expected In, NotIn, Exists, DoesNotExist, Gt or Lt)")
        let badValues: KValue = [
            "containers": app,
            "affinity": [
                "nodeAffinity": [
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        "nodeSelectorTerms": [["matchExpressions": [["key": "a", "operator": "In", "values": "x"]]]]
                    ]
                ]
            ],
        ]
        XCTAssertEqual(
            message(badValues),
            "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                + ".matchExpressions[0].values: expected an array, found a string")
        XCTAssertEqual(
            message(["containers": app, "initContainers": [["name": "i", "restartPolicy": 1]]]),
            "spec.template.spec.initContainers[0].restartPolicy: expected a string, found an integer")
        XCTAssertEqual(
            message(["containers": app, "overhead": ["cpu": true]]),
            "spec.template.spec.overhead.cpu: expected a quantity, found a boolean")
        XCTAssertThrowsError(try Taint(["key": "a"], at: "node.spec.taints[2]")) { error in
            XCTAssertEqual((error as? SimArenaError)?.message, "node.spec.taints[2]: missing \"effect\"")
        }
        XCTAssertThrowsError(try Toleration(["operator": "Maybe"], at: "tol")) { error in
            XCTAssertEqual((error as? SimArenaError)?.message, "tol.operator: unknown operator \"Maybe\" (expected Equal or Exists)")
        }
    }

    // MARK: Arithmetic

    func testResourceAmountsSaturateInsteadOfTrapping() {
        let big = ResourceAmounts(cpuMillis: .max, memoryBytes: .min)
        XCTAssertEqual(big + ResourceAmounts(cpuMillis: 1, memoryBytes: -1), ResourceAmounts(cpuMillis: .max, memoryBytes: .min))
        XCTAssertEqual(big - ResourceAmounts(cpuMillis: -1, memoryBytes: 1), ResourceAmounts(cpuMillis: .max, memoryBytes: .min))
        XCTAssertEqual(ResourceAmounts(cpuMillis: 5, memoryBytes: 7) - ResourceAmounts(cpuMillis: 2, memoryBytes: 3), ResourceAmounts(cpuMillis: 3, memoryBytes: 4))
        XCTAssertEqual(ResourceAmounts.zero + .zero, .zero)
        // A node with huge memory still scores without overflowing.
        let huge = SchedulerNode(name: "huge", allocatable: ResourceAmounts(cpuMillis: .max, memoryBytes: .max))
        XCTAssertEqual(Scheduler.leastAllocatedScore(makePod(), on: huge), 99)
    }
}
