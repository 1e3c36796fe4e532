import Foundation
import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation
@testable import SimArenaKube

/// NamespaceSnapshot against the loopback API server: the live namespace `shop` (a Deployment
/// with an OOM-killed pod, one whose user declares its own usage and cannot pull its image, and a
/// StatefulSet with a Pending pod) becomes a trace that the embedded simulator replays, read
/// with GET requests only.
final class NamespaceSnapshotTests: XCTestCase {
    private var server: KubeTestServer!

    override func setUpWithError() throws {
        server = try KubeTestServer(tls: false, tokens: ["alice": SimKubeTestToken.value])
    }

    override func tearDownWithError() throws {
        server?.stop()
    }

    private func take(_ namespace: String = "shop") throws -> NamespaceSnapshot {
        try NamespaceSnapshot.take(client: try simKubeClient(server), namespace: namespace)
    }

    private func usage(_ object: KValue) -> String? {
        object["spec"]?["template"]?["metadata"]?["annotations"]?[UsageAnnotation.key]?.stringValue
    }

    func testALiveNamespaceBecomesATraceThatReproducesItsOOMKill() throws {
        try server.controlSimKube(LiveShop.control())
        let snapshot = try take()
        let trace = try Trace(document: snapshot.trace.document)
        XCTAssertEqual(trace.version, 2)
        XCTAssertEqual(trace.trackedObjects.map(\.gvk.description), ["apps/v1.Deployment", "apps/v1.StatefulSet"])
        XCTAssertEqual(trace.events.count, 1)
        XCTAssertEqual(trace.events[0].ts, Int64(try XCTUnwrap(RFC3339.parse("2026-03-02T09:30:00Z"))), "the newest creationTimestamp")
        let objects = trace.events[0].applied
        XCTAssertEqual(objects.map { "\($0["kind"]?.stringValue ?? "")/\($0["metadata"]?["name"]?.stringValue ?? "")" },
                       ["Deployment/api", "Deployment/web", "StatefulSet/db"])

        // Cleaned as SimKube's tracer cleans objects.
        let web = objects[1]
        XCTAssertEqual(web["apiVersion"], "apps/v1")
        XCTAssertNil(web["status"])
        XCTAssertEqual(Set(web["metadata"]?.mapValue?.stringKeys ?? []), ["name", "namespace", "labels", "annotations"])
        XCTAssertEqual(web["metadata"]?["annotations"], ["team": "payments"])

        // Usage: the largest over the pods; memory above the limit where the container was OOM-killed.
        XCTAssertEqual(usage(web), #"{"web":{"cpu":"300m","memory":"282Mi"}}"#)
        XCTAssertEqual(usage(objects[2]), #"{"db":{"cpu":"400m","memory":"700Mi"}}"#)
        XCTAssertEqual(usage(objects[0]), LiveShop.apiOwnUsage, "a user's own declaration is kept")
        XCTAssertEqual(ObservedUsage.oomMemory(limit: 256 << 20), 282 << 20)
        XCTAssertEqual(snapshot.warnings, [
            "Deployment api: its own simarena.io/usage annotation is kept; the observed usage is not written",
            "pod api-5f7c8d9b6-q8w2e: container api is in ImagePullBackOff, which the simulator does not model; its simulated copy starts normally",
        ])

        // The cluster: node-a and node-b alike; node-c less what the pods outside the trace request.
        XCTAssertEqual(try DeclaredCluster.spec(of: trace), ClusterSpec(nodePools: [
            .init(name: "node-a", count: 2, allocatable: ResourceAmounts(cpuMillis: 4000, memoryBytes: 8 << 30),
                  labels: ["kubernetes.io/os": "linux", "pool": "general"]),
            .init(name: "node-c", count: 1, allocatable: ResourceAmounts(cpuMillis: 6900, memoryBytes: 15290 << 20), allocatablePods: 108,
                  labels: ["kubernetes.io/os": "linux", "pool": "db"], taints: [Taint(key: "dedicated", value: "db", effect: .noSchedule)]),
        ]))

        let outcome = try EmbeddedCluster(clusterPath: nil, durationSeconds: 90)
            .simulate(trace, seed: 1, step: StepIdentity(run: "", episode: 1, step: 1))
        let pods = try XCTUnwrap(outcome as? SimulationResult).pods
        XCTAssertTrue(pods.allSatisfy { $0.node?.hasPrefix("node-a-") == true }, "on the declared cluster, off the tainted node")
        XCTAssertEqual(pods.filter { $0.workloadName == "web" }.map(\.oomKilled), [true, true])
        XCTAssertFalse(pods.filter { $0.workloadName != "web" }.contains { $0.oomKilled })
    }

    func testOnlyGetRequestsAreSent() throws {
        try server.controlSimKube(LiveShop.control())
        _ = try take()
        let requests = try server.requests()
        XCTAssertEqual(Set(requests.compactMap { $0["method"] as? String }), ["GET"])
        XCTAssertEqual(requests.compactMap { $0["path"] as? String }, [
            "/api/v1/namespaces/shop", "/apis/apps/v1/namespaces/shop/deployments", "/apis/apps/v1/namespaces/shop/statefulsets",
            "/api/v1/namespaces/shop/pods", "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods", "/api/v1/nodes", "/api/v1/pods",
        ])
    }

    func testAForbiddenRequiredListFailsAsPreflightReportsAMissingPermission() throws {
        try server.controlSimKube(LiveShop.control(forbidden: ["list deployments"]))
        XCTAssertThrowsError(try take()) { error in
            XCTAssertEqual(error as? SimArenaError, SimArenaError(.temporary,
                #"user "alice" may not list deployments.apps in namespace "shop"; fix: bind a Role in shop that grants get and list on namespaces, pods, deployments.apps and statefulsets.apps (docs/namespace-snapshot.md)"#))
        }
        XCTAssertEqual(message { try self.take("nowhere") },
                       "namespace nowhere does not exist; fix: check the name and the kubeconfig context (kubectl get namespaces)")
    }

    func testWithoutMetricsOnlyTheOOMKillGivesUsage() throws {
        try server.controlSimKube(LiveShop.control(metrics: false))
        let snapshot = try take()
        XCTAssertEqual(snapshot.warnings.first,
                       "PodMetrics not read (404 Not Found on GET /apis/metrics.k8s.io/v1beta1/namespaces/shop/pods: the server could not find the requested resource): no usage is taken from metrics, so the simulated containers use their requests")
        let objects = snapshot.trace.events[0].applied
        XCTAssertNil(usage(objects[2]), "no metrics, no usage for db")
        XCTAssertEqual(usage(objects[1]), #"{"web":{"memory":"282Mi"}}"#, "the OOM kill is still reproduced")
    }

    func testForbiddenNodesLeaveTheClusterUndeclared() throws {
        try server.controlSimKube(LiveShop.control(forbidden: ["list nodes"]))
        let snapshot = try take()
        XCTAssertEqual(snapshot.warnings.last,
                       #"nodes not read (user "alice" may not list nodes): the trace declares no cluster, so the embedded simulator uses its demo cluster (three 16-CPU/32Gi nodes)"#)
        XCTAssertNil(snapshot.trace.document["metadata"])
        XCTAssertNil(try DeclaredCluster.spec(of: snapshot.trace))
        XCTAssertFalse(try requestPaths(server, "GET").contains("/api/v1/pods"))
    }

    func testTheSameAnswersGiveTheSameBytes() throws {
        try server.controlSimKube(LiveShop.control())
        let first = try JSONWriter.encode(take().trace.document, pretty: true)
        let second = try JSONWriter.encode(take().trace.document, pretty: true)
        XCTAssertEqual(first, second)
    }
}

/// The live namespace `shop` and its cluster, as the test server serves them.
enum LiveShop {
    static let apiOwnUsage = #"{"api":{"cpu":"100m","memory":"100Mi"}}"#

    static func control(metrics: Bool = true, forbidden: [String] = []) -> [String: Any] {
        var shop: [String: Any] = ["deployments": [web, api], "statefulsets": [db], "pods": pods]
        if metrics { shop["podMetrics"] = podMetrics }
        let coreDNS = pod("coredns-7db6d8ff4d-2xk8l", namespace: "kube-system", owner: ("ReplicaSet", "coredns-7db6d8ff4d"),
                          node: "node-c", requests: ["cpu": "100m", "memory": "70Mi"])
        return ["live": ["shop": shop, "kube-system": ["pods": [coreDNS]]], "nodes": nodes, "forbidden": forbidden]
    }

    /// A live object's metadata, with what the tracer drops.
    static func metadata(_ name: String, created: String, annotations: [String: String] = [:]) -> [String: Any] {
        ["name": name, "namespace": "shop", "uid": "3f6c1e2a-\(name)", "resourceVersion": "48213", "generation": 3,
         "creationTimestamp": created, "labels": ["app": name],
         "annotations": annotations.merging(["deployment.kubernetes.io/revision": "3",
                                             "kubectl.kubernetes.io/last-applied-configuration": #"{"kind":"Deployment"}"#]) { $1 },
         "managedFields": [["manager": "kubectl", "operation": "Update", "time": created]]]
    }

    static func workload(_ kind: String, _ name: String, replicas: Int, created: String, containers: [[String: Any]],
                         templateAnnotations: [String: String] = [:]) -> [String: Any] {
        var spec: [String: Any] = [
            "replicas": replicas, "selector": ["matchLabels": ["app": name]],
            "template": ["metadata": ["labels": ["app": name], "annotations": templateAnnotations],
                         "spec": ["containers": containers, "restartPolicy": "Always"]],
        ]
        if kind == "StatefulSet" { spec["serviceName"] = name }
        return ["metadata": metadata(name, created: created, annotations: kind == "Deployment" ? ["team": "payments"] : [:]),
                "spec": spec, "status": ["replicas": replicas, "readyReplicas": 1]]
    }

    static func container(_ name: String, requests: [String: String], memoryLimit: String? = nil) -> [String: Any] {
        var resources: [String: Any] = ["requests": requests]
        if let memoryLimit { resources["limits"] = ["memory": memoryLimit] }
        return ["name": name, "image": "registry.example/\(name):1.4", "resources": resources]
    }

    static var web: [String: Any] {
        workload("Deployment", "web", replicas: 2, created: "2026-03-01T10:00:00Z", containers: [
            container("web", requests: ["cpu": "250m", "memory": "128Mi"], memoryLimit: "256Mi"),
        ])
    }
    static var api: [String: Any] {
        workload("Deployment", "api", replicas: 1, created: "2026-03-02T09:30:00Z", containers: [
            container("api", requests: ["cpu": "100m", "memory": "64Mi"]),
            container("proxy", requests: ["cpu": "50m", "memory": "32Mi"]),
        ], templateAnnotations: [UsageAnnotation.key: apiOwnUsage])
    }
    static var db: [String: Any] {
        workload("StatefulSet", "db", replicas: 2, created: "2026-02-20T08:00:00Z", containers: [
            container("db", requests: ["cpu": "500m", "memory": "1Gi"], memoryLimit: "2Gi"),
        ])
    }

    static func pod(_ name: String, namespace: String = "shop", owner: (kind: String, name: String)?, node: String?,
                    phase: String = "Running", requests: [String: String], statuses: [[String: Any]] = []) -> [String: Any] {
        var metadata: [String: Any] = ["name": name, "namespace": namespace]
        if let owner {
            metadata["ownerReferences"] = [["apiVersion": "apps/v1", "kind": owner.kind, "name": owner.name, "controller": true]]
            if owner.kind == "ReplicaSet" { metadata["labels"] = ["pod-template-hash": String(owner.name.split(separator: "-").last!)] }
        }
        let containers = statuses.compactMap { $0["name"] as? String }
        var spec: [String: Any] = ["containers": (containers.isEmpty ? ["main"] : containers).map { ["name": $0, "resources": ["requests": requests]] }]
        if let node { spec["nodeName"] = node }
        var status: [String: Any] = ["phase": phase, "containerStatuses": statuses]
        if node == nil {
            status["conditions"] = [["type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                     "message": "0/3 nodes are available: 3 Insufficient memory."]]
        }
        return ["metadata": metadata, "spec": spec, "status": status]
    }

    static func running(_ container: String, lastState: [String: Any] = [:], restarts: Int = 0) -> [String: Any] {
        ["name": container, "ready": true, "restartCount": restarts, "state": ["running": ["startedAt": "2026-03-02T10:00:00Z"]],
         "lastState": lastState]
    }

    static var pods: [[String: Any]] {
        [
            pod("web-6d4b7c9f8-k2x9p", owner: ("ReplicaSet", "web-6d4b7c9f8"), node: "node-a", requests: [:], statuses: [
                running("web", lastState: ["terminated": ["reason": "OOMKilled", "exitCode": 137]], restarts: 3),
            ]),
            pod("web-6d4b7c9f8-z7q4m", owner: ("ReplicaSet", "web-6d4b7c9f8"), node: "node-b", requests: [:], statuses: [running("web")]),
            pod("api-5f7c8d9b6-q8w2e", owner: ("ReplicaSet", "api-5f7c8d9b6"), node: "node-a", requests: [:], statuses: [
                ["name": "api", "ready": false, "restartCount": 0, "state": ["waiting": ["reason": "ImagePullBackOff"]]],
                running("proxy"),
            ]),
            pod("db-0", owner: ("StatefulSet", "db"), node: "node-b", requests: [:], statuses: [running("db")]),
            pod("db-1", owner: ("StatefulSet", "db"), node: nil, phase: "Pending", requests: [:]),
            // Not in the trace: what they request is taken from their nodes while they run.
            pod("debug", owner: nil, node: "node-c", requests: ["cpu": "1", "memory": "1Gi"]),
            pod("report-29012345-x7k2p", owner: ("Job", "report-29012345"), node: "node-a", phase: "Succeeded", requests: ["cpu": "2"]),
        ]
    }

    static func metrics(_ pod: String, _ usage: [String: (cpu: String, memory: String)]) -> [String: Any] {
        ["metadata": ["name": pod, "namespace": "shop"], "timestamp": "2026-03-02T10:05:00Z", "window": "30s",
         "containers": usage.sorted { $0.key < $1.key }.map { ["name": $0.key, "usage": ["cpu": $0.value.cpu, "memory": $0.value.memory]] }]
    }

    static var podMetrics: [[String: Any]] {
        [
            metrics("web-6d4b7c9f8-k2x9p", ["web": ("120034567n", "184320Ki")]),
            metrics("web-6d4b7c9f8-z7q4m", ["web": ("300m", "200Mi")]),
            metrics("api-5f7c8d9b6-q8w2e", ["proxy": ("10m", "20Mi")]),
            metrics("db-0", ["db": ("399871234n", "700Mi")]),
            metrics("debug", ["main": ("5m", "3Mi")]),
        ]
    }

    static func node(_ name: String, cpu: String, memory: String, pool: String, taints: [[String: Any]] = []) -> [String: Any] {
        ["metadata": ["name": name,
                      "labels": ["kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "pool": pool]],
         "spec": ["taints": taints],
         "status": ["allocatable": ["cpu": cpu, "memory": memory, "pods": "110", "ephemeral-storage": "95Gi"],
                    "capacity": ["cpu": cpu, "memory": memory, "pods": "110"]]]
    }

    static var nodes: [[String: Any]] {
        [
            node("node-c", cpu: "8", memory: "16Gi", pool: "db", taints: [["key": "dedicated", "value": "db", "effect": "NoSchedule"]]),
            node("node-b", cpu: "4", memory: "8388608Ki", pool: "general"),
            node("node-a", cpu: "4000m", memory: "8Gi", pool: "general"),
        ]
    }
}
