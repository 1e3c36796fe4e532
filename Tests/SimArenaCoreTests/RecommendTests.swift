import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRecommend
@testable import SimArenaRun
@testable import SimArenaSimulation

/// The recommender on a real cluster's trace and on broken workloads sharing nodes: what it
/// patches is healthy when the patch is applied and replayed, what it leaves alone stays byte for
/// byte, and no fix harms a neighbour.
final class RecommendTests: XCTestCase {
    /// The recommendation for `trace`, simulated on `cluster` (a spec file; nil: the trace's).
    private func recommend(_ trace: Trace, name: String, cluster: String? = nil, settings: RecommendSettings = RecommendSettings())
        throws -> Recommendation {
        var settings = settings
        settings.durationSeconds = Double((trace.events.map(\.ts).max() ?? 0) - (trace.events.map(\.ts).min() ?? 0)) + 90
        let backend = try EmbeddedCluster(clusterPath: cluster, durationSeconds: settings.durationSeconds)
        return try Recommender(fixer: .policy(.heuristic), backend: backend, settings: settings).recommend(trace, traceName: name)
    }

    /// The properties every recommendation has: the patches hold only changed fields and make the
    /// fixed trace from the original; replayed, every workload fixed is healthy and none is worse
    /// than before; workloads without a patch are byte-identical.
    private func checkRecommendation(_ recommendation: Recommendation, cluster: String? = nil) throws {
        let patches = try recommendation.patches()
        for patch in patches {
            let document = try XCTUnwrap(patch.document.mapValue)
            XCTAssertEqual(document.stringKeys, ["apiVersion", "kind", "metadata", "spec"], patch.name)
            XCTAssertEqual(document["metadata"]?.mapValue?.stringKeys, ["name", "namespace"])
            let spec = try XCTUnwrap(document["spec"]?.mapValue)
            XCTAssertTrue(Set(spec.stringKeys).isSubset(of: ["replicas", "template"]), "\(spec.stringKeys)")
            for container in spec["template"]?["spec"]?["containers"]?.arrayValue ?? [] {
                XCTAssertEqual(container.mapValue?.stringKeys, ["name", "resources"])
            }
            XCTAssertFalse(patch.changes.isEmpty)
            XCTAssertTrue(patch.changes.allSatisfy { $0.before != $0.after })
        }
        var patched = recommendation.original
        try patched.apply(patches: patches.map(\.document), source: "patch.yaml")
        XCTAssertEqual(MessagePackWriter.encode(patched.document), MessagePackWriter.encode(recommendation.fixed.document))

        let backend = try EmbeddedCluster(clusterPath: cluster, durationSeconds: recommendation.durationSeconds)
        let replayed = try WorkloadHealth.diagnose(
            backend.simulate(patched, seed: recommendation.settings.seed, step: StepIdentity(run: "test", episode: 1, step: 1)), trace: patched)
        XCTAssertEqual(replayed, recommendation.after)
        for (index, health) in replayed.enumerated() {
            if recommendation.fix(of: recommendation.before[index])?.verdict == .fixed {
                XCTAssertTrue(health.isHealthy, "\(health.label) was fixed but is \(health.problems(settings: recommendation.settings.actions))")
            } else {
                XCTAssertFalse(health.isWorse(than: recommendation.before[index]), "\(health.label) is worse than before")
            }
        }
        let changed = Set(patches.map { "\($0.namespace)/\($0.name)" })
        for (before, after) in zip(recommendation.original.events, patched.events) {
            for (old, new) in zip(before.applied, after.applied) {
                let reference = try ObjectReference(object: old, at: "")
                if !changed.contains(reference.key) {
                    XCTAssertEqual(MessagePackWriter.encode(old), MessagePackWriter.encode(new), "\(reference) changed")
                }
            }
        }
    }

