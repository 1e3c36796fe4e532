import XCTest
@testable import SimArenaModel
@testable import SimArenaSimulation

/// PodTopologySpread's filter, case by case from kube-scheduler's own table in
/// `pkg/scheduler/framework/plugins/podtopologyspread/filtering_test.go`: all 23 cases of
/// `TestSingleConstraint` and all 13 of `TestMultipleConstraints`, transcribed into
/// `Tests/tables/podtopologyspread-filtering.json` under their upstream names. The incoming pod is
/// read from its pod template as a trace's would be, each spread constraint by the trace reader. Upstream asserts status codes: `Success` is no reason,
/// `Unschedulable` the skew reason, `UnschedulableAndUnresolvable` the missing-label reason.
final class PodTopologySpreadTests: XCTestCase {
    private struct Case {
        var test: String
        var name: String
        var pod: PodSchedulingRequirements
        var nodes: [SchedulerNode]
        var bound: [[PodSchedulingRequirements]]
        var want: [String?]
    }

    private func loadCases() throws -> [Case] {
        let table = try Document.read(Fixtures.repositoryRoot + "/Tests/tables/podtopologyspread-filtering.json")
        return try table["cases"]!.requireArray(at: "cases").map { item in
            let name = try item["name"]!.requireString(at: "name")
            let namespace = try item["pod"]!["namespace"]!.requireString(at: "namespace")
            // Each constraint is read on its own: two upstream cases give a pod two constraints on
            // `zone` with DoNotSchedule, which the API server would refuse as duplicates but
            // the scheduler's test feeds straight to the plugin.
            var templateValue = item["pod"]!["template"]!
            let constraints = templateValue["spec"]!["topologySpreadConstraints"]!
            templateValue["spec"]?["topologySpreadConstraints"] = nil
            var pod = try PodSchedulingRequirements(template: PodTemplate(templateValue, at: name), at: name, namespace: namespace)
            pod.spreadConstraints = try constraints.requireArray(at: name).map {
                try TopologySpreadConstraint($0, at: name, podLabels: pod.labels)
            }
            let nodes = try item["nodes"]!.requireArray(at: "nodes").map { node in
                SchedulerNode(
                    name: try node["name"]!.requireString(at: "name"),
                    labels: try Self.labels(node["labels"]),
                    taints: try (node["taints"]?.requireArray(at: "taints") ?? []).map { try Taint($0, at: "taint") },
                    allocatable: ResourceAmounts(cpuMillis: 1000, memoryBytes: 1 << 30))
            }
            var bound = Array(repeating: [PodSchedulingRequirements](), count: nodes.count)
            for existing in try item["existingPods"]!.requireArray(at: "existingPods") {
                // A terminating pod is not counted (upstream skips pods with a deletion timestamp);
                // the simulator never has one, since deleted pods leave at once, so the table's
                // terminating pods are left off here.
                if existing["terminating"]?.boolValue == true { continue }
                let nodeName = try existing["node"]!.requireString(at: "node")
                guard let index = nodes.firstIndex(where: { $0.name == nodeName }) else { continue }
                bound[index].append(PodSchedulingRequirements(
                    namespace: try existing["namespace"]!.requireString(at: "namespace"), labels: try Self.labels(existing["labels"])))
            }
            let want = try item["want"]!.requireMap(at: "want")
            return Case(
                test: try item["test"]!.requireString(at: "test"), name: name, pod: pod, nodes: nodes, bound: bound,
                want: try nodes.map { node -> String? in
                    switch try want[node.name]!.requireString(at: node.name) {
                    case "Success": return nil
                    case "Unschedulable": return Scheduler.Reason.spreadConstraints
                    default: return Scheduler.Reason.spreadMissingLabel
                    }
                })
        }
    }

    private static func labels(_ value: KValue?) throws -> [String: String] {
        var labels: [String: String] = [:]
        for entry in try value?.requireMap(at: "labels").entries ?? [] {
            labels[try entry.key.requireString(at: "label")] = try entry.value.requireString(at: "label")
        }
        return labels
    }

