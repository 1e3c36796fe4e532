import XCTest
@testable import SimArenaModel
@testable import SimArenaSimulation

/// DefaultPreemption, case by case from kube-scheduler's own tables in
/// `pkg/scheduler/framework/plugins/defaultpreemption/default_preemption_test.go` (master,
/// 2025), each under its upstream name: `TestSelectBestCandidate` (9 of 9),
/// `TestDryRunPreemption` (7 of 15), `TestPostFilter` (8 of 16), `TestPreempt` (4 of 8) and the
/// one `TestPodEligibleToPreemptOthers` case that applies (1 of 5).
///
/// Left out: cases with PodDisruptionBudgets, extenders, injected plugin errors, pod groups, a
/// filter that rejects every node, pods nominated to a node or terminating (not modelled), and
/// the three whose outcome depends on Go's seeded random offset and a candidate limit of 2.
/// As upstream's tables, the nodes have cpu 500m, memory 500 and 32 pods unless a case says
/// otherwise; requests are small (100m, 100), medium (200m, 200), large (300m, 300) and very
/// large (500m, 500); a start time `tN` is N nanoseconds after the epoch.
final class DefaultPreemptionTests: XCTestCase {
    private enum Size: Int64 {
        case none = 0, small = 100, medium = 200, large = 300, veryLarge = 500
    }

    private func node(_ name: String, cpu: Int64 = 500, memory: Int64 = 500, pods: Int = 32) -> SchedulerNode {
        var labels = ["kubernetes.io/hostname": name]
        // Upstream's `node-a/zone1` names give the node `hostname` and `zone` labels.
        let parts = name.split(separator: "/").map(String.init)
        if parts.count > 1 { labels = ["hostname": parts[0], "zone": parts[1]] } else { labels["hostname"] = name }
        return SchedulerNode(name: parts[0], labels: labels, allocatable: ResourceAmounts(cpuMillis: cpu, memoryBytes: memory),
                             allocatablePods: pods)
    }

    private func pod(_ priority: Int32, _ size: Size = .none, labels: [String: String] = [:], anti: [PodAffinityTerm] = [],
                     spread: [TopologySpreadConstraint] = [], policy: PreemptionPolicy = .preemptLowerPriority) -> PodSchedulingRequirements {
        PodSchedulingRequirements(
            requests: ResourceAmounts(cpuMillis: size.rawValue, memoryBytes: size.rawValue), namespace: "", labels: labels,
            antiAffinityTerms: anti, spreadConstraints: spread, priority: priority, preemptionPolicy: policy)
    }

    /// The cluster: `placed[i]` are (name, pod, start) on `nodes[i]`, bound there.
    private struct Cluster {
        var nodes: [SchedulerNode]
        var bound: [[DefaultPreemption.BoundPod]]
        var names: [[String]]

        init(_ nodes: [SchedulerNode], _ placed: [[(String, PodSchedulingRequirements, Int64)]]) {
            self.nodes = nodes
            bound = placed.map { $0.map { DefaultPreemption.BoundPod(requirements: $0.1, startedAt: $0.2) } }
            names = placed.map { $0.map(\.0) }
            for (index, pods) in placed.enumerated() {
                for (_, pod, _) in pods { self.nodes[index].bind(pod) }
            }
        }

        func run(_ preemptor: PodSchedulingRequirements, failures: [NodeFailure]? = nil) -> DefaultPreemption.Outcome {
            DefaultPreemption.preempt(
                preemptor, on: nodes, boundPods: bound,
                failures: failures ?? nodes.map { _ in NodeFailure(reasons: ["any"], unresolvable: false) })
        }

        /// Victims' names on each node where some pod would be preempted (the dry run).
        func victims(_ preemptor: PodSchedulingRequirements) -> [String: [String]] {
            let interPod = InterPodFilters(pod: preemptor, nodes: nodes, boundPods: bound.map { $0.map(\.requirements) })
            var found: [String: [String]] = [:]
            for index in nodes.indices {
                if case .victims(let victims) = DefaultPreemption.selectVictims(
                    preemptor, on: index, nodes: nodes, boundPods: bound, interPod: interPod) {
                    found[nodes[index].name] = victims.map { names[index][$0] }.sorted()
                }
            }
            return found
        }

        func chosen(_ preemptor: PodSchedulingRequirements) -> String? {
            guard case .preempt(let index, _) = run(preemptor) else { return nil }
            return nodes[index].name
        }
    }

    private var three: [SchedulerNode] { ["node1", "node2", "node3"].map { node($0) } }

    // MARK: TestSelectBestCandidate

