import Foundation
import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation
@testable import SimArenaKube

/// The SimKube backend sees what the embedded simulator sees: the embedded pods of demo
/// scenarios, served by the test server as the Kubernetes API would show them, run through the
/// SimKube backend, give the same observation counts.
final class SimKubeRoundTripTests: XCTestCase {
    func testObservationsMatchTheEmbeddedSimulator() throws {
        let server = try KubeTestServer(tls: false, tokens: ["alice": SimKubeTestToken.value], crd: true)
        defer { server.stop() }
        var settings = quickSimKubeSettings()
        settings.speed = 1000  // 90 simulated seconds in 90 ms
        settings.graceSeconds = 1000
        let runner = SimKubeRunner(client: try simKubeClient(server), settings: settings)
        // Healthy, Pending for CPU and for memory, too many replicas, scaling, OOM-killed and crash-looping.
        for scenario in ["trace-0001", "cpu-heavy", "mem-heavy", "replicas-over", "scaling", "gen-0003", "gen-0007"] {
            let path = demoTracesFolder + "/\(scenario).msgpack"
            let trace = try Trace.load(path)
            let target = try XCTUnwrap(Observation.declaredTarget(of: trace))
            let embedded = try ClusterSimulator(trace: trace, cluster: .demo, options: SimulationOptions(duration: 90_000, seed: 3)).run()
            try server.controlSimKube(["initSeconds": 0.05, "pods": ["virtual-default": embedded.pods.map { kubernetesPod($0) }]])
            let result = try runner.run(tracePath: path, namespaces: ["default"], name: "sa-rt-\(scenario)", run: "rt", duration: 90)
            let written = try JSONReader.parse(try JSONWriter.encode(result.value, pretty: true))
            let fromCluster = try Observation(simulation: written, trace: trace, workload: "web", target: target)
            let fromSimulator = try Observation(result: embedded, trace: trace, workload: "web", target: target)
            let counts = { (o: Observation) in
                [o.ready, o.pending, o.total, o.running, o.oomKilled, o.unschedulable, o.unschedulableCPU, o.unschedulableMemory,
                 o.crashLooping, o.evicted, o.restarts]
            }
            XCTAssertEqual(counts(fromCluster), counts(fromSimulator), scenario)
            XCTAssertEqual(fromCluster.pods.map(\.name), fromSimulator.pods.map(\.name), scenario)
            XCTAssertEqual(fromCluster.requested, fromSimulator.requested, scenario)
            XCTAssertEqual(fromCluster.used, .zero, "KWOK reports no usage")
        }
    }
}
