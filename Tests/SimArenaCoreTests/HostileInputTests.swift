import Foundation
import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun

/// Values from files that used to trap (exit 132, nothing said): each is now refused where it
/// enters, as bad data naming what is wrong. One test per defect of the reliability issue.
final class HostileInputTests: XCTestCase {
    private func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as SimArenaError {
            XCTAssertEqual(error.kind, .data, error.message)
            return error.message
        } catch {
            return "\(error)"
        }
    }

    /// `sa-trace inspect` subtracted the first event's `ts` from the last's.
    func testATimestampOfMinusTwoToTheSixtyThreeIsRefused() throws {
        for ts: Int64 in [Int64.min, Int64.max, (1 << 53) + 1] {
            let events: [KValue] = [["ts": 0], ["ts": .int(ts)]]
            let document: KValue = ["version": 2, "config": ["trackedObjects": [:]], "events": .array(events), "index": [:]]
            XCTAssertEqual(message { _ = try Trace(document: document) }, "events[1].ts: \(ts) is outside ±2^53 seconds")
        }
        XCTAssertNil(message { _ = try Trace(document: ["version": 2, "config": ["trackedObjects": [:]], "events": [["ts": .int(1 << 53)]], "index": [:]]) })
    }

    /// `sa-observe` and `sa-learn` computed `total - target` on a target read from a scenario or
    /// an observation.
    func testATargetOrCountOutsideTheReplicaRangeIsRefused() throws {
        var document = try Trace.load(Fixtures.repositoryRoot + "/demo/traces/cpu-slight.msgpack").document
        document["metadata"]?["scenario"]?["target"] = .int(Int64.min)
        let trace = try Trace(document: document)
        XCTAssertEqual(message { _ = try Observation.declaredTarget(of: trace) },
                       "metadata.scenario.target: expected a replica count from 0 to 2147483647")
        let observation = try Observation(document: RewardAndObservationTests.blank(target: 3))
        for key in ["target", "total", "ready", "restarts"] {
            var document = observation.value
            document[key] = .int(Int64.min)
            XCTAssertEqual(message { _ = try Observation(document: document) },
                           "observation: \(key): \(Int64.min) is not a count from 0 to 2147483647")
        }
    }

    /// `sa-learn` multiplied a record count derived from a checkpoint's `steps` of 2^63-1.
    func testACheckpointWhoseStepCountsCannotBeReachedIsRefused() throws {
        var settings = DQNSettings(actions: 7)
        settings.hidden = [4]
        let bytes = try DQNAgent(settings: settings, seed: 1).checkpoint()
        var file = try SafeTensors(bytes: bytes)
        file.metadata["steps"] = String(Int64.max)
        XCTAssertEqual(message { _ = try DQNAgent(checkpoint: try file.encoded()) },
                       "__metadata__ step counts: steps \(Int64.max), updates 0, optimizer_step 0: expected 0 to 2^40")
    }

    /// A replay journal of another feature count met a precondition; one starting after the
    /// agent's transitions made a range whose lower bound was above its upper.
    func testAReplayJournalThatDoesNotFitTheAgentIsRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory + "/replay.bin"
        try ReplayJournal.create(path, features: 13, first: 0)
        XCTAssertEqual(message { _ = try ReplayBuffer.fromJournal(path, capacity: 10, total: 0) },
                       "\(path): the journal's records have 13 features; this agent observes \(Observation.featureNames.count)")
        try ReplayJournal.create(path, features: Observation.featureNames.count, first: 5)
        XCTAssertEqual(message { _ = try ReplayBuffer.fromJournal(path, capacity: 10, total: 2) },
                       "\(path): the journal starts at transition 5, after the 2 the agent has learned from")
    }

    /// `sa-run next` computed `episode - 1` as an unsigned number from a last line of `{}`.
    func testAStepLogWhoseLastRecordHasNoStepIsRefused() throws {
        let run = try RunDirectoryTests.newRun(trace: Fixtures.repositoryRoot + "/demo/traces/trace-0001.msgpack", episodes: 1, steps: 2, seed: 1)
        for line in ["{}", #"{"episode": 0, "step": 1}"#, #"{"episode": 1, "step": -9223372036854775808}"#] {
            try FileIO.writeAtomically(Array((line + "\n").utf8), to: run + "/" + RunDirectory.steps)
            let said = message { _ = try RunDirectory.next(run) } ?? "accepted"
            XCTAssertTrue(said.hasPrefix(run + "/step.jsonl: last line: step.jsonl: "), said)
        }
    }

    /// A FIFO given as any input blocked forever in `open()`; a device was read to the size
    /// limit.
    func testAFIFOWithoutAWriterReadsAsEmptyAndDevicesAreRefused() throws {
        let fifo = try Fixtures.temporaryDirectory() + "/fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // Should the read block, a writer arriving after 3 s ends it, and the test fails on time.
        DispatchQueue.global().asyncAfter(deadline: .now() + 3) {
            let writer = open(fifo, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
        }
        let started = Stopwatch.now()
        XCTAssertEqual(try FileIO.read(fifo), [])
        XCTAssertLessThan(Stopwatch.now() - started, 2)
        XCTAssertThrowsError(try Trace.load(fifo))
        for device in ["/dev/zero", "/dev/null"] {
            XCTAssertThrowsError(try FileIO.read(device)) { error in
                XCTAssertEqual((error as? SimArenaError)?.message, "\(device): is a device or socket, not a file")
            }
        }
    }

    /// A tabular checkpoint's learning rate of -1 or 1e308, and NaN in a DQN checkpoint's
    /// optimizer settings, were accepted and learning went on with them.
    /// A small, dense document may not make a reader allocate many times its size: a JSON
    /// array of `[0]`s took 23.6× its size in memory, a MessagePack array of one-element arrays
    /// would take over 40×. Both are refused with the bound in the message; a real trace of the
    /// same size is not.
    func testDecodingMemoryIsBoundedByAMultipleOfTheInput() throws {
        let count = 2_000_000  // over the 64 MiB floor: 8 MB of JSON, 4 MB of MessagePack
        let json = Array(("[" + Array(repeating: "[0]", count: count).joined(separator: ",") + "]").utf8)
        XCTAssertThrowsError(try JSONReader.parse(json)) { error in
            XCTAssertTrue("\(error)".contains("the document would take more than 122 MiB in memory once decoded, over 16× its"), "\(error)")
        }
        var packed: [UInt8] = [0xdd] + withUnsafeBytes(of: UInt32(count).bigEndian, Array.init)
        for _ in 0..<count { packed += [0x91, 0x00] }
        XCTAssertThrowsError(try MessagePackReader.decode(packed)) { error in
            XCTAssertTrue("\(error)".contains("would take more than 64 MiB in memory once decoded"), "\(error)")
        }
        // A trace-like document of about the same size decodes: objects of short strings.
        let object = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web-frontend-1","namespace":"default"}}"#
        let traceLike = Array(("[" + Array(repeating: object, count: 80_000).joined(separator: ",") + "]").utf8)
        XCTAssertGreaterThan(traceLike.count, json.count)
        XCTAssertEqual(try JSONReader.parse(traceLike).arrayValue?.count, 80_000)
    }

    /// NaN or infinity cannot be JSON: the message says where it is, and `sa-trace convert` puts it
    /// on the input file that holds it rather than on the output.
    func testANonFiniteNumberIsNamedByItsPlace() throws {
        let value: KValue = ["spec": ["replicas": 2, "ratio": .double(.nan)]]
        XCTAssertThrowsError(try JSONWriter.encode(value, pretty: false)) { error in
            XCTAssertEqual("\(error)", "/spec/ratio: NaN or infinity cannot be written as JSON (MessagePack can hold it)")
        }
        XCTAssertEqual(KValue.array([1, .float(-.infinity)]).firstNonFiniteNumber?.description, "/1")
        XCTAssertNil(value.value(at: JSONPointer(tokens: ["spec", "replicas"]))?.firstNonFiniteNumber)
    }

    func testLearnerSettingsOutsideTheirRangesAreRefusedFromCheckpoints() throws {
        for rate in [-1, 1e308, 0] {
            var document = TabularQAgent(actions: 7).value
            document["learning_rate"] = .double(rate)
            XCTAssertEqual(message { _ = try TabularQAgent(document: document) }, "agent: --lr must be in (0, 1]")
        }
        var settings = DQNSettings(actions: 7)
        settings.hidden = [4]
        for (key, value) in [("optimizer_beta1", "nan"), ("optimizer_beta2", "1"), ("optimizer_eps", "-1")] {
            var file = try SafeTensors(bytes: try DQNAgent(settings: settings, seed: 1).checkpoint())
            file.metadata[key] = value
            let said = message { _ = try DQNAgent(checkpoint: try file.encoded()) } ?? "accepted"
            XCTAssertTrue(said.hasPrefix("__metadata__: optimizer settings out of range"), "\(key)=\(value): \(said)")
        }
    }
}