    func testSelectBestCandidate() {
        let cases: [(String, [SchedulerNode], [[(String, PodSchedulingRequirements, Int64)]], PodSchedulingRequirements, String)] = [
            // Upstream accepts node1 or node2; ties go to the lowest index here.
            ("a pod that fits on both nodes when lower priority pods are preempted", [node("node1"), node("node2")],
             [[("p1", pod(100, .large), 0)], [("p2", pod(100, .large), 0)]], pod(1000, .large), "node1"),
            ("node with min highest priority pod is picked", three,
             [[("p1.1", pod(100, .medium), 0), ("p1.2", pod(100, .large), 0)],
              [("p2.1", pod(100, .medium), 0), ("p2.2", pod(0, .medium), 0)],
              [("p3.1", pod(0, .medium), 0), ("p3.2", pod(0, .medium), 0)]], pod(1000, .veryLarge), "node3"),
            ("when highest priorities are the same, minimum sum of priorities is picked", three,
             [[("p1.1", pod(100, .medium), 0), ("p1.2", pod(100, .large), 0)],
              [("p2.1", pod(100, .large), 0), ("p2.2", pod(0, .medium), 0)],
              [("p3.1", pod(100, .medium), 0), ("p3.2", pod(100, .medium), 0)]], pod(1000, .veryLarge), "node2"),
            ("when highest priority and sum are the same, minimum number of pods is picked", three,
             [[("p1.1", pod(100, .small), 0), ("p1.2", pod(-100, .small), 0), ("p1.3", pod(100, .small), 0), ("p1.4", pod(-100, .small), 0)],
              [("p2.1", pod(100, .large), 0), ("p2.2", pod(-100, .medium), 0)],
              [("p3.1", pod(100, .medium), 0), ("p3.2", pod(-100, .small), 0), ("p3.3", pod(0, .small), 0)]],
             pod(1000, .veryLarge), "node2"),
            ("sum of adjusted priorities is considered", three,
             [[("p1.1", pod(100, .small), 0), ("p1.2", pod(-100, .small), 0), ("p1.3", pod(-100, .small), 0)],
              [("p2.1", pod(100, .large), 0), ("p2.2", pod(-100, .medium), 0)],
              [("p3.1", pod(100, .medium), 0), ("p3.2", pod(-100, .small), 0), ("p3.3", pod(0, .small), 0)]],
             pod(1000, .veryLarge), "node2"),
            ("non-overlapping lowest high priority, sum priorities, and number of pods", three + [node("node4")],
             [[("p1.1", pod(100, .small), 0), ("p1.2", pod(0, .small), 0), ("p1.3", pod(0, .small), 0)],
              [("p2.1", pod(1000, .large), 0)],
              [("p3.1", pod(100, .medium), 0), ("p3.2", pod(0, .small), 0), ("p3.3", pod(0, .small), 0), ("p3.4", pod(0, .medium), 0)],
              [("p4.1", pod(100, .medium), 0), ("p4.2", pod(100, .small), 0), ("p4.3", pod(100, .small), 0), ("p4.4", pod(-100, .small), 0)]],
             pod(10000, .veryLarge), "node1"),
            ("same priority, same number of victims, different start time for each node's pod", three,
             [[("p1.1", pod(100, .medium), 2), ("p1.2", pod(100, .medium), 2)],
              [("p2.1", pod(100, .medium), 3), ("p2.2", pod(100, .medium), 3)],
              [("p3.1", pod(100, .medium), 1), ("p3.2", pod(100, .medium), 1)]], pod(1000, .veryLarge), "node2"),
            ("same priority, same number of victims, different start time for all pods", three,
             [[("p1.1", pod(100, .medium), 4), ("p1.2", pod(100, .medium), 2)],
              [("p2.1", pod(100, .medium), 5), ("p2.2", pod(100, .medium), 1)],
              [("p3.1", pod(100, .medium), 3), ("p3.2", pod(100, .medium), 6)]], pod(1000, .veryLarge), "node3"),
            ("different priority, same number of victims, different start time for all pods", three,
             [[("p1.1", pod(0, .medium), 4), ("p1.2", pod(100, .medium), 2)],
              [("p2.1", pod(100, .medium), 6), ("p2.2", pod(0, .medium), 1)],
              [("p3.1", pod(0, .medium), 3), ("p3.2", pod(100, .medium), 5)]], pod(1000, .veryLarge), "node2"),
        ]
        for (name, nodes, placed, preemptor, expected) in cases {
            XCTAssertEqual(Cluster(nodes, placed).chosen(preemptor), expected, name)
        }
    }

    // MARK: TestDryRunPreemption