    func testTheDeathStarBenchTraceOnASmallerCluster() throws {
        let trace = try Trace.load(try Fixtures.simkube("dsb-scaling.sktrace"))
        let directory = try Fixtures.temporaryDirectory()
        let cluster = directory + "/cluster.json"
        try Document.write(["nodePools": [["name": "n", "count": 3, "allocatable": ["cpu": "12", "memory": "16Gi", "pods": 110]]]],
                           to: cluster)
        var settings = RecommendSettings()
        settings.actions.cpuStep = .millis(100)
        let recommendation = try recommend(trace, name: "dsb-scaling.sktrace", cluster: cluster, settings: settings)
        XCTAssertEqual(recommendation.before.count, 27)
        XCTAssertEqual(recommendation.before.filter { !$0.isHealthy }.map(\.name), ["post-storage-service", "nginx-thrift"])
        XCTAssertEqual(recommendation.fixes.map(\.verdict), [.fixed, .unchanged])
        // nginx-thrift's init container requests 1 CPU: lowering its app container changes nothing.
        let nginx = try XCTUnwrap(recommendation.before.first { $0.name == "nginx-thrift" })
        XCTAssertEqual(try recommendation.initContainerNotes(for: nginx).count, 2)
        XCTAssertEqual(try recommendation.patches().map(\.name), ["post-storage-service"])
        try checkRecommendation(recommendation, cluster: cluster)
    }

    func testBrokenWorkloadsOfSeveralKindsSharingNodes() throws {
        let trace = try Trace.load(Fixtures.repositoryRoot + "/demo/recommend/broken-mix.json")
        let recommendation = try recommend(trace, name: "broken-mix.json")
        let verdicts = Dictionary(uniqueKeysWithValues: recommendation.fixes.map { ($0.before.name, $0.verdict) })
        XCTAssertEqual(verdicts, ["web": .fixed, "checkout": .fixed, "postgres": .improved, "redis": .fixed, "ledger": .unchanged,
                                  "kafka": .fixed])
        XCTAssertEqual(Set(recommendation.before.map { "\($0.kind.rawValue)" }), ["Deployment", "StatefulSet"])
        XCTAssertTrue(recommendation.fixes.contains { $0.harm != nil }, "the way to some fix passes states that harm a neighbour")
        try checkRecommendation(recommendation)
    }

