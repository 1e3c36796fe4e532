import Foundation
import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation
@testable import SimArenaKube

/// The step's Simulation against the loopback server playing SimKube's controller: the object
/// validates against the CRD, and the runner creates, waits, observes and always deletes it.
final class SimKubeLifecycleTests: XCTestCase {
    private var server: KubeTestServer!
    private var tracePath: String { demoTracesFolder + "/trace-0001.msgpack" }

    override func setUpWithError() throws {
        server = try KubeTestServer(tls: false, tokens: ["alice": SimKubeTestToken.value], crd: true)
    }

    override func tearDownWithError() throws {
        server?.stop()
    }

    private func runner(_ settings: SimKubeSettings = quickSimKubeSettings()) throws -> SimKubeRunner {
        SimKubeRunner(client: try simKubeClient(server), settings: settings)
    }

    private func run(_ runner: SimKubeRunner, name: String = "sa-test-e1-s1", duration: Double = 0.3) throws -> SimKubeResult {
        try runner.run(tracePath: tracePath, namespaces: ["default"], name: name, run: "test", duration: duration)
    }

    func testTheSimulationValidatesAgainstTheCRD() throws {
        var settings = SimKubeSettings()
        settings.hooks = ["preRunHooks": [["cmd": "echo", "args": ["hi"]]]]
        let simulation = SimKubeSimulation(
            name: "sa-valid-e1-s1", run: "valid", attempt: "1", tracePath: "file:///data/t.msgpack", duration: 90, settings: settings)
        let created = try simKubeClient(server).create(SimKubeSimulation.apiPath, simulation.value)
        XCTAssertEqual(created["spec"]?["driver"]?["port"], 8888)
        XCTAssertEqual(created["spec"]?["duration"], "+90 seconds")
        XCTAssertEqual(created["metadata"]?["labels"]?["simarena.io/run"], "valid")

        // The server does check: a wrong type, a missing required field and an unknown field.
        var broken = simulation.value
        broken["metadata"]?["name"] = "sa-broken"
        broken["spec"]?["driver"]?["port"] = "8888"
        broken["spec"]?["lifecycleParams"] = nil
        broken["spec"]?["bogus"] = true
        let error = message { try simKubeClient(server).create(SimKubeSimulation.apiPath, broken) }
        XCTAssertTrue(error.contains("422"), error)
        XCTAssertTrue(error.contains("spec.driver.port: Invalid value: \"8888\""), error)
        XCTAssertTrue(error.contains("spec.lifecycleParams: Required value"), error)
        XCTAssertTrue(error.contains("spec.bogus: unknown field"), error)
    }

    func testSettingsRejectUnknownKeysAndBadValues() throws {
        XCTAssertEqual(message { try SimKubeSettings(["driverImg": "x"]) },
                       "unknown setting \"driverImg\" (see docs/simkube-backend.md)")
        XCTAssertEqual(message { try SimKubeSettings(["speed": 0]) }, "speed: must be a positive number")
        XCTAssertEqual(message { try SimKubeSettings(["driverPort": 70000]) }, "driverPort: 70000 is not a port")
        let settings = try SimKubeSettings(["virtualNamespacePrefix": "sim", "traceURL": "s3://bucket/traces/"])
        XCTAssertEqual(settings.virtualNamespace("shop"), "sim-shop")
        XCTAssertEqual(try settings.publishTrace([], as: "t.msgpack"), "s3://bucket/traces/t.msgpack", "named, not copied")
    }

