import XCTest
@testable import SimArenaModel
@testable import SimArenaSimulation

/// Priority, preemption and topology spread through the whole simulator: PriorityClasses from
/// the trace and the cluster spec, pods refused for an unknown class, a higher-priority
/// Deployment evicting a lower one, and a spread over too few zones.
final class PriorityAndSpreadSimulationTests: XCTestCase {
    private static func priorityClass(_ name: String, _ value: Int64) -> KValue {
        ["apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": ["name": .string(name)], "value": .int(value)]
    }

    private static func deployment(_ name: String, replicas: Int64, cpu: String, priorityClass: String? = nil) -> KValue {
        var web = SimulatorTests.deployment(name, replicas: replicas, requests: ["cpu": .string(cpu), "memory": "1Gi"])
        if let priorityClass { web["spec"]?["template"]?["spec"]?["priorityClassName"] = .string(priorityClass) }
        return web
    }

    func testAHigherPriorityDeploymentPreemptsALowerOne() throws {
        let trace = try SimulatorTests.trace([
            (0, [Self.priorityClass("low", 100), Self.deployment("batch", replicas: 2, cpu: "3", priorityClass: "low")], []),
            (10, [Self.priorityClass("high", 1000), Self.deployment("web", replicas: 1, cpu: "3", priorityClass: "high")], []),
        ])
        let result = try SimulatorTests.simulate(trace, SimulatorTests.cluster(nodes: 2, cpu: 4000, memory: 8 << 30))
        let web = try XCTUnwrap(result.pods.first { $0.workloadName == "web" })
        XCTAssertEqual(web.phase, .running)
        XCTAssertEqual(web.node, "node-0", "equal candidates: the lowest node index")
        XCTAssertEqual(web.scheduledAt, 10_000, "bound in the instant its victim left")

        let preempted = result.events.filter { $0.reason == "Preempted" }
        XCTAssertEqual(preempted.count, 1)
        XCTAssertEqual(preempted.first?.time, 10_000)
        XCTAssertEqual(preempted.first?.message, "Preempted by pod default/\(web.name) on node node-0")
        XCTAssertFalse(result.pods.contains { "Pod/default/\($0.name)" == preempted.first?.object }, "the victim is gone")
        XCTAssertFalse(result.events.contains { $0.reason == "SuccessfulDelete" }, "the scheduler deleted it, not its controller")
        let failed = result.events.filter { $0.reason == "FailedScheduling" && $0.object == "Pod/default/\(web.name)" }
        XCTAssertEqual(failed.map(\.message), ["0/2 nodes are available: 2 Insufficient cpu."],
                       "a preemption that succeeds adds nothing to the message")

        // The victim's replacement waits: nothing of lower priority is left to evict.
        let batch = result.pods.filter { $0.workloadName == "batch" }
        XCTAssertEqual(batch.map(\.phase).sorted { $0.rawValue < $1.rawValue }, [.pending, .running])
        XCTAssertEqual(batch.first { $0.phase == .pending }?.message,
                       "0/2 nodes are available: 2 Insufficient cpu. "
                           + "preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.")
    }

    func testTheClustersGlobalDefaultClassAndARefusedPod() throws {
        var cluster = SimulatorTests.cluster(nodes: 1, cpu: 4000, memory: 8 << 30)
        cluster.priorityClasses = [PriorityClass(name: "standard", value: 500, globalDefault: true)]
        let trace = try SimulatorTests.trace([
            (0, [Self.priorityClass("low", 100), Self.deployment("batch", replicas: 1, cpu: "3", priorityClass: "low")], []),
            (5, [Self.deployment("web", replicas: 1, cpu: "3"), Self.deployment("ghost", replicas: 2, cpu: "1", priorityClass: "missing")], []),
        ])
        let result = try SimulatorTests.simulate(trace, cluster)
        XCTAssertEqual(result.pods.first { $0.workloadName == "web" }?.phase, .running, "the default class (500) outranks low (100)")
        XCTAssertEqual(result.pods.filter { $0.workloadName == "ghost" }.count, 0)
        let refused = result.events.filter { $0.reason == "FailedCreate" }
        XCTAssertEqual(refused.count, 1, "once per reason, not once per attempt")
        XCTAssertEqual(refused.first?.type, .warning)
        XCTAssertTrue(refused.first?.object.hasPrefix("ReplicaSet/default/ghost-") == true)
        XCTAssertTrue(refused.first?.message.hasSuffix("is forbidden: no PriorityClass with name missing was found") == true)
    }