    /// Two Deployments filling one node's memory: `a` is OOM-killed, and the memory it needs
    /// would leave `b` (applied after it) no room.
    func testAFixThatWouldMakeANeighbourPendingIsNotRecommended() throws {
        func deployment(_ name: String, memory: String, limit: String?, usage: String) -> KValue {
            var resources: KValue = ["requests": ["cpu": "500m", "memory": .string(memory)]]
            if let limit { resources = ["requests": ["cpu": "500m", "memory": .string(memory)], "limits": ["memory": .string(limit)]] }
            return [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name), "namespace": "default"],
                "spec": [
                    "replicas": 1, "selector": ["matchLabels": ["app": .string(name)]],
                    "template": [
                        "metadata": ["labels": ["app": .string(name)],
                                     "annotations": ["simarena.io/usage": .string("{\"\(name)\":{\"cpu\":\"500m\",\"memory\":\"\(usage)\"}}")]],
                        "spec": ["containers": [["name": .string(name), "image": "app", "resources": resources]]],
                    ],
                ],
            ]
        }
        let trace = try Trace(document: [
            "version": 2, "config": ["trackedObjects": ["apps/v1.Deployment": ["podSpecTemplatePaths": ["/spec/template"]]]],
            "events": [["ts": 1_700_000_000, "applied_objs": [deployment("a", memory: "1Gi", limit: "1Gi", usage: "1100Mi"),
                                                               deployment("b", memory: "3Gi", limit: nil, usage: "3Gi")],
                        "deleted_objs": []]],
            "index": [:], "pod_lifecycles": [:],
            "metadata": ["scenario": ["cluster": ["nodes": 1, "cpu": "4", "memory": "4Gi"]]],
        ])
        let recommendation = try recommend(trace, name: "two-on-one-node")
        XCTAssertEqual(recommendation.before.map(\.isHealthy), [false, true])
        let fix = try XCTUnwrap(recommendation.fixes.first)
        XCTAssertEqual(fix.verdict, .unchanged)
        XCTAssertEqual(fix.harm?.action, .bumpMemorySmall)
        XCTAssertTrue(fix.harm?.harmed.first?.hasPrefix("Deployment default/b: 1 of 1 pods Pending (Insufficient memory)") == true,
                      "\(fix.harm?.harmed ?? [])")
        XCTAssertTrue(try recommendation.patches().isEmpty)
        XCTAssertEqual(recommendation.after.map(\.isHealthy), [false, true])
        XCTAssertFalse(recommendation.allHealthy)
        XCTAssertTrue(try recommendation.markdown().contains("no change is recommended"))
        try checkRecommendation(recommendation)
    }

    func testTheReportIsTheSameEveryTime() throws {
        let trace = try Trace.load(Fixtures.repositoryRoot + "/demo/recommend/broken-mix.json")
        let first = try recommend(trace, name: "broken-mix.json")
        let second = try recommend(trace, name: "broken-mix.json")
        XCTAssertEqual(try JSONWriter.encode(first.report(), pretty: true), try JSONWriter.encode(second.report(), pretty: true))
        XCTAssertEqual(try first.markdown(), try second.markdown())
        XCTAssertEqual(try YAMLWriter.encode(documents: first.patches().map(\.document)),
                       try YAMLWriter.encode(documents: second.patches().map(\.document)))
    }

    // MARK: Patches

    func testAStrategicMergeMergesContainersByNameAndDeletesNulls() throws {
        let object: KValue = [
            "spec": ["replicas": 2, "template": ["spec": [
                "containers": [["name": "app", "resources": ["requests": ["cpu": "1", "memory": "1Gi"], "limits": ["cpu": "2"]]],
                               ["name": "sidecar", "image": "envoy"]],
                "tolerations": [["key": "a"]],
            ]]],
        ]
        let patch: KValue = [
            "spec": ["replicas": 3, "template": ["spec": [
                "containers": [["name": "app", "resources": ["requests": ["cpu": "500m"], "limits": ["cpu": .null]]]],
                "tolerations": [["key": "b"]],
            ]]],
        ]
        let merged = try StrategicMerge.apply(patch, to: object, at: "patch")
        let expected: KValue = [
            "spec": ["replicas": 3, "template": ["spec": [
                "containers": [["name": "app", "resources": ["requests": ["cpu": "500m", "memory": "1Gi"], "limits": [:]]],
                               ["name": "sidecar", "image": "envoy"]],
                "tolerations": [["key": "b"]],
            ]]],
        ]
        XCTAssertEqual(merged, expected)
        XCTAssertThrowsError(try StrategicMerge.apply(["spec": ["$patch": "replace"]], to: object, at: "patch")) { error in
            XCTAssertEqual((error as? SimArenaError)?.message, "patch.spec.$patch: the $patch directive is not supported; write the fields themselves")
        }
        XCTAssertThrowsError(try StrategicMerge.apply(["containers": [["image": "x"]]], to: ["containers": []], at: "p")) { error in
            XCTAssertEqual((error as? SimArenaError)?.message, "p.containers[0]: no \"name\", which this list merges on")
        }
    }

    func testAPatchForAWorkloadTheTraceDoesNotApplyIsRefused() throws {
        var trace = try Trace.load(Fixtures.repositoryRoot + "/demo/recommend/broken-mix.json")
        let patch: KValue = ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "nowhere", "namespace": "shop"]]
        XCTAssertThrowsError(try trace.apply(patches: [patch], source: "patch.yaml")) { error in
            XCTAssertEqual((error as? SimArenaError)?.message, "patch.yaml: document 1: the trace applies no Deployment shop/nowhere")
        }
    }

    func testYAMLQuotesWhatWouldReadAsAnotherType() throws {
        let document: KValue = [
            "kind": "Deployment", "cpu": "500m", "memory": "1Gi", "answer": "yes", "off": "Off", "count": 3, "empty": "",
            "path": "apps/v1", "list": [["name": "a", "x": 1], "plain"], "nested": [[1, 2]], "none": .null, "map": [:],
        ]
        XCTAssertEqual(try YAMLWriter.encode(documents: [document]), """
            ---
            kind: Deployment
            cpu: "500m"
            memory: "1Gi"
            answer: "yes"
            "off": "Off"
            count: 3
            empty: ""
            path: apps/v1
            list:
            - name: a
              x: 1
            - plain
            nested:
            -
              - 1
              - 2
            none: null
            map: {}

            """)
    }

    func testMergedTracesMustNotShareObjects() throws {
        let trace = try Trace.load(Fixtures.repositoryRoot + "/demo/traces/cpu-slight.msgpack")
        XCTAssertThrowsError(try Trace.merging([trace, trace], names: ["a.msgpack", "b.msgpack"])) { error in
            XCTAssertEqual((error as? SimArenaError)?.message,
                           "b.msgpack: Deployment default/web is also in a.msgpack; merged traces must not share objects")
        }
        let mix = try Trace.load(Fixtures.repositoryRoot + "/demo/recommend/broken-mix.json")
        XCTAssertEqual(try mix.workloads().map(\.name), ["trainer", "web", "checkout", "postgres", "redis", "ledger", "kafka"])
        XCTAssertNil(mix.document["metadata"]?["scenario"]?["target"])
    }
}
