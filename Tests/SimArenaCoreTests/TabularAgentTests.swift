import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class TabularAgentTests: XCTestCase {
    /// A 5-state chain: action 1 moves right (from state 4 it ends the episode with reward 1),
    /// action 0 moves left (state 0 stays). With γ = 0.9 the optimal values are
    /// Q(s, right) = γ^(4−s), Q(s, left) = γ^(6−s) for s ≥ 1 and Q(0, left) = γ^5.
    func testQLearningConvergesToTheChainsOptimalValues() {
        var agent = TabularQAgent(actions: 2, learningRate: 0.5, gamma: 0.9, schedule: EpsilonSchedule(start: 1, end: 1, decaySteps: 0))
        var random = SeededGenerator(seed: 5)
        var state = 0
        for _ in 0..<20_000 {
            let action = agent.choose("s\(state)", random: &random)  // epsilon 1: uniform exploration
            let terminal = state == 4 && action == 1
            let next = terminal ? 0 : (action == 1 ? state + 1 : max(0, state - 1))
            agent.update(state: "s\(state)", action: action, reward: terminal ? 1 : 0, next: "s\(next)", terminated: terminal)
            state = next
        }
        for s in 0..<5 {
            XCTAssertEqual(agent.qValues("s\(s)")[1], pow(0.9, Double(4 - s)), accuracy: 1e-6, "Q(\(s), right)")
            XCTAssertEqual(agent.qValues("s\(s)")[0], pow(0.9, Double(s == 0 ? 5 : 6 - s)), accuracy: 1e-6, "Q(\(s), left)")
            XCTAssertEqual(agent.greedyAction("s\(s)"), 1)
        }
    }

    func testTerminatedTransitionsDoNotBootstrapButTruncatedOnesDo() {
        var agent = TabularQAgent(actions: 2, learningRate: 1, gamma: 0.5)
        agent.table["next"] = [4, 8]
        var terminal = agent
        terminal.update(state: "s", action: 0, reward: 1, next: "next", terminated: true)
        XCTAssertEqual(terminal.qValues("s"), [1, 0], "no bootstrap from a terminal state")
        agent.update(state: "s", action: 0, reward: 1, next: "next", terminated: false)
        XCTAssertEqual(agent.qValues("s"), [5, 0], "1 + 0.5 × max(4, 8)")
    }

    func testEpsilonFallsLinearlyThenStays() {
        let schedule = EpsilonSchedule(start: 1, end: 0.1, decaySteps: 100)
        XCTAssertEqual(schedule.epsilon(atStep: 0), 1)
        XCTAssertEqual(schedule.epsilon(atStep: 50), 0.55, accuracy: 1e-12)
        XCTAssertEqual(schedule.epsilon(atStep: 100), 0.1)
        XCTAssertEqual(schedule.epsilon(atStep: 10_000), 0.1)
    }

    func testCheckpointsRoundTripExactly() throws {
        var agent = TabularQAgent(actions: 7, learningRate: 0.3, gamma: 0.97, schedule: EpsilonSchedule(start: 0.9, end: 0.05, decaySteps: 500))
        agent.update(state: "b", action: 3, reward: 0.1 / 3, next: "a", terminated: false)
        agent.update(state: "a", action: 6, reward: -0.54, next: "b", terminated: true)
        let text = try JSONWriter.encode(agent.value, pretty: true)
        XCTAssertEqual(try TabularQAgent(document: try JSONReader.parse(text)), agent)
        XCTAssertThrowsError(try TabularQAgent(document: ["format": "other"]))
        var wrong = agent.value
        wrong["table"] = ["a": [1, 2]]
        XCTAssertThrowsError(try TabularQAgent(document: wrong)) { error in
            XCTAssertTrue(String(describing: error).contains("2 values for 7 actions"))
        }
    }

    func testStatesTellTheFailureModesApart() throws {
        let settings = ActionSettings()
        var observation = try Observation(document: RewardAndObservationTests.blank(target: 3))
        (observation.total, observation.pending, observation.unschedulable, observation.unschedulableCPU) = (3, 3, 3, 3)
        XCTAssertEqual(StateDiscretizer.key(observation, settings: settings),
                       "ready=lt|total=eq|pcpu=1|pmem=0|oom=0|thr=0|scpu=0|smem=0")
        (observation.pending, observation.unschedulableCPU, observation.running, observation.oomKilled) = (0, 0, 3, 3)
        XCTAssertEqual(StateDiscretizer.key(observation, settings: settings),
                       "ready=lt|total=eq|pcpu=0|pmem=0|oom=1|thr=0|scpu=0|smem=0")
    }
}