    func testKubeSchedulerFilterTable() throws {
        let cases = try loadCases()
        XCTAssertEqual(cases.filter { $0.test == "TestSingleConstraint" }.count, 23)
        XCTAssertEqual(cases.filter { $0.test == "TestMultipleConstraints" }.count, 13)
        for test in cases {
            let filter = PodTopologySpread(pod: test.pod, nodes: test.nodes, boundPods: test.bound)
            XCTAssertNotNil(filter, test.name)
            XCTAssertEqual(test.nodes.map { filter?.failure(on: $0)?.reasons.first }, test.want, "\(test.test): \(test.name)")
            // Upstream's status codes: the missing label is UnschedulableAndUnresolvable, the skew is not.
            XCTAssertEqual(test.nodes.map { filter?.failure(on: $0)?.unresolvable }, test.want.map { reason in
                reason.map { $0 == Scheduler.Reason.spreadMissingLabel }
            }, "\(test.test): \(test.name)")
        }
    }

    func testScheduleAnywayAndNoConstraintsSkipTheFilter() throws {
        let soft = TopologySpreadConstraint(maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: .scheduleAnyway,
                                            labelSelector: LabelSelector())
        let node = SchedulerNode(name: "n", allocatable: ResourceAmounts(cpuMillis: 1, memoryBytes: 1))
        XCTAssertNil(PodTopologySpread(pod: PodSchedulingRequirements(spreadConstraints: [soft]), nodes: [node], boundPods: [[]]))
        XCTAssertNil(PodTopologySpread(pod: PodSchedulingRequirements(), nodes: [node], boundPods: [[]]))
    }

    /// `matchLabelKeys` joins the selector with the pod's own values (keys it lacks are ignored),
    /// as the API server merges them; the API server's checks are kept.
    func testReadingMatchLabelKeysAndTheAPIServersChecks() throws {
        func read(_ json: String, labels: [String: String] = ["app": "web", "pod-template-hash": "abc"]) throws -> TopologySpreadConstraint {
            try TopologySpreadConstraint(JSONReader.parse(Array(json.utf8)), at: "c", podLabels: labels)
        }
        let merged = try read(#"{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": "web"}}, "matchLabelKeys": ["pod-template-hash", "missing"]}"#)
        XCTAssertTrue(merged.labelSelector!.matches(["app": "web", "pod-template-hash": "abc"]))
        XCTAssertFalse(merged.labelSelector!.matches(["app": "web", "pod-template-hash": "old"]))
        XCTAssertEqual(merged.minDomains, 1)
        XCTAssertEqual(merged.nodeAffinityPolicy, .honor)
        XCTAssertEqual(merged.nodeTaintsPolicy, .ignore)

        let refused: [(String, String)] = [
            (#"{"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"}"#, "c.maxSkew: 0 must be a positive 32-bit integer"),
            (#"{"maxSkew": 1, "whenUnsatisfiable": "DoNotSchedule"}"#, "c.topologyKey: required"),
            (#"{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "Maybe"}"#,
             #"c.whenUnsatisfiable: "Maybe" is not DoNotSchedule or ScheduleAnyway"#),
            (#"{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway", "minDomains": 2}"#,
             "c.minDomains: may be set only when whenUnsatisfiable is DoNotSchedule"),
            (#"{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "nodeTaintsPolicy": "Always"}"#,
             #"c.nodeTaintsPolicy: "Always" is not Honor or Ignore"#),
            (#"{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": "web"}}, "matchLabelKeys": ["app"]}"#,
             #"c.matchLabelKeys[0]: "app" is also in labelSelector"#),
            (#"{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "matchLabelKeys": ["app"]}"#,
             "c.matchLabelKeys: must not be specified when labelSelector is not set"),
        ]
        for (json, message) in refused {
            XCTAssertThrowsError(try read(json), json) { XCTAssertEqual(($0 as? SimArenaError)?.message, message) }
        }
    }

    func testTwoConstraintsWithTheSameKeyAndActionAreRefused() throws {
        let list = try JSONReader.parse(Array(#"""
            [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {}},
             {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {}},
             {"maxSkew": 2, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {}}]
            """#.utf8))
        XCTAssertThrowsError(try TopologySpreadConstraint.list(list, at: "s", podLabels: [:])) {
            XCTAssertEqual(($0 as? SimArenaError)?.message,
                           #"s[2]: another constraint has topologyKey "zone" and whenUnsatisfiable DoNotSchedule"#)
        }
    }
}