    func testDryRunPreemption() {
        let two = [node("node1"), node("node2")]
        let fooExists = LabelSelector(matchExpressions: [NodeSelectorRequirement(key: "foo", op: .exists)])
        let foo = ["foo": ""]
        let cases: [(String, [SchedulerNode], [[(String, PodSchedulingRequirements, Int64)]], PodSchedulingRequirements, [String: [String]])] = [
            ("a pod that fits on both nodes when lower priority pods are preempted", two,
             [[("p1", pod(100, .large), 0)], [("p2", pod(100, .large), 0)]], pod(1000, .large), ["node1": ["p1"], "node2": ["p2"]]),
            ("a pod that would fit on the nodes, but other pods running are higher priority, no preemption would happen", two,
             [[("p1", pod(100, .large), 0)], [("p2", pod(100, .large), 0)]], pod(0, .large), [:]),
            ("medium priority pod is preempted, but lower priority one stays as it is small", two,
             [[("p1.1", pod(0, .small), 0), ("p1.2", pod(100, .large), 0)], [("p2", pod(100, .large), 0)]], pod(1000, .large),
             ["node1": ["p1.2"], "node2": ["p2"]]),
            ("mixed priority pods are preempted", two,
             [[("p1.1", pod(100, .small), 0), ("p1.2", pod(0, .small), 0), ("p1.3", pod(100, .medium), 0), ("p1.4", pod(1000, .small), 0)],
              [("p2", pod(1000, .large), 0)]], pod(1000, .large), ["node1": ["p1.2", "p1.3"]]),
            ("mixed priority pods are preempted, pick later StartTime one when priorities are equal", two,
             [[("p1.1", pod(0, .small), 5), ("p1.2", pod(0, .small), 4), ("p1.3", pod(100, .medium), 3), ("p1.4", pod(1000, .small), 2)],
              [("p2", pod(1000, .large), 1)]], pod(1000, .large), ["node1": ["p1.1", "p1.3"]]),
            ("pod with anti-affinity is preempted", two,
             [[("p1.1", pod(0, .small, labels: foo, anti: [PodAffinityTerm(labelSelector: fooExists, topologyKey: "hostname")]), 0),
               ("p1.2", pod(100, .small), 0), ("p1.3", pod(1000, .small), 0)],
              [("p2", pod(1000, .small), 0)]], pod(1000, .small, labels: foo), ["node1": ["p1.1"]]),
            ("preemption to resolve pod topology spread filter failure", [node("node-a/zone1"), node("node-b/zone1"), node("node-x/zone2")],
             [[("pod-a1", pod(100, labels: foo), 0), ("pod-a2", pod(0, labels: foo), 0)],
              [("pod-b1", pod(0, labels: foo), 0)],
              [("pod-x1", pod(1000, labels: foo), 0), ("pod-x2", pod(1000, labels: foo), 0)]],
             pod(1000, labels: foo, spread: [TopologySpreadConstraint(maxSkew: 1, topologyKey: "zone", labelSelector: fooExists),
                                             TopologySpreadConstraint(maxSkew: 1, topologyKey: "hostname", labelSelector: fooExists)]),
             ["node-a": ["pod-a2"], "node-b": ["pod-b1"]]),
        ]
        for (name, nodes, placed, preemptor, expected) in cases {
            XCTAssertEqual(Cluster(nodes, placed).victims(preemptor), expected, name)
        }
    }

    // MARK: TestPostFilter

