import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

/// Every committed demo scenario and held-out scenario (demo/suites/heldout, the generator's
/// with another seed), run through the real simulator: broken as described, and healthy
/// (right-sized where that is the goal) after its scripted fix, applied with the same trace
/// edits and safeguards as the agent's actions, none of them blocked.
final class DemoScenarioTests: XCTestCase {
    static let directory = Fixtures.repositoryRoot + "/demo/traces"
    static let heldout = Fixtures.repositoryRoot + "/demo/suites/heldout"

    /// The scenario files of the demo traces (108) and the held-out suite (99), as paths.
    private func scenarioPaths() throws -> [String] {
        let demo = try FileManager.default.contentsOfDirectory(atPath: Self.directory).filter { $0.hasSuffix(".msgpack") }.sorted()
        let heldout = try FileManager.default.contentsOfDirectory(atPath: Self.heldout).filter { $0.hasSuffix(".msgpack") }.sorted()
        XCTAssertEqual(demo.count, 108, "100 generated and 8 named scenarios")
        XCTAssertEqual(heldout.count, 99, "three blocks of every mode at every severity")
        return demo.map { Self.directory + "/" + $0 } + heldout.map { Self.heldout + "/" + $0 }
    }

    private func observe(_ trace: Trace) throws -> Observation {
        let result = try ClusterSimulator(trace: trace, cluster: .demo, options: SimulationOptions(duration: 90_000, seed: 0)).run()
        let target = try XCTUnwrap(trace.document["metadata"]?["scenario"]?["target"]?.int64Value)
        return try Observation(simulation: result.value, trace: trace, workload: "web", target: target)
    }

    func testEveryDemoScenarioIsFixedByItsScriptedFix() throws {
        let settings = ActionSettings()
        for name in try scenarioPaths() {
            var trace = try Trace.load(name)
            let scenario = try XCTUnwrap(trace.document["metadata"]?["scenario"], name)
            let goal = scenario["goal"]?.stringValue ?? "healthy"
            let before = try observe(trace)
            if goal == "healthy" {
                XCTAssertFalse(before.atTarget, "\(name) should start broken")
            } else {
                XCTAssertTrue(before.atTarget && !before.isRightSized(settings: settings), "\(name) should start healthy but wasteful")
            }
            for step in try XCTUnwrap(scenario["fix"]?.arrayValue, name) {
                let action = try XCTUnwrap(AgentAction(nameOrIndex: step.stringValue ?? ""), "\(name): \(step)")
                let outcome = try TraceEditor.apply(action, to: &trace, workload: "web", settings: settings)
                XCTAssertFalse(outcome.blocked, "\(name): \(action.name) blocked: \(outcome.blockedReason ?? "")")
            }
            let after = try observe(trace)
            XCTAssertTrue(after.atTarget, "\(name) not healthy after its fix: \(after.ready)/\(after.pending)/\(after.total)")
            if goal == "right_sized" {
                XCTAssertTrue(after.isRightSized(settings: settings), "\(name) not right-sized after its fix")
            }
        }
    }

    func testTheHeuristicPolicyFixesEveryDemoScenario() throws {
        let settings = ActionSettings()
        let named = ["trace-0001", "cpu-slight", "cpu-heavy", "mem-slight", "mem-heavy", "cpu-mem", "replicas-over", "scaling"]
        for path in try scenarioPaths() {
            var trace = try Trace.load(path)
            let file = String(path.split(separator: "/").last ?? "")
            let scenario = try XCTUnwrap(trace.document["metadata"]?["scenario"], file)
            let rightSizing = scenario["goal"]?.stringValue == "right_sized"
            func done(_ observation: Observation) -> Bool {
                rightSizing ? observation.isRightSized(settings: settings) : observation.atTarget
            }
            var steps = 0
            var observation = try observe(trace)
            while !done(observation) && steps < 100 {
                let action = HandCodedPolicy.heuristicAction(observation, settings: settings)
                XCTAssertNotEqual(action, .noop, "\(file): heuristic gave up at step \(steps)")
                if action == .noop { break }
                _ = try TraceEditor.apply(action, to: &trace, workload: "web", settings: settings)
                observation = try observe(trace)
                steps += 1
            }
            XCTAssertTrue(done(observation), file)
            if path.hasPrefix(Self.directory + "/"), named.contains(String(file.dropLast(".msgpack".count))) {
                XCTAssertEqual(steps, scenario["fix"]?.arrayValue?.count, "\(file): the heuristic takes the scripted fix's length")
            }
        }
    }
}
