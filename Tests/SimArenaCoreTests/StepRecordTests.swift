import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun

/// `step.jsonl` lines are written from the record's values by `JSONOutput`; they must be the
/// bytes `JSONWriter` gives for the same document, and read back as what the summary counts.
final class StepRecordTests: XCTestCase {
    private func record(trace: String = "/tmp/we\"ird\\name.msgpack", ends: Bool = false, loss: Double? = 0.125,
                        blockedReason: String? = "at the limit\n(8Gi)") throws -> StepRecord {
        var observation = try Observation(document: RewardAndObservationTests.blank(target: 3))
        (observation.ready, observation.total, observation.running) = ends ? (3, 3, 3) : (1, 3, 1)
        let action = ActionReport(action: .scaleUpReplicas, chooser: "policy:heuristic",
                                  outcome: ActionOutcome(action: .scaleUpReplicas, field: "replicas", before: "2", after: nil,
                                                         blockedReason: blockedReason, editedObjects: 0),
                                  allowedActions: 7, seed: 9)
        let reward = RewardReport(observation: observation, previous: action, function: .shaped, goal: .healthy, step: 2,
                                  maxActions: 10, settings: ActionSettings())
        var run = RunConfiguration(agent: "dqn", traces: [trace], seed: UInt64(Int64.max), chooser: .policy(.heuristic))
        run.episodes = 1
        return StepRecord(run: run, episode: 1, step: 2, observation: observation, reward: reward, action: action,
                          learning: StepRecord.Learning(loss: loss, epsilon: 0.05), durationSeconds: 90)
    }

    func testALineIsTheJSONWriterFormOfItsDocument() throws {
        for record in [try record(), try record(ends: true, loss: nil, blockedReason: nil)] {
            let line = try record.line()
            let document = try JSONReader.parse(line)
            XCTAssertEqual(try JSONWriter.encode(document, pretty: false), line, String(decoding: line, as: UTF8.self))
            XCTAssertEqual(try RecordedStep(line: document), record.recorded)
        }
        // Every member, in order, with its form: a seed past Int64.max, escapes in the trace's
        // name and the reason, the observation's floats.
        XCTAssertEqual(String(decoding: try record().line(), as: UTF8.self), """
            {"episode":1,"step":2,"seed":9223372036854775809,"trace":"we\\"ird\\\\name",\
            "trace_in":"ep0001/step0002/trace.msgpack","trace_out":"ep0001/step0002/next-trace.msgpack",\
            "obs":{"ready":1,"pending":0,"total":3,"running":1,"replicas":3,"unschedulable":0,"oom_killed":0,\
            "crash_looping":0,"throttled":0,"evicted":0,"restarts":0,"cpu_request":"500m","memory_request":"256Mi",\
            "cpu_waste":0.0,"memory_waste":0.0},"state":\(String(decoding: try JSONWriter.encode(try record().observation[.features], pretty: false), as: UTF8.self)),\
            "reward":-0.2,"prev_action":"scale_up_replicas","action_idx":\(AgentAction.scaleUpReplicas.rawValue),\
            "action":"scale_up_replicas","action_info":{"blocked":true,"reason":"at the limit\\n(8Gi)","field":"replicas",\
            "before":"2","after":null,"chooser":"policy:heuristic"},"at_target":false,"goal_reached":false,\
            "terminated":false,"truncated":false,"loss":0.125,"epsilon":0.05,"duration_s":90.0}
            """)
    }

    func testAnEndedEpisodesLineHasNoActionAndNaNIsNamed() throws {
        let ended = try record(ends: true)
        let document = try JSONReader.parse(try ended.line())
        for member in ["trace_out", "action_idx", "action", "action_info"] { XCTAssertEqual(document[member], .null, member) }
        XCTAssertFalse(ended.recorded.acted)
        XCTAssertTrue(ended.recorded.terminated)
        XCTAssertThrowsError(try record(loss: .nan).line()) { error in
            XCTAssertEqual((error as? SimArenaError)?.message, "/loss: NaN or infinity cannot be written as JSON (MessagePack can hold it)")
        }
    }
}
