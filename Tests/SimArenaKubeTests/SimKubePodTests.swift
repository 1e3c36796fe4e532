import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation
@testable import SimArenaKube

/// Pods from the API as the observation sees them: reasons, restarts, OOM kills and owners.
final class SimKubePodTests: XCTestCase {
    private func status(_ pod: KValue) throws -> Observation.PodStatus {
        try Observation.PodStatus(kubernetesPod: pod, virtualNamespacePrefix: "virtual")
    }

    func testUnschedulableFromThePodScheduledCondition() throws {
        let pod = try status([
            "metadata": ["name": "web-1", "namespace": "virtual-shop"],
            "status": ["phase": "Pending", "conditions": [["type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                                           "message": "0/3 nodes are available: 3 Insufficient cpu."]]],
        ])
        XCTAssertEqual([pod.namespace, pod.workloadKind, pod.workloadName, pod.phase], ["shop", "Pod", "web-1", "Pending"])
        XCTAssertEqual(pod.reason, "Unschedulable")
        XCTAssertEqual(pod.message, "0/3 nodes are available: 3 Insufficient cpu.")
        XCTAssertFalse(pod.ready)
    }

    func testCrashLoopRestartsAndOOMKillFromContainerStatuses() throws {
        let pod = try status([
            "metadata": ["name": "db-0", "namespace": "virtual-default",
                         "ownerReferences": [["kind": "StatefulSet", "name": "db", "controller": true]]],
            "status": ["phase": "Running", "conditions": [["type": "Ready", "status": "False"]], "containerStatuses": [
                ["restartCount": 3, "state": ["waiting": ["reason": "CrashLoopBackOff"]],
                 "lastState": ["terminated": ["reason": "OOMKilled", "exitCode": 137]]],
                ["restartCount": 1, "state": ["running": [:]]],
            ]],
        ])
        XCTAssertEqual([pod.workloadKind, pod.workloadName, pod.reason], ["StatefulSet", "db", "CrashLoopBackOff"])
        XCTAssertEqual(pod.restartCount, 4)
        XCTAssertTrue(pod.oomKilled)
    }

    func testEvictedAndAReplicaSetWithoutTheHashLabelKeepsItsOwner() throws {
        let pod = try status([
            "metadata": ["name": "x-abc-1", "namespace": "virtual-default",
                         "ownerReferences": [["kind": "ReplicaSet", "name": "x-abc", "controller": true]]],
            "status": ["phase": "Failed", "reason": "Evicted", "message": "The node was low on resource: memory."],
        ])
        XCTAssertEqual([pod.workloadKind, pod.workloadName, pod.reason], ["ReplicaSet", "x-abc", "Evicted"])
        XCTAssertEqual(pod.usage, .zero)
    }

    /// A pod's requests are the pod's, as the embedded simulator counts them (every container,
    /// the larger of init containers), printed as Kubernetes prints the pod's own quantities.
    func testRequestsAreThePodsEffectiveRequestsInItsOwnNotation() throws {
        let pod = try status([
            "metadata": ["name": "web-1", "namespace": "virtual-default"],
            "spec": [
                "initContainers": [["name": "migrate", "resources": ["requests": ["cpu": "2", "memory": "64Mi"]]]],
                "containers": [
                    ["name": "web", "resources": ["requests": ["cpu": "500m", "memory": "1000M"]]],
                    ["name": "proxy", "resources": ["requests": ["cpu": "100m", "memory": "24M"]]],
                ],
            ],
            "status": ["phase": "Running"],
        ])
        XCTAssertEqual(pod.requests, ResourceAmounts(cpuMillis: 2000, memoryBytes: 1_024_000_000))
        let printed = SimKubeResult(simulation: "s", duration: 1, pods: [pod]).value["pods"]?[0]?["requests"]
        XCTAssertEqual(printed, ["cpu": "2", "memory": "1024M"])
    }
}
