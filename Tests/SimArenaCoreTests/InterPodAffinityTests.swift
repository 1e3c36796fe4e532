import XCTest
@testable import SimArenaModel
@testable import SimArenaSimulation

/// InterPodAffinity's filter, case by case from kube-scheduler's own tables in
/// `pkg/scheduler/framework/plugins/interpodaffinity/filtering_test.go` (v1.32/1.33):
/// `TestRequiredAffinitySingleNode` and `TestRequiredAffinityMultipleNodes`, each case under its
/// upstream name, with the expected result per node (nil: the pod may go there; upstream's
/// PreFilter "Skip" is ``InterPodAffinity``'s nil, every node allowed).
///
/// Left out: two cases whose label values are invalid (upstream fails them in PreFilter with a
/// parse error; traces are not validated that far), and two whose namespaceSelector selects on a
/// namespace label other than `kubernetes.io/metadata.name` (namespace labels are not modelled).
final class InterPodAffinityTests: XCTestCase {
    private typealias Requirement = NodeSelectorRequirement

    private let affinity = Scheduler.Reason.podAffinity
    private let antiAffinity = Scheduler.Reason.podAntiAffinity
    private let existingAnti = Scheduler.Reason.existingPodsAntiAffinity

    private func term(_ key: String, _ op: NodeSelectorOperator, _ values: [String] = [], at topologyKey: String,
                      namespaces: [String] = [], namespaceSelector: LabelSelector? = nil) -> PodAffinityTerm {
        PodAffinityTerm(labelSelector: LabelSelector(matchExpressions: [Requirement(key: key, op: op, values: values)]),
                        namespaces: namespaces, namespaceSelector: namespaceSelector, topologyKey: topologyKey)
    }

    private func pod(_ namespace: String = "", _ labels: [String: String] = [:], affinity: [PodAffinityTerm] = [],
                     anti: [PodAffinityTerm] = []) -> PodSchedulingRequirements {
        PodSchedulingRequirements(namespace: namespace, labels: labels, affinityTerms: affinity, antiAffinityTerms: anti)
    }

    private struct Case {
        var name: String
        var incoming: PodSchedulingRequirements
        /// (index of the node it is bound to, the pod)
        var existing: [(Int, PodSchedulingRequirements)]
        var expected: [String?]
    }

    private func check(_ nodes: [[String: String]], _ cases: [Case], file: StaticString = #filePath, line: UInt = #line) {
        let schedulerNodes = nodes.enumerated().map { index, labels in
            SchedulerNode(name: "node\(index)", labels: labels, allocatable: ResourceAmounts(cpuMillis: 1000, memoryBytes: 1 << 30))
        }
        for test in cases {
            var bound = Array(repeating: [PodSchedulingRequirements](), count: nodes.count)
            for (node, pod) in test.existing { bound[node].append(pod) }
            let filter = InterPodAffinity(pod: test.incoming, nodes: schedulerNodes, boundPods: bound)
            let reasons = schedulerNodes.map { filter?.failure(on: $0)?.reasons.first }
            XCTAssertEqual(reasons, test.expected, test.name, file: file, line: line)
        }
    }