    func testPreemptionPolicyNeverWaits() throws {
        var never = Self.priorityClass("patient", 1000)
        never["preemptionPolicy"] = "Never"
        let trace = try SimulatorTests.trace([
            (0, [Self.deployment("batch", replicas: 1, cpu: "3")], []),
            (5, [never, Self.deployment("web", replicas: 1, cpu: "3", priorityClass: "patient")], []),
        ])
        let result = try SimulatorTests.simulate(trace, SimulatorTests.cluster(nodes: 1, cpu: 4000, memory: 8 << 30))
        let web = try XCTUnwrap(result.pods.first { $0.workloadName == "web" })
        XCTAssertEqual(web.phase, .pending)
        XCTAssertEqual(web.message, "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.")
    }

    /// A Deployment spread over zones with `minDomains: 3` on a cluster of two zones: each zone
    /// may hold one more pod than the (counted as empty) third, so two of four replicas wait.
    func testASpreadOverTooFewZonesLeavesReplicasPending() throws {
        var web = SimulatorTests.deployment("web", replicas: 4, requests: ["cpu": "100m", "memory": "64Mi"])
        func spread(minDomains: KValue) -> KValue {
            [["maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule", "minDomains": minDomains,
              "labelSelector": ["matchLabels": ["app": "web"]]]]
        }
        web["spec"]?["template"]?["spec"]?["topologySpreadConstraints"] = spread(minDomains: 3)
        let pools = ["a", "b"].map { zone in
            ClusterSpec.NodePool(name: "zone-\(zone)", count: 1, allocatable: ResourceAmounts(cpuMillis: 4000, memoryBytes: 8 << 30),
                                 labels: ["topology.kubernetes.io/zone": zone])
        }
        let result = try SimulatorTests.simulate(try SimulatorTests.trace([(0, [web], [])]), ClusterSpec(nodePools: pools))
        XCTAssertEqual(result.pods.filter { $0.phase == .running }.compactMap(\.node).sorted(), ["zone-a-0", "zone-b-0"])
        let pending = result.pods.filter { $0.phase == .pending }
        XCTAssertEqual(pending.count, 2)
        XCTAssertEqual(pending.first?.message, "0/2 nodes are available: 2 node(s) didn't match pod topology spread constraints. "
            + "preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.")

        // Without minDomains the two zones take two each.
        web["spec"]?["template"]?["spec"]?["topologySpreadConstraints"] = spread(minDomains: .null)
        let even = try SimulatorTests.simulate(try SimulatorTests.trace([(0, [web], [])]), ClusterSpec(nodePools: pools))
        XCTAssertEqual(even.pods.filter { $0.phase == .running }.count, 4)
    }

