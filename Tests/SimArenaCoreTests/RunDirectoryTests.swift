import Foundation
import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class RunDirectoryTests: XCTestCase {
    private let trace = Fixtures.repositoryRoot + "/demo/traces/trace-0001.msgpack"

    private func newRun(episodes: Int = 2, steps: Int = 3) throws -> String {
        try Self.newRun(trace: trace, episodes: episodes, steps: steps, seed: 7)
    }

    /// A run of the heuristic on `trace`, created in a new temporary folder.
    static func newRun(trace: String, episodes: Int, steps: Int, seed: UInt64) throws -> String {
        let root = try Fixtures.temporaryDirectory()
        var configuration = RunConfiguration(agent: "heuristic", traces: [trace], seed: seed, chooser: .policy(.heuristic))
        configuration.episodes = episodes
        configuration.steps = steps
        configuration.command = ["--trace", trace]
        return try RunDirectory.create(root: root, checkpoints: root + "/checkpoints", configuration: configuration,
                                       startedAt: 1_764_000_000)
    }

    /// Runs the record task of a step, as `sa-run record --step-dir` does.
    static func record(_ run: String, episode: Int, step: Int) throws {
        let files = StepFiles(runDirectory: run, episode: episode, step: step)
        var driver = try StepDirectoryDriver(files: files, configuration: try RunDirectory.configuration(of: run), backend: nil, pid: nil,
                                             tasks: [.stage(.record)])
        try driver.run(.stage(.record), skipDone: false) { _ in }
    }

    private func step(_ run: String, _ episode: Int, _ step: Int) -> StepFiles {
        StepFiles(runDirectory: run, episode: episode, step: step)
    }

    /// Writes a step's observation, reward and (unless it ends the episode) action files.
    private func completeStep(_ run: String, episode: Int, step: Int, ends: Bool) throws {
        let directory = StepFiles(runDirectory: run, episode: episode, step: step).directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var observation = try Observation(document: RewardAndObservationTests.blank(target: 3))
        observation.ready = ends ? 3 : 0
        observation.total = 3
        observation.running = 3
        try Document.write(observation.value, to: directory + "/observation.json")
        let action = ActionReport(action: .scaleUpReplicas, chooser: "policy:heuristic",
                                  outcome: ActionOutcome(action: .scaleUpReplicas, field: "replicas", before: "2", after: "3",
                                                         blockedReason: nil, editedObjects: 1),
                                  allowedActions: 4, seed: 1)
        let reward = RewardReport(observation: observation, previous: step > 1 ? action : nil, function: .shaped, goal: .healthy,
                                  step: step, maxActions: 3, settings: ActionSettings())
        try Document.write(reward.value, to: directory + "/reward.json")
        if !ends {
            try Document.write(action.value, to: directory + "/action.json")
            try FileIO.writeAtomically(try FileIO.read(trace), to: directory + "/next-trace.msgpack")
        }
    }

    func testRunsAreNamedAfterTheAgentAndTimeAndPointedAt() throws {
        let run = try newRun()
        let name = (run as NSString).lastPathComponent
        XCTAssertTrue(name.hasPrefix("heuristic_2025"), name)
        XCTAssertEqual(name.count, "heuristic_YYYYmmdd_HHMMSS".count)
        let root = (run as NSString).deletingLastPathComponent
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/step.jsonl"), name + "/step.jsonl")
        let again = try RunDirectory.create(root: root, checkpoints: root + "/checkpoints", configuration: try RunDirectory.configuration(of: run),
                                            startedAt: 1_764_000_000)
        XCTAssertTrue(again.hasSuffix(name + "-2"), "a second run in the same second gets a suffix")
    }

    func testPlanningRecordingAndResumingAreIdempotent() throws {
        let run = try newRun(episodes: 2, steps: 3)
        XCTAssertEqual(try RunDirectory.next(run), .step(step(run, 1, 1), seed: 8, trace: trace, previous: nil))
        try completeStep(run, episode: 1, step: 1, ends: false)
        try Self.record(run, episode: 1, step: 1)
        try Self.record(run, episode: 1, step: 1)  // after a crash: counted once
        XCTAssertEqual(try RunDirectory.next(run),
                       .step(step(run, 1, 2), seed: 9, trace: run + "/ep0001/step0001/next-trace.msgpack", previous: step(run, 1, 1)))
        XCTAssertEqual(try String(contentsOfFile: run + "/next-step", encoding: .utf8), "ep0001/step0002\n")
        try completeStep(run, episode: 1, step: 2, ends: true)
        try Self.record(run, episode: 1, step: 2)
        XCTAssertEqual(try RunDirectory.next(run), .step(step(run, 2, 1), seed: 1008, trace: trace, previous: step(run, 1, 2)))
        // A record rerun by hand for an earlier step changes nothing.
        try Self.record(run, episode: 1, step: 1)
        XCTAssertEqual(try String(contentsOfFile: run + "/next-step", encoding: .utf8), "ep0002/step0001\n")
        let lines = try String(contentsOfFile: run + "/step.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let summary = try RunSummary(document: try Document.read(run + "/summary.json"))
        XCTAssertEqual(summary.episodes.count, 1)
        XCTAssertEqual(summary.episodes[0].steps, 1)
        XCTAssertEqual(summary.episodes[0].returnValue, 1)
        XCTAssertTrue(summary.episodes[0].success)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/ep0001/step0002/complete"))
    }

    func testSeveralTracesAreUsedInASeededOrder() {
        let settings = RunConfiguration(agent: "a", traces: ["a", "b", "c"], seed: 3, chooser: .policy(.noop))
        let order = (1...6).map { settings.trace(forEpisode: $0) }
        XCTAssertEqual(Set(order.prefix(3)), ["a", "b", "c"], "every trace once before any repeats")
        XCTAssertEqual(Array(order.prefix(3)), Array(order.suffix(3)))
        XCTAssertEqual(settings.seed(episode: 3, step: 2), 3 + 2000 + 2)
    }

    func testLocksAreHeldTakenOverWhenStaleAndRefusedWhenLive() throws {
        let run = try newRun()
        XCTAssertNil(try RunLock.acquire(run, pid: getpid()))
        try FileIO.writeAtomically(Array("999999\n".utf8), to: RunLock.path(in: run))
        XCTAssertEqual(try RunLock.acquire(run, pid: getpid()), "took over a stale lock of process 999999")
        let parent = getppid()  // alive, and not us
        try FileIO.writeAtomically(Array("\(parent)\n".utf8), to: RunLock.path(in: run))
        let embedded: Result<any ClusterBackend, any Error> = .success(try EmbeddedCluster(clusterPath: nil, durationSeconds: 90))
        let verdict = PreflightVerdict(traceName: trace, loadTrace: { try Trace.load(self.trace) }, workload: "web", namespace: nil,
                                       backend: embedded, runDirectory: run, pid: getpid())
        XCTAssertFalse(verdict.ok)
        XCTAssertEqual(verdict.checks.map(\.name), ["trace", "workload", "cluster", "run_directory", "lock"])
        XCTAssertTrue(verdict.failure?.contains("locked by process \(parent)") == true, "\(verdict.failure ?? "")")
        let missing = PreflightVerdict(traceName: trace, loadTrace: { try Trace.load(self.trace) }, workload: "db", namespace: nil,
                                       backend: nil, runDirectory: nil, pid: nil)
        XCTAssertTrue(missing.failure?.contains("no workload named \"db\"") == true)
    }

    /// A lock held through a descriptor outlives its pid: while a copy of the descriptor is open
    /// (a killed orchestrator's step still running), the run stays locked; then it is stale.
    func testALockHeldThroughADescriptorLastsUntilItIsClosed() throws {
        let run = try newRun()
        let held = try RunLock.openForHolding(run)
        XCTAssertNil(try RunLock.acquire(run, pid: 999_999, holding: held))
        XCTAssertEqual(String(decoding: try FileIO.read(RunLock.path(in: run)), as: UTF8.self), "999999\n")
        XCTAssertThrowsError(try RunLock.acquire(run, pid: getpid())) { error in
            XCTAssertEqual(
                (error as? SimArenaError)?.message,
                "\(run)/lock: the run's process 999999 is gone, but processes it started still hold the run; try again when they have ended")
        }
        let mine = try RunLock.openForHolding(run)
        defer { close(mine) }
        XCTAssertThrowsError(try RunLock.acquire(run, pid: getpid(), holding: mine))
        // The same pid through another descriptor (another container's pid 1) is someone else.
        XCTAssertThrowsError(try RunLock.acquire(run, pid: 999_999, holding: mine))
        close(held)
        XCTAssertEqual(try RunLock.acquire(run, pid: getpid(), holding: mine), "took over a stale lock of process 999999")
        RunLock.release(run, pid: getpid())
        XCTAssertEqual(try FileIO.read(RunLock.path(in: run)), [], "released: the pid is gone, the file stays")
        let other = open(run + "/run.json", O_RDONLY)
        defer { close(other) }
        XCTAssertThrowsError(try RunLock.acquire(run, pid: getpid(), holding: other)) { error in
            XCTAssertEqual((error as? SimArenaError)?.message, "descriptor \(other) is not open on \(run)/lock")
        }
    }

    /// Of several processes taking the lock at the same moment exactly one gets it (it used to be
    /// a read, then a write: 171 of 300 pairs of `sa-run lock` both got it). Threads stand in for
    /// processes: each opens the directory itself, and flock excludes open descriptions.
    func testExactlyOneOfManyConcurrentTakersGetsTheLock() throws {
        let run = try newRun()
        let pids = [getpid(), getppid(), 1]  // all alive
        for _ in 0..<50 {
            unlink(RunLock.path(in: run))
            let winners = Winners()
            DispatchQueue.concurrentPerform(iterations: pids.count) { index in
                do {
                    try RunLock.acquire(run, pid: pids[index])
                    winners.add()
                } catch {}
            }
            XCTAssertEqual(winners.count, 1)
        }
    }

    /// The fast path writes summary.json just before the step.jsonl lines it counts; a kill in
    /// between leaves the summary ahead, possibly by whole episodes. Resuming then rebuilds it.
    func testASummaryAheadOfOrBehindTheStepLogIsRebuiltFromIt() throws {
        let directory = NSTemporaryDirectory() + "summary-\(UInt64.random(in: 0...UInt64.max))"
        try FileIO.createDirectories(directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        struct Line {
            var value: KValue
            var recorded: RecordedStep { try! RecordedStep(line: value) }
            func line() throws -> [UInt8] { try JSONWriter.encode(value, pretty: false) }
        }
        func record(_ episode: Int, _ step: Int, reward: Double?, ends: Bool) -> Line {
            Line(value: ["episode": .int(Int64(episode)), "step": .int(Int64(step)), "reward": reward.map(KValue.double) ?? .null,
                         "action": ends ? .null : "noop", "terminated": .bool(ends), "truncated": false, "loss": 0.5])
        }
        let records = [record(1, 1, reward: nil, ends: false), record(1, 2, reward: 1, ends: true),
                       record(2, 1, reward: nil, ends: false), record(2, 2, reward: -0.25, ends: false)]
        var full = RunSummary(agent: "dqn")
        records.forEach { full.add($0.recorded) }
        try Document.write(full.value, to: directory + "/summary.json")
        // step.jsonl holds only episode 1: the summary ran ahead into episode 2.
        for item in records.prefix(2) { try FileIO.appendLine(try item.line(), to: directory + "/step.jsonl") }
        var expected = RunSummary(agent: "dqn")
        records.prefix(2).forEach { expected.add($0.recorded) }
        XCTAssertEqual(try RunSummary.consistent(runDirectory: directory, agent: "dqn").value, expected.value)
        // In step, the summary is taken as it is.
        for item in records.suffix(2) { try FileIO.appendLine(try item.line(), to: directory + "/step.jsonl") }
        XCTAssertEqual(try RunSummary.consistent(runDirectory: directory, agent: "dqn").value, full.value)
        XCTAssertEqual(full.episodes.map(\.lossCount), [2, 2])
        // A summary behind step.jsonl (the fast path now writes the lines first) is rebuilt too.
        var behind = RunSummary(agent: "dqn")
        records.prefix(3).forEach { behind.add($0.recorded) }
        try Document.write(behind.value, to: directory + "/summary.json")
        XCTAssertEqual(try RunSummary.consistent(runDirectory: directory, agent: "dqn").value, full.value)
        // A line that cannot be read is reported with the file and the line's number.
        try FileIO.appendLine(Array("{\"episode\": 2, \"st".utf8), to: directory + "/step.jsonl")
        XCTAssertThrowsError(try RunSummary.consistent(runDirectory: directory, agent: "dqn")) { error in
            XCTAssertTrue((error as? SimArenaError)?.message.hasPrefix(directory + "/step.jsonl: last line: ") == true, "\(error)")
        }
    }

    /// A failed append (a full disk) leaves no partial line behind.
    func testAnAppendThatFailsLeavesTheFileAsItWas() throws {
        XCTAssertThrowsError(try FileIO.appendLine(Array("x".utf8), to: "/dev/full")) { error in
            XCTAssertTrue((error as? SimArenaError)?.message.contains("No space left on device") == true, "\(error)")
        }
    }
}

/// Counts successes across threads.
private final class Winners: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var count = 0

    func add() {
        lock.lock()
        count += 1
        lock.unlock()
    }
}