    func testNamesAreDNSLabelsUniquePerStep() {
        XCTAssertEqual(SimKubeSimulation.name(run: "heuristic_20261125_120000", episode: 2, step: 7), "sa-heuristic-20261125-120000-e2-s7")
        let long = SimKubeSimulation.name(run: String(repeating: "Ab_", count: 40), episode: 123, step: 4567)
        XCTAssertLessThanOrEqual(long.count, 63)
        XCTAssertTrue(long.hasSuffix("-e123-s4567"))
        XCTAssertNil(long.first { !($0.isLowercase || $0.isNumber || $0 == "-") }, long)
        XCTAssertNotEqual(SimKubeSimulation.name(run: "r", episode: 1, step: 12), SimKubeSimulation.name(run: "r", episode: 11, step: 2))
        XCTAssertEqual(SimKubeSimulation.labelValue("__run/1.."), "run-1")
    }

    func testHappyPathCreatesWaitsObservesAndDeletes() throws {
        let pod: [String: Any] = [
            "metadata": ["name": "web-5975ddbd6-abcde", "namespace": "virtual-default", "labels": ["pod-template-hash": "5975ddbd6"],
                         "ownerReferences": [["kind": "ReplicaSet", "name": "web-5975ddbd6", "controller": true]]],
            "spec": ["nodeName": "kwok-node-0", "containers": [["name": "web", "resources": ["requests": ["cpu": "500m", "memory": "256Mi"]]]]],
            "status": ["phase": "Running", "conditions": [["type": "Ready", "status": "True"]],
                       "containerStatuses": [["name": "web", "restartCount": 2, "state": ["running": [:]]]]],
        ]
        try server.controlSimKube(["initSeconds": 0.2, "pods": ["virtual-default": [pod]]])
        let started = Date()
        let result = try run(try runner(), duration: 0.5)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.6, "waits for Running, then the duration")
        XCTAssertEqual(result.pods.count, 1)
        let observed = try XCTUnwrap(result.pods.first)
        XCTAssertEqual([observed.namespace, observed.workloadKind, observed.workloadName, observed.phase], ["default", "Deployment", "web", "Running"])
        XCTAssertTrue(observed.ready)
        XCTAssertEqual(observed.restartCount, 2)
        XCTAssertEqual(observed.requests, ResourceAmounts(cpuMillis: 500, memoryBytes: 256 << 20))
        XCTAssertEqual(result.value["backend"], "simkube")
        XCTAssertEqual(try requestPaths(server, "POST"), [SimKubeSimulation.apiPath])
        XCTAssertEqual(try requestPaths(server, "DELETE"), [SimKubeSimulation.apiPath + "/sa-test-e1-s1"])
        XCTAssertTrue(try requestPaths(server, "GET").contains("/api/v1/namespaces/virtual-default/pods"))
        XCTAssertEqual(try simKubeClient(server).list(SimKubeSimulation.apiPath), [])
    }

    func testTheTraceIsCopiedWhereTheDriverReadsItAndRemovedAfterwards() throws {
        let folder = try makeKubeTestFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let settings = try SimKubeSettings(["traceDirectory": .string(folder), "traceURL": "file:///data/traces/", "pollSeconds": 0.05])
        let observer = try simKubeClient(server)
        var seen: (copied: Bool, tracePath: KValue?, duration: KValue?)?
        var observing = try runner(settings)
        observing.interruption = {
            if seen == nil {
                let simulation = try? observer.get(SimKubeSimulation.apiPath + "/sa-test-e1-s1")
                seen = (FileManager.default.fileExists(atPath: folder + "/sa-test-e1-s1.msgpack"), simulation?["spec"]?["driver"]?["tracePath"],
                        simulation?["spec"]?["duration"])
            }
            return nil
        }
        _ = try run(observing)
        XCTAssertEqual(seen?.copied, true)
        XCTAssertEqual(seen?.tracePath, "file:///data/traces/sa-test-e1-s1.msgpack")
        XCTAssertEqual(seen?.duration, "+31 seconds", "the step's 0.3 s and 30 s of grace, in whole seconds")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [], "removed once the simulation is gone")
    }

    func testTimeoutWaitingForRunningDeletesTheSimulation() throws {
        try server.controlSimKube(["initSeconds": 600])
        var settings = quickSimKubeSettings()
        settings.startTimeoutSeconds = 0.5
        let started = Date()
        let error = message { try run(try runner(settings)) }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        XCTAssertTrue(error.contains("not Running after 0.5 s (state: Initializing)"), error)
        XCTAssertEqual(try requestPaths(server, "DELETE"), [SimKubeSimulation.apiPath + "/sa-test-e1-s1"])
    }

    func testFailedStateIsAnErrorAndTheSimulationIsDeleted() throws {
        try server.controlSimKube(["initSeconds": 0.1, "fail": true])
        let error = message { try run(try runner()) }
        XCTAssertTrue(error.contains("simulation sa-test-e1-s1 failed"), error)
        XCTAssertEqual(try requestPaths(server, "DELETE").count, 1)
    }

    func testASignalWhileRunningDeletesTheSimulation() throws {
        try server.controlSimKube(["initSeconds": 0.1])
        var interrupted = try runner()
        let asked = Date()
        interrupted.interruption = { Date().timeIntervalSince(asked) > 0.5 ? SIGTERM : nil }
        XCTAssertThrowsError(try run(interrupted, duration: 60)) { error in
            XCTAssertEqual((error as? SimKubeInterrupted)?.signal, SIGTERM)
        }
        XCTAssertLessThan(Date().timeIntervalSince(asked), 3)
        XCTAssertEqual(try requestPaths(server, "DELETE"), [SimKubeSimulation.apiPath + "/sa-test-e1-s1"])
    }

    func testALeftoverOfTheSameNameIsReplaced() throws {
        let leftover = SimKubeSimulation(name: "sa-test-e1-s1", run: "test", attempt: "earlier", tracePath: "file:///data/x", duration: 1,
                                         settings: SimKubeSettings())
        _ = try simKubeClient(server).create(SimKubeSimulation.apiPath, leftover.value)
        try server.controlSimKube(["initSeconds": 0.05])
        _ = try run(try runner())
        let statuses = try server.requests().filter { $0["method"] as? String != "GET" }.map { "\($0["method"]!) \($0["status"]!)" }
        XCTAssertEqual(statuses, ["POST 201", "POST 409", "DELETE 200", "POST 201", "DELETE 200"])
    }

    func testAConflictFromOurOwnResentCreateIsNoLeftover() throws {
        try server.controlSimKube(["initSeconds": 0.05])
        try server.injectFaults([["status": 409, "applied": true]])
        _ = try run(try runner())
        let statuses = try server.requests().filter { $0["method"] as? String != "GET" }.map { "\($0["method"]!) \($0["status"]!)" }
        XCTAssertEqual(statuses, ["POST 409", "DELETE 200"], "kept, run and deleted once")
    }

    func testCleanupDeletesOnlyOurSimulations() throws {
        let client = try simKubeClient(server)
        for (name, run) in [("sa-a-e1-s1", "a"), ("sa-a-e1-s2", "a"), ("sa-b-e1-s1", "b")] {
            _ = try client.create(SimKubeSimulation.apiPath, SimKubeSimulation(
                name: name, run: run, attempt: "1", tracePath: "file:///data/x", duration: 1, settings: SimKubeSettings()).value)
        }
        var foreign = SimKubeSimulation(name: "theirs", run: "x", attempt: "1", tracePath: "file:///data/x", duration: 1, settings: SimKubeSettings()).value
        foreign["metadata"]?["labels"] = [:]
        _ = try client.create(SimKubeSimulation.apiPath, foreign)
        XCTAssertEqual(try SimKubeRunner.cleanup(client: client, run: "a"), ["sa-a-e1-s1", "sa-a-e1-s2"])
        XCTAssertEqual(try SimKubeRunner.cleanup(client: client, run: nil), ["sa-b-e1-s1"])
        XCTAssertEqual(try client.list(SimKubeSimulation.apiPath).compactMap { $0["metadata"]?["name"]?.stringValue }, ["theirs"])
    }
}
