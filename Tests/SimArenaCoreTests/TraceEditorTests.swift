import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class TraceEditorTests: XCTestCase {
    private func trace(cpu: String = "500m", memory: String = "256Mi", limits: KValue? = nil, replicas: Int64 = 3) throws -> Trace {
        let web = SimulatorTests.deployment("web", replicas: replicas, requests: ["cpu": .string(cpu), "memory": .string(memory)],
                                            limits: limits)
        let other = SimulatorTests.deployment("db", replicas: 1, requests: ["cpu": "1"])
        return try SimulatorTests.trace([(0, [web, other], []), (30, [web], [])])
    }

    private func container(_ trace: Trace, event: Int = 0) -> KValue? {
        trace.events[event].applied[0].value(at: JSONPointer(tokens: ["spec", "template", "spec", "containers", "0", "resources"]))
    }

    func testCPUAndMemoryMoveRequestsAndLimitsInEveryOccurrence() throws {
        var edited = try trace(limits: ["cpu": "1", "memory": "512Mi"])
        let original = edited
        var outcome = try TraceEditor.apply(.bumpCPUSmall, to: &edited, workload: "web")
        XCTAssertEqual(outcome.before, "500m")
        XCTAssertEqual(outcome.after, "1")
        XCTAssertEqual(outcome.editedObjects, 2)
        outcome = try TraceEditor.apply(.reduceMemorySmall, to: &edited, workload: "web")
        XCTAssertEqual(outcome.after, "0")
        XCTAssertTrue(outcome.blocked, "0 is below the 64Mi floor")
        outcome = try TraceEditor.apply(.bumpMemorySmall, to: &edited, workload: "web")
        XCTAssertEqual(outcome.after, "512Mi")
        for event in 0..<2 {
            XCTAssertEqual(container(edited, event: event), ["requests": ["cpu": "1", "memory": "512Mi"],
                                                             "limits": ["cpu": "1500m", "memory": "768Mi"]])
        }
        // The other workload is untouched, byte for byte.
        XCTAssertEqual(MessagePackWriter.encode(edited.events[0].applied[1]), MessagePackWriter.encode(original.events[0].applied[1]))
    }

    func testReplicasAndTheirBounds() throws {
        var edited = try trace(replicas: 1)
        XCTAssertTrue(try TraceEditor.apply(.scaleDownReplicas, to: &edited, workload: "web").blocked)
        XCTAssertEqual(try TraceEditor.apply(.scaleUpReplicas, to: &edited, workload: "web").after, "2")
        XCTAssertEqual(try edited.workloads(named: "web").first?.replicas, 2)
        var full = try trace(replicas: 100)
        let outcome = try TraceEditor.apply(.scaleUpReplicas, to: &full, workload: "web")
        XCTAssertEqual(outcome.blockedReason, "replicas 101 would exceed the maximum 100")
    }

    func testRequestsAboveTheMaximumCanStillBeReduced() throws {
        var edited = try trace(cpu: "20")
        let outcome = try TraceEditor.apply(.reduceCPUSmall, to: &edited, workload: "web")
        XCTAssertFalse(outcome.blocked)
        XCTAssertEqual(outcome.after, "19500m")
        XCTAssertTrue(try TraceEditor.apply(.bumpCPUSmall, to: &edited, workload: "web").blocked)
    }

    func testBlockedAndNoopLeaveTheTraceUnchanged() throws {
        var edited = try trace(memory: "64Mi")
        let before = MessagePackWriter.encode(edited.document)
        XCTAssertTrue(try TraceEditor.apply(.reduceMemorySmall, to: &edited, workload: "web").blocked)
        XCTAssertEqual(try TraceEditor.apply(.noop, to: &edited, workload: "web").editedObjects, 0)
        XCTAssertEqual(MessagePackWriter.encode(edited.document), before)
    }

    func testUnknownWorkloadsAreAnError() throws {
        var edited = try trace()
        XCTAssertThrowsError(try TraceEditor.apply(.noop, to: &edited, workload: "nope")) { error in
            XCTAssertTrue(String(describing: error).contains("no workload named \"nope\""))
        }
    }

    func testActionNamesAndIndices() {
        XCTAssertEqual(AgentAction(nameOrIndex: "2"), .bumpMemorySmall)
        XCTAssertEqual(AgentAction(nameOrIndex: "scale_down_replicas"), .scaleDownReplicas)
        XCTAssertNil(AgentAction(nameOrIndex: "7"))
        XCTAssertEqual(AgentAction.allCases.map(\.name), ["noop", "bump_cpu_small", "bump_mem_small", "scale_up_replicas",
                                                          "reduce_cpu_small", "reduce_mem_small", "scale_down_replicas"])
    }
}
