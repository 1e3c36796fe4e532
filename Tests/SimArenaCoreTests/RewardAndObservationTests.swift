import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class RewardAndObservationTests: XCTestCase {
    /// An observation with the given counts (running = ready unless given).
    private func observation(ready: Int64, pending: Int64, total: Int64, target: Int64 = 3) throws -> Observation {
        var observed = try Observation(document: Self.blank(target: target))
        observed.ready = ready
        observed.pending = pending
        observed.total = total
        observed.running = total - pending
        return observed
    }

    static func blank(target: Int64) -> KValue {
        ["format": .string(Observation.format), "workload": "web", "target": .int(target), "ready": 0, "pending": 0, "total": 0,
         "running": 0, "replicas": .int(target), "unschedulable": 0, "unschedulable_cpu": 0, "unschedulable_memory": 0,
         "oom_killed": 0, "crash_looping": 0, "throttled": 0, "evicted": 0, "restarts": 0,
         "cpu_request": "500m", "memory_request": "256Mi"]
    }

    func testShapedRewardMatchesTheOriginalsExamples() throws {
        XCTAssertEqual(RewardFunction.shaped.reward(for: try observation(ready: 0, pending: 3, total: 3)), -0.45)
        XCTAssertEqual(RewardFunction.shaped.reward(for: try observation(ready: 0, pending: 0, total: 0)), -0.54)
        XCTAssertEqual(RewardFunction.shaped.reward(for: try observation(ready: 5, pending: 0, total: 5)), -0.5)
        XCTAssertEqual(RewardFunction.shaped.reward(for: try observation(ready: 3, pending: 0, total: 3)), 1)
        XCTAssertEqual(RewardFunction.shaped.reward(for: try observation(ready: 0, pending: 40, total: 40, target: 3)), -1, "clipped")
    }

    func testBaseAndMaxPunish() throws {
        XCTAssertEqual(RewardFunction.base.reward(for: try observation(ready: 3, pending: 0, total: 3)), 1)
        XCTAssertEqual(RewardFunction.base.reward(for: try observation(ready: 2, pending: 1, total: 3)), 0)
        var greedy = try observation(ready: 3, pending: 0, total: 3)
        greedy.cpuRequest = try Quantity(parsing: "17")
        greedy.memoryRequest = try Quantity(parsing: "33Gi")
        XCTAssertEqual(RewardFunction.maxPunish.reward(for: greedy), 0, "1 − 0.5 − 0.5")
        greedy.replicas = 101
        XCTAssertEqual(RewardFunction.maxPunish.reward(for: greedy), -0.5)
    }

    func testCostAwarePenalisesWasteAndBlockedActions() throws {
        var healthy = try observation(ready: 3, pending: 0, total: 3)
        healthy.requested = ResourceAmounts(cpuMillis: 3000, memoryBytes: 3 << 30)
        healthy.used = ResourceAmounts(cpuMillis: 3000, memoryBytes: 3 << 30)
        XCTAssertEqual(RewardFunction.costAware.reward(for: healthy), 1)
        healthy.used = ResourceAmounts(cpuMillis: 750, memoryBytes: 3 << 30)  // cpu 75 % unused
        XCTAssertEqual(RewardFunction.costAware.reward(for: healthy), 0.8125, "1 − 0.5 × (0.75 + 0) / 2")
        XCTAssertEqual(RewardFunction.costAware.reward(for: healthy, actionBlocked: true), 0.6925)
        XCTAssertEqual(RewardFunction.costAware.reward(for: try observation(ready: 0, pending: 3, total: 3)), -0.45)
    }

    /// Under the right_sized goal, healthy-but-wasteful is not the goal: it scores below zero, so
    /// an agent cannot earn more by staying there than by right-sizing.
    func testHealthyButWastefulIsNotRewardedAsTheGoalWhenTheGoalIsRightSized() throws {
        var wasteful = try observation(ready: 3, pending: 0, total: 3)
        wasteful.requested = ResourceAmounts(cpuMillis: 3000, memoryBytes: 3 << 30)
        wasteful.used = ResourceAmounts(cpuMillis: 750, memoryBytes: 3 << 30)  // cpu 75 % unused
        for function in RewardFunction.allCases {
            let healthyGoal = function.reward(for: wasteful, goal: .healthy)
            let rightSized = function.reward(for: wasteful, goal: .rightSized)
            XCTAssertGreaterThan(healthyGoal, 0, "\(function) under healthy")
            XCTAssertEqual(rightSized, function == .base ? 0 : -0.14375, "\(function): −0.05 − 0.25 × (0.75 + 0) / 2")
        }
        var fixed = wasteful
        fixed.used = fixed.requested
        XCTAssertEqual(RewardFunction.shaped.reward(for: fixed, goal: .rightSized), 1, "right-sized is the goal")
    }

    func testRewardReportsScoreTheObservationAfterTheAction() throws {
        let after = try observation(ready: 3, pending: 0, total: 3)
        let previous = ActionReport(action: .scaleUpReplicas, chooser: "policy:heuristic",
                                    outcome: ActionOutcome(action: .scaleUpReplicas, field: "replicas", before: "2", after: "3",
                                                           blockedReason: nil, editedObjects: 1),
                                    allowedActions: 4, seed: 1)
        let report = RewardReport(observation: after, previous: previous, function: .shaped, goal: .healthy, step: 2,
                                  maxActions: 10, settings: ActionSettings())
        XCTAssertEqual(report.reward, 1)
        XCTAssertEqual(report.forAction, "scale_up_replicas")
        XCTAssertTrue(report.terminated)
        XCTAssertEqual(try RewardReport(document: report.value), report)
        let first = RewardReport(observation: after, previous: nil, function: .shaped, goal: .healthy, step: 1, maxActions: 10,
                                 settings: ActionSettings())
        XCTAssertNil(first.reward, "no action came before step 1")
        let late = RewardReport(observation: try observation(ready: 0, pending: 3, total: 3), previous: previous, function: .base,
                                goal: .healthy, step: 11, maxActions: 10, settings: ActionSettings())
        XCTAssertTrue(late.truncated)
        XCTAssertFalse(late.terminated)
    }

    func testObservationCountsFromASimulation() throws {
        let web = SimulatorTests.deployment("web", replicas: 4, requests: ["cpu": "6", "memory": "1Gi"],
                                            usage: #"{"app": {"cpu": "3", "memory": "512Mi"}}"#)
        let trace = try SimulatorTests.trace([(0, [web], [])])
        let result = try SimulatorTests.simulate(trace, SimulatorTests.cluster(nodes: 1, cpu: 16_000))
        let observed = try Observation(simulation: result.value, trace: trace, workload: "web", target: 3)
        // Two 6-CPU pods fit on the 16-CPU node; two stay Pending for CPU.
        XCTAssertEqual([observed.ready, observed.pending, observed.total, observed.running], [2, 2, 4, 2])
        XCTAssertEqual([observed.unschedulable, observed.unschedulableCPU, observed.unschedulableMemory], [2, 2, 0])
        XCTAssertEqual(observed.requested, ResourceAmounts(cpuMillis: 12_000, memoryBytes: 2 << 30))
        XCTAssertEqual(observed.cpuWaste, 0.5)
        XCTAssertEqual(observed.memoryWaste, 0.5)
        XCTAssertEqual(observed.slackPerPod, ResourceAmounts(cpuMillis: 3000, memoryBytes: 512 << 20))
        XCTAssertEqual(HandCodedPolicy.heuristicAction(observed, settings: ActionSettings()), .scaleDownReplicas)
        XCTAssertEqual(try Observation(document: observed.value), observed, "observation.json round-trips")
        XCTAssertEqual(observed.features.count, Observation.featureNames.count)
        XCTAssertTrue(observed.features.allSatisfy { (0...1).contains($0) })
    }

    func testFeaturesStayInRangeAcrossTheSafeguardRange() throws {
        for (cpu, memory, replicas) in [("50m", "64Mi", 1), ("20", "40Gi", 100), ("1", "1Gi", 500)] {
            var observed = try observation(ready: 0, pending: 9, total: 9)
            observed.cpuRequest = try Quantity(parsing: cpu)
            observed.memoryRequest = try Quantity(parsing: memory)
            observed.replicas = Int64(replicas)
            XCTAssertTrue(observed.features.allSatisfy { (0...1).contains($0) }, "\(observed.features)")
        }
    }
}