    /// TestRequiredAffinitySingleNode: 22 of its 26 cases, on node1 `{region: r1, zone: z11}`.
    func testRequiredAffinitySingleNode() {
        let podLabel = ["service": "securityscan"], podLabel2 = ["security": "S1"]
        let existing = pod("", podLabel)
        let both = ["securityscan", "value2"]
        check([["region": "r1", "zone": "z11"]], [
            Case(name: "A pod that has no required pod affinity scheduling rules can schedule onto a node with no existing pods",
                 incoming: pod(), existing: [], expected: [nil]),
            Case(name: "satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches the existing pod",
                 incoming: pod("", podLabel2, affinity: [term("service", .in, both, at: "region")]),
                 existing: [(0, existing)], expected: [nil]),
            Case(name: "satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in operator in labelSelector that matches the existing pod",
                 incoming: pod("", podLabel2, affinity: [term("service", .notIn, ["securityscan3", "value3"], at: "region")]),
                 existing: [(0, existing)], expected: [nil]),
            Case(name: "Does not satisfy the PodAffinity with labelSelector because of diff Namespace",
                 incoming: pod("", podLabel2, affinity: [term("service", .in, both, at: "", namespaces: ["DiffNameSpace"])]),
                 existing: [(0, pod("ns", podLabel))], expected: [affinity]),
            Case(name: "Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod",
                 incoming: pod("", podLabel, affinity: [term("service", .in, ["antivirusscan", "value2"], at: "")]),
                 existing: [(0, existing)], expected: [affinity]),
            Case(name: "satisfies the PodAffinity with different label Operators in multiple RequiredDuringSchedulingIgnoredDuringExecution ",
                 incoming: pod("", podLabel2, affinity: [
                    PodAffinityTerm(labelSelector: LabelSelector(matchExpressions: [
                        Requirement(key: "service", op: .exists), Requirement(key: "wrongkey", op: .doesNotExist)]), topologyKey: "region"),
                    PodAffinityTerm(labelSelector: LabelSelector(matchExpressions: [
                        Requirement(key: "service", op: .in, values: ["securityscan"]),
                        Requirement(key: "service", op: .notIn, values: ["WrongValue"])]), topologyKey: "region"),
                 ]), existing: [(0, existing)], expected: [nil]),
            Case(name: "The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule onto the node because one of the matchExpression item don't match.",
                 incoming: pod("", podLabel2, affinity: [
                    PodAffinityTerm(labelSelector: LabelSelector(matchExpressions: [
                        Requirement(key: "service", op: .exists), Requirement(key: "wrongkey", op: .doesNotExist)]), topologyKey: "region"),
                    PodAffinityTerm(labelSelector: LabelSelector(matchExpressions: [
                        Requirement(key: "service", op: .in, values: ["securityscan2"]),
                        Requirement(key: "service", op: .notIn, values: ["WrongValue"])]), topologyKey: "region"),
                 ]), existing: [(0, existing)], expected: [affinity]),
            Case(name: "satisfies the PodAffinity and PodAntiAffinity with the existing pod",
                 incoming: pod("", podLabel2, affinity: [term("service", .in, both, at: "region")],
                               anti: [term("service", .in, ["antivirusscan", "value2"], at: "node")]),
                 existing: [(0, existing)], expected: [nil]),
            Case(name: "satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod",
                 incoming: pod("", podLabel2, affinity: [term("service", .in, both, at: "region")],
                               anti: [term("service", .in, ["antivirusscan", "value2"], at: "node")]),
                 existing: [(0, pod("", podLabel, anti: [term("service", .in, ["antivirusscan", "value2"], at: "node")]))], expected: [nil]),
            Case(name: "satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod",
                 incoming: pod("", podLabel2, affinity: [term("service", .in, both, at: "region")],
                               anti: [term("service", .in, both, at: "zone")]),
                 existing: [(0, existing)], expected: [antiAffinity]),
            Case(name: "satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry with the existing pod",
                 incoming: pod("", podLabel, affinity: [term("service", .in, both, at: "region")],
                               anti: [term("service", .in, ["antivirusscan", "value2"], at: "node")]),
                 existing: [(0, pod("", podLabel, anti: [term("service", .in, both, at: "zone")]))], expected: [existingAnti]),
            // Upstream's existing pod is on node2, which is not in the snapshot: it counts nowhere.
            Case(name: "pod matches its own Label in PodAffinity and that matches the existing pod Labels",
                 incoming: pod("", podLabel, affinity: [term("service", .notIn, both, at: "region")]),
                 existing: [], expected: [affinity]),
            Case(name: "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. doesn't satisfy PodAntiAffinity symmetry with the existing pod",
                 incoming: pod("", podLabel),
                 existing: [(0, pod("", podLabel, anti: [term("service", .in, both, at: "zone")]))], expected: [existingAnti]),
            Case(name: "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the existing pod",
                 incoming: pod("", podLabel),
                 existing: [(0, pod("", podLabel, anti: [term("service", .notIn, both, at: "zone")]))], expected: [nil]),
            Case(name: "satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry with incoming pod",
                 incoming: pod("", podLabel, anti: [term("service", .exists, at: "region"), term("security", .exists, at: "region")]),
                 existing: [(0, pod("", podLabel2, anti: [term("security", .exists, at: "zone")]))], expected: [antiAffinity]),
            Case(name: "PodAntiAffinity symmetry check a1: incoming pod and existing pod partially match each other on AffinityTerms",
                 incoming: pod("", podLabel, anti: [term("service", .exists, at: "zone"), term("security", .exists, at: "zone")]),
                 existing: [(0, pod("", podLabel2, anti: [term("security", .exists, at: "zone")]))], expected: [antiAffinity]),
            Case(name: "PodAntiAffinity symmetry check a2: incoming pod and existing pod partially match each other on AffinityTerms",
                 incoming: pod("", podLabel2, anti: [term("security", .exists, at: "zone")]),
                 existing: [(0, pod("", podLabel, anti: [term("service", .exists, at: "zone"), term("security", .exists, at: "zone")]))],
                 expected: [existingAnti]),
            Case(name: "PodAntiAffinity symmetry check b1: incoming pod and existing pod partially match each other on AffinityTerms",
                 incoming: pod("", ["abc": "", "xyz": ""], anti: [term("abc", .exists, at: "zone"), term("def", .exists, at: "zone")]),
                 existing: [(0, pod("", ["def": "", "xyz": ""], anti: [term("abc", .exists, at: "zone"), term("def", .exists, at: "zone")]))],
                 expected: [antiAffinity]),
            Case(name: "PodAntiAffinity symmetry check b2: incoming pod and existing pod partially match each other on AffinityTerms",
                 incoming: pod("", ["def": "", "xyz": ""], anti: [term("abc", .exists, at: "zone"), term("def", .exists, at: "zone")]),
                 existing: [(0, pod("", ["abc": "", "xyz": ""], anti: [term("abc", .exists, at: "zone"), term("def", .exists, at: "zone")]))],
                 expected: [antiAffinity]),
            // namespaceSelector on Kubernetes' own namespace label only (the team labels are not modelled).
            Case(name: "affinity with non-matching NamespaceSelector",
                 incoming: pod("", podLabel2, affinity: [term("service", .in, both, at: "region",
                                                              namespaceSelector: LabelSelector(matchLabels: ["team": "team1"]))]),
                 existing: [(0, pod("subteam1.team2", podLabel))], expected: [affinity]),
            Case(name: "anti-affinity with matching all NamespaceSelector",
                 incoming: pod("subteam1.team1", podLabel2, anti: [term("service", .in, both, at: "zone", namespaceSelector: LabelSelector())]),
                 existing: [(0, pod("subteam2.team1", podLabel))], expected: [antiAffinity]),
            Case(name: "anti-affinity with non-matching NamespaceSelector",
                 incoming: pod("subteam1.team1", podLabel2, anti: [term("service", .in, both, at: "zone",
                                                                        namespaceSelector: LabelSelector(matchLabels: ["team": "team1"]))]),
                 existing: [(0, pod("subteam1.team2", podLabel))], expected: [nil]),
        ])
    }