    func testClusterSpecPriorityClassesAreChecked() throws {
        func load(_ classes: String) throws -> ClusterSpec {
            try ClusterSpec(JSONReader.parse(Array(#"{"nodePools": [{"name": "n", "count": 1, "allocatable": {"cpu": "1", "memory": "1Gi"}}], "priorityClasses": \#(classes)}"#.utf8)))
        }
        XCTAssertEqual(try load(#"[{"name": "high", "value": 1000, "preemptionPolicy": "Never"}]"#).priorityClasses,
                       [PriorityClass(name: "high", value: 1000, preemptionPolicy: .never)])
        let refused: [(String, String)] = [
            (#"[{"name": "a", "value": 1}, {"name": "a", "value": 2}]"#, #"priorityClasses: two classes are named "a""#),
            (#"[{"name": "a", "value": 1, "globalDefault": true}, {"name": "b", "value": 2, "globalDefault": true}]"#,
             "priorityClasses: more than one is globalDefault; only one default can exist"),
            (#"[{"name": "a", "value": 2000000000}]"#,
             "priorityClasses[0].value: 2000000000 is outside -2147483648...1000000000, the range of a user's PriorityClass"),
            (#"[{"name": "system-mine", "value": 1}]"#, #"priorityClasses[0]: "system-mine": the prefix system- is reserved for Kubernetes' own classes"#),
            (#"[{"name": "a"}]"#, "priorityClasses[0].value: required"),
        ]
        for (classes, message) in refused {
            XCTAssertThrowsError(try load(classes), classes) { XCTAssertEqual(($0 as? SimArenaError)?.message, message) }
        }
    }

    /// The room a preemption makes is the preemptor's: a lower-priority pod later in the same
    /// queue (here applied in the same event) does not take it. (Before, it did, and the
    /// preemptor evicted again and again.)
    func testThePreemptorGetsTheRoomItMade() throws {
        let trace = try SimulatorTests.trace([
            (0, [Self.priorityClass("low", 100), Self.deployment("batch", replicas: 2, cpu: "2", priorityClass: "low")], []),
            (10, [Self.priorityClass("high", 1000), Self.deployment("web", replicas: 1, cpu: "2", priorityClass: "high"),
                  Self.deployment("other", replicas: 1, cpu: "2", priorityClass: "low")], []),
        ])
        let result = try SimulatorTests.simulate(trace, SimulatorTests.cluster(nodes: 1, cpu: 4000, memory: 8 << 30))
        XCTAssertEqual(result.events.filter { $0.reason == "Preempted" }.count, 1)
        XCTAssertEqual(result.pods.first { $0.workloadName == "web" }?.phase, .running)
        XCTAssertEqual(result.pods.filter { $0.workloadName != "web" && $0.phase == .running }.count, 1)
    }

    /// Pods refused for want of their class are created once it exists, as controllers retry;
    /// within one event the classes come first. Kubernetes' own classes may appear in a trace.
    func testAClassThatArrivesLaterUnblocksItsPods() throws {
        let trace = try SimulatorTests.trace([
            (0, [Self.deployment("web", replicas: 2, cpu: "1", priorityClass: "later"),
                 Self.deployment("api", replicas: 1, cpu: "1", priorityClass: "same-event"), Self.priorityClass("same-event", 10)], []),
            (5, [Self.priorityClass("later", 100), Self.priorityClass("system-node-critical", 2_000_001_000)], []),
        ])
        let result = try SimulatorTests.simulate(trace, SimulatorTests.cluster(nodes: 1, cpu: 4000, memory: 8 << 30))
        XCTAssertEqual(result.pods.filter { $0.phase == .running }.count, 3)
        let refused = result.events.filter { $0.reason == "FailedCreate" }
        XCTAssertEqual(refused.count, 1, "only web waited for its class")
        let replicaSet = try XCTUnwrap(refused.first?.object.split(separator: "/").last)
        XCTAssertEqual(refused.first?.message, #"Error creating: pods "\#(replicaSet)-" is forbidden: no PriorityClass with name later was found"#)
        XCTAssertEqual(refused.first?.time, 0)
        XCTAssertEqual(result.pods.filter { $0.workloadName == "web" }.compactMap(\.scheduledAt), [5000, 5000])
    }

    /// The Priority admission plugin refuses a pod whose own `spec.priority` disagrees with its class.
    func testAPodsOwnPriorityMustAgreeWithItsClass() throws {
        var web = Self.deployment("web", replicas: 1, cpu: "1", priorityClass: "high")
        web["spec"]?["template"]?["spec"]?["priority"] = 5
        let result = try SimulatorTests.simulate(try SimulatorTests.trace([(0, [Self.priorityClass("high", 1000), web], [])]),
                                                 SimulatorTests.cluster(nodes: 1))
        XCTAssertEqual(result.pods.count, 0)
        XCTAssertTrue(result.events.first { $0.reason == "FailedCreate" }?.message.hasSuffix(
            "the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name") == true)
    }
}