    /// Upstream hands PostFilter the filter pass's statuses; so does this test (`true`:
    /// UnschedulableAndUnresolvable or absent, `false`: Unschedulable).
    func testPostFilter() {
        let onePod = { (name: String) in self.node(name, cpu: 0, memory: 0, pods: 1) }
        let small = { (name: String) in self.node(name, cpu: 200, memory: 400) }
        let cases: [(String, [SchedulerNode], [[(String, PodSchedulingRequirements, Int64)]], PodSchedulingRequirements, [Bool],
                     DefaultPreemption.Outcome)] = [
            ("pod with higher priority can be made schedulable", [onePod("node1")], [[("p1", pod(0), 0)]], pod(1000), [false],
             .preempt(nodeIndex: 0, victims: [0])),
            ("pod with tied priority is still unschedulable", [onePod("node1")], [[("p1", pod(0), 0)]], pod(0), [false],
             .failed(message: "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.")),
            ("preemption should respect filteredNodesStatuses", [onePod("node1")], [[("p1", pod(0), 0)]], pod(1000), [true],
             .failed(message: "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.")),
            ("preemption should respect absent NodeToStatusReader entry meaning UnschedulableAndUnresolvable",
             [onePod("node1")], [[("p1", pod(0), 0)]], pod(1000), [true],
             .failed(message: "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.")),
            ("pod can be made schedulable on one node", [onePod("node1"), onePod("node2")],
             [[("p1", pod(1000), 0)], [("p2", pod(0), 0)]], pod(100), [false, false], .preempt(nodeIndex: 1, victims: [0])),
            ("no candidate nodes found, no enough resource after removing low priority pods", [small("node1"), small("node2")],
             [[("p1", pod(0), 0)], [("p2", pod(0), 0)]], pod(1000, .large), [false, false],
             .failed(message: "preemption: 0/2 nodes are available: 2 Insufficient cpu.")),
            ("no candidate nodes found with mixed reasons, no lower priority pod and no enough CPU resource",
             [onePod("node1"), small("node2"), onePod("node3")],
             [[("p1", pod(1000), 0)], [("p2", pod(0), 0)], [("p3", pod(1000), 0)]], pod(1000, .large), [false, false, false],
             .failed(message: "preemption: 0/3 nodes are available: 1 Insufficient cpu, 2 No preemption victims found for incoming pod.")),
            ("no candidate nodes found with mixed reason, 2 UnschedulableAndUnresolvable nodes and 2 nodes don't have enough CPU resource",
             ["node1", "node2", "node3", "node4"].map(small), [[("p1", pod(0), 0)], [("p2", pod(0), 0)], [], []], pod(1000, .large),
             [false, false, true, true],
             .failed(message: "preemption: 0/4 nodes are available: 2 Insufficient cpu, 2 Preemption is not helpful for scheduling.")),
        ]
        for (name, nodes, placed, preemptor, unresolvable, expected) in cases {
            let failures = unresolvable.map { NodeFailure(reasons: ["any"], unresolvable: $0) }
            XCTAssertEqual(Cluster(nodes, placed).run(preemptor, failures: failures), expected, name)
        }
    }

    // MARK: TestPreempt and TestPodEligibleToPreemptOthers

    func testPreempt() {
        let basic: [[(String, PodSchedulingRequirements, Int64)]] = [
            [("p1.1", pod(0, .small), 0), ("p1.2", pod(0, .small), 0)], [("p2.1", pod(1000, .large), 0)], [("p3.1", pod(100, .medium), 0)],
        ]
        XCTAssertEqual(Cluster(three, basic).run(pod(1000, .veryLarge)), .preempt(nodeIndex: 0, victims: [0, 1]), "basic preemption logic")
        XCTAssertEqual(Cluster(three, basic).run(pod(1000, .veryLarge, policy: .preemptLowerPriority)),
                       .preempt(nodeIndex: 0, victims: [0, 1]), "PreemptionPolicy is nil")
        XCTAssertEqual(Cluster(three, basic).run(pod(1000, .veryLarge, policy: .never)),
                       .failed(message: "preemption: not eligible due to preemptionPolicy=Never."), "no preempting in pod")
        // TestPodEligibleToPreemptOthers: "Pod with 'PreemptNever' preemption policy".
        XCTAssertEqual(Cluster([node("node1")], [[]]).run(pod(1000, policy: .never)), .failed(message: DefaultPreemption.neverMessage))

        let fooExists = LabelSelector(matchExpressions: [NodeSelectorRequirement(key: "foo", op: .exists)])
        let foo = ["foo": ""]
        let spread = Cluster([node("node-a/zone1"), node("node-b/zone1"), node("node-x/zone2")], [
            [("p-a1", pod(1000, labels: foo), 0), ("p-a2", pod(1000, labels: foo), 0)],
            [("p-b1", pod(0, labels: foo), 0)],
            [("p-x1", pod(1000, labels: foo), 0), ("p-x2", pod(1000, labels: foo), 0)],
        ])
        XCTAssertEqual(spread.run(pod(1000, labels: foo, spread: [
            TopologySpreadConstraint(maxSkew: 1, topologyKey: "zone", labelSelector: fooExists),
            TopologySpreadConstraint(maxSkew: 1, topologyKey: "hostname", labelSelector: fooExists),
        ])), .preempt(nodeIndex: 1, victims: [0]), "preemption for topology spread constraints")
    }

    /// The shortcut the simulator takes when no bound pod has a lower priority gives exactly what
    /// the whole algorithm gives.
    func testNothingToEvictAgreesWithTheDryRuns() {
        let nodes = [node("node1"), node("node2", cpu: 100), node("node3")]
        let cluster = Cluster(nodes, [[("p1", pod(5, .small), 0)], [], [("p3", pod(9, .large), 0)]])
        for failures in [[false, true, false], [true, true, true], [false, false, false]] {
            let statuses = failures.map { NodeFailure(reasons: ["any"], unresolvable: $0) }
            for preemptor in [pod(5, .large), pod(5, .large, policy: .never)] {
                XCTAssertEqual(.failed(message: DefaultPreemption.nothingToEvictMessage(preemptor, failures: statuses)),
                               cluster.run(preemptor, failures: statuses),
                               "\(failures)")
            }
        }
    }
}
