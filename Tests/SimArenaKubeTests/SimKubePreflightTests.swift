import Foundation
import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation
@testable import SimArenaKube

/// sa-preflight's SimKube checks: each failure names its fix, and a cluster that is not there
/// fails within seconds.
final class SimKubePreflightTests: XCTestCase {
    private var server: KubeTestServer!

    override func setUpWithError() throws {
        server = try KubeTestServer(tls: false, tokens: ["alice": SimKubeTestToken.value])
    }

    override func tearDownWithError() throws {
        server?.stop()
    }

    private func verdict(token: String = SimKubeTestToken.value) -> PreflightVerdict {
        var verdict = PreflightVerdict(traceName: "trace-0001", loadTrace: { try Trace.load(demoTracesFolder + "/trace-0001.msgpack") },
                                       workload: "web", namespace: nil, backend: nil, runDirectory: nil, pid: nil)
        verdict.addSimKubeChecks(client: { try simKubeClient(self.server, token: token) }, settings: SimKubeSettings(), namespaces: ["default"])
        return verdict
    }

    private func failures(_ verdict: PreflightVerdict) -> [String] {
        verdict.checks.filter { !$0.ok }.map { "\($0.name): \($0.message)" }
    }

    func testEveryCheckPassesOnAReadyCluster() {
        let verdict = verdict()
        XCTAssertTrue(verdict.ok, failures(verdict).joined(separator: "\n"))
        XCTAssertEqual(verdict.checks.map(\.name), ["trace", "workload", "kubernetes_api", "simkube_crd", "driver_namespace",
                                                    "metrics_namespace", "leftovers", "permissions"])
    }

    func testAWrongTokenFailsTheAPICheckAndSkipsTheRest() {
        let verdict = verdict(token: "wrong")
        XCTAssertEqual(verdict.checks.last?.name, "kubernetes_api")
        XCTAssertTrue(verdict.failure?.contains("401 Unauthorized") == true, verdict.failure ?? "")
        XCTAssertTrue(verdict.failure?.contains("fix: check that --kubeconfig and --context") == true, verdict.failure ?? "")
    }

    func testEachMissingPieceNamesItsFix() throws {
        try server.controlSimKube(["noCRD": true, "missingNamespaces": ["simkube", "monitoring"], "denied": ["create simulations", "list pods"]])
        let leftover = SimKubeSimulation(name: "sa-old-e1-s1", run: "old", attempt: "1", tracePath: "file:///data/x", duration: 1,
                                         settings: SimKubeSettings())
        _ = try simKubeClient(server).create(SimKubeSimulation.apiPath, leftover.value)
        XCTAssertEqual(failures(verdict()), [
            "simkube_crd: the CRD simulations.simkube.io is not installed; fix: install SimKube (docs/simkube-backend.md)",
            "driver_namespace: namespace simkube does not exist; fix: kubectl create namespace simkube, or set driverNamespace in the SimKube settings",
            "metrics_namespace: namespace monitoring does not exist; fix: kubectl create namespace monitoring, or set metricsNamespace in the SimKube settings",
            "leftovers: 1 Simulation(s) left by earlier runs: sa-old-e1-s1; fix: sa-simulate --backend simkube --cleanup",
            "permissions: user \"alice\" may not create simulations.simkube.io, list pods in virtual-default; fix: bind a (Cluster)Role that grants these to the user (docs/simkube-backend.md)",
        ])
    }

    func testASimulationBeingDeletedIsNoLeftover() throws {
        var deleting = SimKubeSimulation(name: "sa-prev-e1-s1", run: "prev", attempt: "1", tracePath: "file:///data/x", duration: 1,
                                         settings: SimKubeSettings()).value
        deleting["metadata"]?["deletionTimestamp"] = "2026-11-25T12:00:00Z"
        _ = try simKubeClient(server).create(SimKubeSimulation.apiPath, deleting)
        XCTAssertEqual(failures(verdict()), [])
    }

    func testAKubeconfigPointingAtAClosedPortFailsWithinSeconds() throws {
        let folder = try makeKubeTestFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A port that was free a moment ago: nothing listens there.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        close(listener)
        let port = UInt16(bigEndian: address.sin_port)
        try writeText("""
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:\(port)"}}]
            users: [{name: u, user: {token: abc}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """, to: folder + "/config")
        let started = Date()
        var verdict = PreflightVerdict(traceName: "trace-0001", loadTrace: { try Trace.load(demoTracesFolder + "/trace-0001.msgpack") },
                                       workload: "web", namespace: nil, backend: nil, runDirectory: nil, pid: nil)
        verdict.addSimKubeChecks(client: { try PreflightVerdict.simKubeClient(KubeConfigOptions(kubeconfig: folder + "/config")) },
                                 settings: SimKubeSettings(), namespaces: ["default"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertFalse(verdict.ok)
        let failure = verdict.failure ?? ""
        XCTAssertTrue(failure.hasPrefix("kubernetes_api: GET https://127.0.0.1:\(port)/version: cannot connect"), failure)
        XCTAssertTrue(failure.contains("fix: check that --kubeconfig"), failure)
    }
}