    /// TestRequiredAffinityMultipleNodes: all 18 cases.
    func testRequiredAffinityMultipleNodes() {
        let china = ["region": "China"], chinaAz1 = ["region": "China", "az": "az1"], india = ["region": "India"]
        func hosts(_ zones: [(region: String, zone: String)]) -> [[String: String]] {
            zones.enumerated().map { ["region": $0.element.region, "zone": $0.element.zone, "hostname": "node\($0.offset)"] }
        }
        let sameZone = hosts([("r1", "z1"), ("r1", "z1")]), twoZones = hosts([("r1", "z1"), ("r1", "z2")])
        check([china, chinaAz1, india], [
            Case(name: "A pod can be scheduled onto all the nodes that have the same topology key & label value with one of them has an existing pod that matches the affinity rules",
                 incoming: pod(affinity: [term("foo", .in, ["bar"], at: "region")]), existing: [(0, pod("", ["foo": "bar"]))],
                 expected: [nil, nil, affinity]),
            Case(name: "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB but can be scheduled onto nodeC",
                 incoming: pod(anti: [term("foo", .in, ["abc"], at: "region")]), existing: [(0, pod("", ["foo": "abc"]))],
                 expected: [antiAffinity, antiAffinity, nil]),
            Case(name: "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA, nodeB, but can be scheduled onto nodeC (NodeC has an existing pod that match the inter pod affinity rule but in different namespace)",
                 incoming: pod("NS1", ["foo": "123"], anti: [term("foo", .in, ["bar"], at: "region")]),
                 existing: [(0, pod("NS1", ["foo": "bar"])), (2, pod("NS2", anti: [term("foo", .in, ["123"], at: "region")]))],
                 expected: [antiAffinity, antiAffinity, nil]),
        ])
        let pair = ["foo": "bar", "service": "securityscan"]
        let group = [term("foo", .in, ["bar"], at: "zone"), term("service", .in, ["securityscan"], at: "zone")]
        check([["zone": "az1", "hostname": "h1"], ["zone": "az2", "hostname": "h2"]], [
            Case(name: "The affinity rule is to schedule all of the pods of this collection to the same zone. The first pod of the collection should not be blocked from being scheduled onto any node, even there's no existing pod that matches the rule anywhere.",
                 incoming: pod("", pair, affinity: group), existing: [(0, pod("", ["foo": "bar"]))], expected: [nil, nil]),
        ])
        check([["zoneLabel": "az1", "hostname": "h1"], ["zoneLabel": "az2", "hostname": "h2"]], [
            Case(name: "The first pod of the collection can only be scheduled on nodes labelled with the requested topology keys",
                 incoming: pod("", pair, affinity: group), existing: [(0, pod("", ["foo": "bar"]))], expected: [affinity, affinity]),
        ])
        check([["region": "r1", "hostname": "nodeA"], ["region": "r1", "hostname": "nodeB"]], [
            Case(name: "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB.",
                 incoming: pod(anti: [term("foo", .in, ["abc"], at: "region")]), existing: [(0, pod("", ["foo": "abc"]))],
                 expected: [antiAffinity, antiAffinity]),
        ])
        check(twoZones, [
            Case(name: "This test ensures that anti-affinity matches a pod when any term of the anti-affinity rule matches a pod.",
                 incoming: pod(anti: [term("foo", .in, ["abc"], at: "region"), term("service", .in, ["securityscan"], at: "zone")]),
                 existing: [(0, pod("", ["foo": "abc", "service": "securityscan"]))], expected: [antiAffinity, antiAffinity]),
            Case(name: "Test existing pod's anti-affinity: incoming pod wouldn't considered as a fit as it violates each existingPod's terms on all nodes",
                 incoming: pod("", ["foo": "", "bar": ""]),
                 existing: [(0, pod(anti: [term("foo", .exists, at: "zone")])), (0, pod(anti: [term("bar", .exists, at: "region")]))],
                 expected: [existingAnti, existingAnti]),
            Case(name: "Test incoming pod's anti-affinity: incoming pod wouldn't considered as a fit as it at least violates one anti-affinity rule of existingPod",
                 incoming: pod(anti: [term("foo", .exists, at: "zone"), term("bar", .exists, at: "region")]),
                 existing: [(0, pod("", ["foo": ""])), (1, pod("", ["bar": ""]))], expected: [antiAffinity, antiAffinity]),
            Case(name: "Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when one term has invalid topologyKey",
                 incoming: pod("", ["foo": "", "bar": ""]),
                 existing: [(0, pod(anti: [term("foo", .exists, at: "invalid-node-label"), term("bar", .exists, at: "zone")]))],
                 expected: [existingAnti, nil]),
            Case(name: "Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when one term has invalid topologyKey",
                 incoming: pod(anti: [term("foo", .exists, at: "invalid-node-label"), term("bar", .exists, at: "zone")]),
                 existing: [(0, pod("", ["foo": "", "bar": ""]))], expected: [antiAffinity, nil]),
            Case(name: "Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when all terms have valid topologyKey",
                 incoming: pod("", ["foo": "", "bar": ""]),
                 existing: [(0, pod(anti: [term("foo", .exists, at: "region"), term("bar", .exists, at: "zone")]))],
                 expected: [existingAnti, existingAnti]),
            Case(name: "Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when all terms have valid topologyKey",
                 incoming: pod(anti: [term("foo", .exists, at: "region"), term("bar", .exists, at: "zone")]),
                 existing: [(0, pod("", ["foo": "", "bar": ""]))], expected: [antiAffinity, antiAffinity]),
            Case(name: "Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys match, and the match logic should be satisfied on the same pod",
                 incoming: pod(affinity: [term("foo", .exists, at: "region"), term("bar", .exists, at: "zone")]),
                 existing: [(0, pod("", ["foo": ""])), (1, pod("", ["bar": ""]))], expected: [affinity, affinity]),
        ])
        check(sameZone, [
            Case(name: "Test existing pod's anti-affinity: if an existing pod has a term with invalid topologyKey, labelSelector of the term is firstly checked, and then topologyKey of the term is also checked",
                 incoming: pod("", ["foo": ""]), existing: [(0, pod(anti: [term("foo", .exists, at: "invalid-node-label")]))],
                 expected: [nil, nil]),
            Case(name: "Test incoming pod's anti-affinity: even if labelSelector matches, we still check if topologyKey matches",
                 incoming: pod(anti: [term("foo", .exists, at: "invalid-node-label")]), existing: [(0, pod("", ["foo": ""]))],
                 expected: [nil, nil]),
            Case(name: "Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys match",
                 incoming: pod(affinity: [term("foo", .exists, at: "region"), term("bar", .exists, at: "zone")]),
                 existing: [(0, pod("", ["foo": "", "bar": ""]))], expected: [nil, nil]),
        ])
        check(hosts([("r1", "z1"), ("r1", "z2"), ("r1", "z3")]), [
            Case(name: "Test existing pod's anti-affinity: existingPod on nodeA and nodeB has at least one anti-affinity term matches incoming pod, so incoming pod can only be scheduled to nodeC",
                 incoming: pod("", ["foo": "", "bar": ""]),
                 existing: [(0, pod(anti: [term("foo", .exists, at: "zone"), term("labelA", .exists, at: "zone")])),
                            (1, pod(anti: [term("bar", .exists, at: "zone"), term("labelB", .exists, at: "zone")]))],
                 expected: [existingAnti, existingAnti, nil]),
        ])
    }

    /// A Deployment whose replicas keep apart on `kubernetes.io/hostname`, with one replica more
    /// than nodes: the last stays Pending with kube-scheduler's message.
    func testAntiAffinityWithMoreReplicasThanNodesLeavesOnePending() throws {
        var web = SimulatorTests.deployment("web", replicas: 4, requests: ["cpu": "100m", "memory": "64Mi"])
        web["spec"]?["template"]?["spec"]?["affinity"] = ["podAntiAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": [
            ["labelSelector": ["matchLabels": ["app": "web"]], "topologyKey": "kubernetes.io/hostname"],
        ]]]
        let result = try SimulatorTests.simulate(try SimulatorTests.trace([(0, [web], [])]), SimulatorTests.cluster(nodes: 3))
        XCTAssertEqual(result.pods.filter { $0.phase == .running }.count, 3)
        XCTAssertEqual(Set(result.pods.compactMap(\.node)).count, 3, "one replica per node")
        let pending = try XCTUnwrap(result.pods.first { $0.phase == .pending })
        // Anti-affinity is a failure preemption could cure, but every pod has the same priority.
        XCTAssertEqual(pending.message, "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. "
            + "preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.")
    }
}
