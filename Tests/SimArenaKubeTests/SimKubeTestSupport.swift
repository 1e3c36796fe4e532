import Foundation
import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation
@testable import SimArenaKube

/// A client of the loopback server for the SimKube tests, as user alice.
func simKubeClient(_ server: KubeTestServer, token: String = SimKubeTestToken.value, connect: Double = 2) throws -> KubeClient {
    try KubeClient(
        connection: KubeConnection(cluster: KubeCluster(server: server.url), user: KubeUser(token: SecretText(token)), userName: "alice"),
        timeouts: HTTPTransport.Timeouts(connect: connect, total: 10), retryPolicy: RetryPolicy(maxAttempts: 2, sleep: { _ in }))
}

enum SimKubeTestToken {
    static let value = "tok-5b1e-simkube"
}

/// Settings that keep the tests quick: polls every 50 ms, at most 5 s to start.
func quickSimKubeSettings() -> SimKubeSettings {
    var settings = SimKubeSettings()
    settings.pollSeconds = 0.05
    settings.startTimeoutSeconds = 5
    return settings
}

/// The paths of the requests the server saw with `method`.
func requestPaths(_ server: KubeTestServer, _ method: String) throws -> [String] {
    try server.requests().filter { $0["method"] as? String == method }.compactMap { $0["path"] as? String }
}

/// The repository's demo traces folder.
let demoTracesFolder: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/SimArenaKubeTests/SimKubeTestSupport.swift
    return parts.joined(separator: "/") + "/demo/traces"
}()

/// An embedded simulator's pod as the Kubernetes API shows it (the test server serves these):
/// in the virtual namespace, owned by its ReplicaSet with the pod-template-hash label, with the
/// PodScheduled and Ready conditions and container states the kubelet would report.
func kubernetesPod(_ pod: SimulationResult.Pod, prefix: String = "virtual") -> [String: Any] {
    func state(_ state: ContainerState?) -> [String: Any] {
        switch state {
        case .waiting(let reason)?: return ["waiting": ["reason": reason]]
        case .running?: return ["running": ["startedAt": "2026-11-25T12:00:00Z"]]
        case .terminated(let reason, let exitCode, _)?: return ["terminated": ["reason": reason, "exitCode": Int(exitCode)]]
        case nil: return [:]
        }
    }
    var metadata: [String: Any] = ["name": pod.name, "namespace": "\(prefix)-\(pod.namespace)"]
    if pod.ownerKind != "Pod" {
        metadata["ownerReferences"] = [["apiVersion": "apps/v1", "kind": pod.ownerKind, "name": pod.ownerName, "controller": true]]
    }
    if pod.ownerKind == "ReplicaSet", pod.ownerName.hasPrefix(pod.workloadName + "-") {
        metadata["labels"] = ["pod-template-hash": String(pod.ownerName.dropFirst(pod.workloadName.count + 1))]
    }
    var scheduled: [String: Any] = ["type": "PodScheduled", "status": pod.node == nil ? "False" : "True"]
    if pod.node == nil, pod.reason == "Unschedulable" {
        scheduled["reason"] = "Unschedulable"
        scheduled["message"] = pod.message ?? ""
    }
    var status: [String: Any] = [
        "phase": pod.phase.rawValue,
        "conditions": [scheduled, ["type": "Ready", "status": pod.ready ? "True" : "False"]],
        "containerStatuses": pod.containers.map { container in
            ["name": container.name, "ready": container.ready, "restartCount": container.restartCount,
             "state": state(container.state), "lastState": state(container.lastState)] as [String: Any]
        },
    ]
    if pod.reason == "Evicted" { status["reason"] = "Evicted" }
    var spec: [String: Any] = [
        "containers": pod.containers.map { container in
            ["name": container.name, "resources": ["requests": [
                "cpu": Quantity.millis(container.requests.cpuMillis).description,
                "memory": Quantity.bytes(container.requests.memoryBytes).description]]] as [String: Any]
        },
    ]
    if let node = pod.node { spec["nodeName"] = node }
    return ["apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status]
}
