import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

/// `metadata.scenario.cluster`: both forms read, bad ones fail naming the field, and the
/// embedded backend runs each trace on the cluster it declares unless `--cluster` names one.
final class DeclaredClusterTests: XCTestCase {
    private let demoTrace = Fixtures.repositoryRoot + "/demo/traces/cpu-slight.msgpack"

    /// `trace` with its declared cluster replaced (nil: removed).
    private func declaring(_ cluster: KValue?, in trace: Trace) throws -> Trace {
        var document = trace.document
        var metadata = document["metadata"] ?? [:]
        var scenario = metadata["scenario"] ?? [:]
        scenario["cluster"] = cluster
        metadata["scenario"] = scenario
        document["metadata"] = metadata
        return try Trace(document: document)
    }

    private func message(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "no error"
        } catch {
            return String(describing: error)
        }
    }

    func testTheCompactFormAndTheSpecFormRead() throws {
        let demo = try XCTUnwrap(DeclaredCluster.declaration(in: try Trace.load(demoTrace)))
        XCTAssertEqual(demo, ["nodes": 3, "cpu": "16", "memory": "32Gi", "pods": 110])
        XCTAssertEqual(try DeclaredCluster.spec(demo), ClusterSpec.demo, "the demo's compact map is exactly the built-in demo cluster")
        let small = try DeclaredCluster.spec(["nodes": 4, "cpu": "8", "memory": "16Gi"])
        XCTAssertEqual(small.nodePools.count, 1)
        XCTAssertEqual(small.nodePools[0].count, 4)
        XCTAssertEqual(small.nodePools[0].allocatable, ResourceAmounts(cpuMillis: 8_000, memoryBytes: 16 << 30))
        XCTAssertEqual(small.nodePools[0].allocatablePods, 110, "pods defaults to 110")
        let pools: KValue = ["nodePools": [
            ["name": "large", "count": 2, "allocatable": ["cpu": "16", "memory": "32Gi"]],
            ["name": "small", "count": 3, "allocatable": ["cpu": "4", "memory": "8Gi", "pods": 20]],
        ]]
        let spec = try DeclaredCluster.spec(pools)
        XCTAssertEqual(spec.nodePools.map(\.name), ["large", "small"])
        XCTAssertEqual(spec.nodePools.map(\.count), [2, 3])
        XCTAssertEqual(spec.nodePools[1].allocatable, ResourceAmounts(cpuMillis: 4_000, memoryBytes: 8 << 30))
        XCTAssertEqual(spec.nodePools[1].allocatablePods, 20)
        // A hand-written spec may carry labels, taints and timing.
        let written: KValue = ["nodePools": [["name": "db", "count": 1, "allocatable": ["cpu": "2", "memory": "4Gi"],
                                             "taints": [["key": "dedicated", "value": "db", "effect": "NoSchedule"]]]],
                               "lifecycle": ["readyDelaySeconds": 5]]
        XCTAssertEqual(try DeclaredCluster.spec(written).nodePools[0].taints.count, 1)
    }

    func testBadDeclarationsNameTheField() {
        let cases: [(KValue, String)] = [
            ("three nodes", "metadata.scenario.cluster: expected a map"),
            (["nodes": 3, "cpu": "16", "memory": "32Gi", "gpus": 1], "metadata.scenario.cluster.gpus: unknown field"),
            (["cpu": "16", "memory": "32Gi"], "metadata.scenario.cluster: missing \"nodes\""),
            (["nodes": 0, "cpu": "16", "memory": "32Gi"], "metadata.scenario.cluster.nodes: 0 is not between 1 and"),
            (["nodes": "3", "cpu": "16", "memory": "32Gi"], "metadata.scenario.cluster.nodes"),
            (["nodes": 3, "cpu": "lots", "memory": "32Gi"], "metadata.scenario.cluster.cpu"),
            (["nodes": 3, "cpu": "-1", "memory": "32Gi"], "metadata.scenario.cluster.cpu: -1 is not positive"),
            (["nodes": 3, "cpu": "16"], "metadata.scenario.cluster: missing \"memory\""),
            (["nodes": 3, "cpu": "16", "memory": "32Gi", "pods": 0], "metadata.scenario.cluster.pods: 0 is not between 1 and 100000"),
            (["nodePools": [["name": "a", "count": -1, "allocatable": ["cpu": "1", "memory": "1Gi"]]]],
             "metadata.scenario.cluster: nodePools[0].count"),
            (["nodePools": []], "metadata.scenario.cluster: nodePools: the cluster has no nodes"),
        ]
        for (value, expected) in cases {
            let text = message { try DeclaredCluster.spec(value) }
            XCTAssertTrue(text.contains(expected), "\(value): \(text)")
            XCTAssertFalse(text.contains("\n"), text)
        }
    }

    func testTheEmbeddedBackendRunsEachTraceOnItsDeclaredCluster() throws {
        let demo = try Trace.load(demoTrace)
        let four = try declaring(["nodes": 4, "cpu": "8", "memory": "16Gi", "pods": 110], in: demo)
        let backend = try EmbeddedCluster(clusterPath: nil, durationSeconds: 90)
        func nodes(_ trace: Trace, _ backend: EmbeddedCluster) throws -> Int {
            try backend.simulate(trace, seed: 1, step: StepIdentity(run: "", episode: 1, step: 1)).document["nodes"]?.arrayValue?.count ?? -1
        }
        XCTAssertEqual(try nodes(demo, backend), 3)
        XCTAssertEqual(try nodes(four, backend), 4, "the declared cluster")
        XCTAssertEqual(try nodes(demo, backend), 3, "the cache follows a change of declaration")
        XCTAssertEqual(try nodes(try declaring(nil, in: demo), backend), 3, "no declaration: the demo cluster")
        let explicit = try EmbeddedCluster(clusterPath: Fixtures.repositoryRoot + "/demo/cluster.json", durationSeconds: 90)
        XCTAssertEqual(try nodes(four, explicit), 3, "--cluster wins over the declaration")
        // The demo traces declare the demo cluster: the same bytes as with the built-in spec.
        let declared = try backend.simulate(demo, seed: 5, step: StepIdentity(run: "", episode: 1, step: 1))
        let builtIn = try ClusterSimulator(trace: demo, cluster: .demo, options: SimulationOptions(duration: 90_000, seed: 5)).run()
        XCTAssertEqual(MessagePackWriter.encode(declared.document), MessagePackWriter.encode(builtIn.document))
    }

    func testABadDeclarationFailsTheStepAndPreflightNamingTheTraceAndField() throws {
        let bad = try declaring(["nodes": 3, "cpu": "lots", "memory": "32Gi"], in: try Trace.load(demoTrace))
        let backend = try EmbeddedCluster(clusterPath: nil, durationSeconds: 90)
        var environment = Environment(workload: "web", actionCount: 7, backend: .success(backend))
        let text = message { try environment.reset(trace: bad, traceName: "bad.msgpack", seed: 1) }
        XCTAssertTrue(text.hasPrefix("bad.msgpack: metadata.scenario.cluster.cpu"), text)
        XCTAssertFalse(text.contains("\n"), text)

        let verdict = PreflightVerdict(traceName: "bad.msgpack", loadTrace: { bad }, workload: "web", namespace: nil,
                                       backend: .success(backend), runDirectory: nil, pid: nil)
        XCTAssertFalse(verdict.ok)
        XCTAssertTrue(verdict.failure?.hasPrefix("cluster: bad.msgpack: metadata.scenario.cluster.cpu") == true, verdict.failure ?? "")
        let good = PreflightVerdict(traceName: demoTrace, loadTrace: { try Trace.load(self.demoTrace) }, workload: "web", namespace: nil,
                                    backend: .success(backend), runDirectory: nil, pid: nil)
        XCTAssertEqual(good.checks.last?.message, "metadata.scenario.cluster: 3 nodes")
        // With --cluster the declaration is not read.
        let explicit = try EmbeddedCluster(clusterPath: Fixtures.repositoryRoot + "/demo/cluster.json", durationSeconds: 90)
        let overridden = PreflightVerdict(traceName: "bad.msgpack", loadTrace: { bad }, workload: "web", namespace: nil,
                                          backend: .success(explicit), runDirectory: nil, pid: nil)
        XCTAssertTrue(overridden.ok, overridden.failure ?? "")
    }
}
