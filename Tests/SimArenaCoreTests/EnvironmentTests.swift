import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

/// The environment as an outside driver uses it (reset, then step with actions), against the
/// step function the trainer runs: the same observations and rewards.
final class EnvironmentTests: XCTestCase {
    private let path = Fixtures.repositoryRoot + "/demo/traces/cpu-slight.msgpack"

    private func environment() throws -> Environment {
        var environment = Environment(workload: "web", actionCount: 7,
                                      backend: .success(try EmbeddedCluster(clusterPath: nil, durationSeconds: 90)))
        environment.maxActions = 10
        return environment
    }

    func testTheHeuristicFixesAScenarioThroughResetAndStep() throws {
        var environment = try environment()
        var observation = try environment.reset(trace: try Trace.load(path), traceName: path, seed: 11)
        XCTAssertFalse(observation.atTarget)
        var steps = 0
        var done = false
        while !done {
            var random = SeededGenerator(seed: 0)
            let action = HandCodedPolicy.heuristic.choose(observation, allowed: 7, settings: ActionSettings(), random: &random)
            let transition = try environment.step(action)
            observation = transition.observation
            done = transition.terminated || transition.truncated
            steps += 1
            XCTAssertEqual(transition.info.action, action)
        }
        XCTAssertTrue(observation.atTarget, "the heuristic did not reach the goal in \(steps) steps")
        XCTAssertThrowsError(try environment.step(.noop), "stepping past the end of an episode")
    }

    func testStepsAgreeWithTheTrainersStepFunction() throws {
        var environment = try environment()
        let trace = try Trace.load(path)
        let first = try environment.reset(trace: trace, traceName: path, seed: 21)
        let outside = try environment.step(.bumpCPUSmall)

        // The same two steps as the trainer's tasks run them.
        var context = StepContext(chooser: .given(.bumpCPUSmall))
        var state = StepState(identity: StepIdentity(run: "", episode: 1, step: 1), seed: 21, trace: trace, traceName: path)
        try state.run([.stage(.simulate), .stage(.observe), .stage(.reward), .stage(.act)], in: environment, context: &context)
        var next = state.following(seed: 22)
        try next.run([.stage(.simulate), .stage(.observe), .stage(.reward)], in: environment, context: &context)
        XCTAssertEqual(state.observation?.value, first.value)
        XCTAssertEqual(next.observation?.value, outside.observation.value)
        XCTAssertEqual(next.reward?.reward, outside.reward)
        XCTAssertEqual(next.reward?.terminated, outside.terminated)
    }

    func testTheObservationSaysWhetherTheLastActionWasBlocked() throws {
        var environment = try environment()
        let trace = try Trace.load(path)
        XCTAssertFalse(try environment.reset(trace: trace, traceName: path, seed: 3).lastActionBlocked, "no action before the first step")
        let blocked = try environment.step(.bumpCPUSmall)  // 17 CPU + 500m is above the 16 CPU maximum
        XCTAssertTrue(blocked.info.outcome.blocked)
        XCTAssertTrue(blocked.observation.lastActionBlocked)
        XCTAssertFalse(try environment.step(.reduceCPUSmall).observation.lastActionBlocked)
    }

    func testStepBeforeResetAndActionsOutsideTheSpaceAreRefused() throws {
        var environment = try environment()
        XCTAssertThrowsError(try environment.step(.noop)) { error in
            XCTAssertTrue("\(error)".contains("before reset"), "\(error)")
        }
        environment.actionCount = 4
        _ = try environment.reset(trace: try Trace.load(path), traceName: path, seed: 1)
        XCTAssertThrowsError(try environment.step(.scaleDownReplicas)) { error in
            XCTAssertTrue("\(error)".contains("outside the 4 allowed actions"), "\(error)")
        }
    }
}
