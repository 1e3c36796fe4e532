import Foundation
import XCTest

@testable import SimArenaKube
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRecommend
@testable import SimArenaRun
@testable import SimArenaSimulation

/// The recommender on a live namespace served by the loopback API server: the namespace is
/// read with GET requests only, its OOM-killed Deployment gets more memory, and the command
/// says why it cannot read a namespace as preflight does, creating nothing.
final class RecommendLiveTests: XCTestCase {
    private var server: KubeTestServer!

    override func setUpWithError() throws {
        server = try KubeTestServer(tls: false, tokens: ["alice": SimKubeTestToken.value])
    }

    override func tearDownWithError() throws {
        server?.stop()
    }

    func testALiveNamespaceIsFixedFromGetRequestsAlone() throws {
        try server.controlSimKube(LiveShop.control())
        let snapshot = try NamespaceSnapshot.take(client: try simKubeClient(server), namespace: "shop")
        var settings = RecommendSettings()
        settings.durationSeconds = 90
        let recommendation = try Recommender(fixer: .policy(.heuristic), backend: try EmbeddedCluster(clusterPath: nil, durationSeconds: 90),
                                             settings: settings).recommend(snapshot.trace, traceName: "trace.json")
        let web = try XCTUnwrap(recommendation.fixes.first { $0.before.name == "web" })
        XCTAssertTrue(web.before.observation.oomKilled > 0)
        XCTAssertEqual(web.verdict, .fixed)
        let patch = try XCTUnwrap(try recommendation.patches().first { $0.name == "web" })
        XCTAssertEqual(patch.changes.map(\.field), ["web.requests.memory", "web.limits.memory"])
        XCTAssertEqual(Set(try server.requests().compactMap { $0["method"] as? String }), ["GET"])
    }

    func testThePatchFileReadsBackAsThePatches() throws {
        let patches: [KValue] = [
            ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web", "namespace": "shop"],
             "spec": ["replicas": 3, "template": ["spec": ["containers": [
                ["name": "web", "resources": ["requests": ["cpu": "500m", "memory": "1Gi"], "limits": ["memory": .null]]],
             ]]]]],
            ["apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": ["name": "on", "namespace": "yes"], "spec": ["replicas": 1]],
        ]
        let text = try YAMLWriter.encode(documents: patches)
        XCTAssertEqual(try KubeYAML.documents(Array(("# a comment\n" + text).utf8), source: "patch.yaml"), patches)
    }

    // MARK: The command

    /// `sa-recommend` built beside the tests.
    private func tool() throws -> String {
        let path = Bundle.main.bundleURL.path + "/sa-recommend"
        guard FileManager.default.isExecutableFile(atPath: path) else { throw XCTSkip("sa-recommend is not built at \(path)") }
        return path
    }

    private func kubeconfig() throws -> String {
        let path = server.folder + "/kubeconfig"
        try writeText("""
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "\(server.url)"}}]
            users: [{name: alice, user: {token: \(SimKubeTestToken.value)}}]
            contexts: [{name: t, context: {cluster: c, user: alice}}]
            current-context: t

            """, to: path)
        return path
    }

    private func run(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner([try tool()] + arguments).run()
    }

    func testTheCommandKeepsTheTraceItReadBesideTheOutput() throws {
        try server.controlSimKube(LiveShop.control())
        let out = server.folder + "/out"
        let result = try run(["--namespace", "shop", "--kubeconfig", try kubeconfig(), "--out", out])
        XCTAssertEqual(result.exitStatus, 0, result.stderrText)
        for file in ["trace.json", "patch.yaml", "kubectl.sh", "report.md", "report.json", "fixed-trace.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + file), file)
        }
        XCTAssertEqual(try Trace.load(out + "/trace.json").events.count, 1)
        XCTAssertEqual(Set(try server.requests().compactMap { $0["method"] as? String }), ["GET"])
    }

    func testAForbiddenListIsReportedAsPreflightDoesAndNothingIsCreated() throws {
        try server.controlSimKube(LiveShop.control(forbidden: ["list pods"]))
        let out = server.folder + "/refused"
        let result = try run(["--namespace", "shop", "--kubeconfig", try kubeconfig(), "--out", out])
        XCTAssertEqual(result.exitStatus, 75)
        XCTAssertEqual(result.stderrText.split(separator: "\n").count, 1, result.stderrText)
        XCTAssertTrue(result.stderrText.hasPrefix(#"sa-recommend: user "alice" may not list pods in namespace "shop"; fix: bind a Role"#),
                      result.stderrText)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}
