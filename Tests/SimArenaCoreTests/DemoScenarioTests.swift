import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

/// Every committed demo scenario, run through the real simulator: broken as described, and
/// healthy (right-sized where that is the goal) after its scripted fix, applied with the same
/// trace edits and safeguards as the agent's actions, none of them blocked.
final class DemoScenarioTests: XCTestCase {
    static let directory = Fixtures.repositoryRoot + "/demo/traces"

    private func observe(_ trace: Trace) throws -> Observation {
        let result = try ClusterSimulator(trace: trace, cluster: .demo, options: SimulationOptions(duration: 90_000, seed: 0)).run()
        let target = try XCTUnwrap(trace.document["metadata"]?["scenario"]?["target"]?.int64Value)
        return try Observation(simulation: result.value, trace: trace, workload: "web", target: target)
    }

    func testEveryDemoScenarioIsFixedByItsScriptedFix() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory).filter { $0.hasSuffix(".msgpack") }.sorted()
        XCTAssertEqual(names.count, 108, "100 generated and 8 named scenarios")
        let settings = ActionSettings()
        for name in names {
            var trace = try Trace.load(Self.directory + "/" + name)
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
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory).filter { $0.hasSuffix(".msgpack") }.sorted()
        for file in names {
            var trace = try Trace.load(Self.directory + "/" + file)
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
            if named.contains(String(file.dropLast(".msgpack".count))) {
                XCTAssertEqual(steps, scenario["fix"]?.arrayValue?.count, "\(file): the heuristic takes the scripted fix's length")
            }
        }
    }
}
