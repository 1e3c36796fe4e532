import Foundation
import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

/// Time-varying declared usage: the annotation's series, the simulator's rules for them, the
/// samples a result reports, and what the observation makes of them.
final class UsageSeriesTests: XCTestCase {
    // MARK: The annotation

    private func parse(_ text: String) throws -> UsageAnnotation.Usage? {
        try UsageAnnotation(text, at: "usage").usage(of: "app")
    }

    private func assertRefused(_ text: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(text), file: file, line: line) { error in
            XCTAssertEqual((error as? SimArenaError)?.kind, .data, file: file, line: line)
            XCTAssertEqual("\(error)", message, file: file, line: line)
        }
    }

    func testAResourceIsAQuantityOrASeriesOfThem() throws {
        let usage = try XCTUnwrap(try parse(#"{"app": {"cpu": ["100m", "1", "250m"], "memory": "64Mi"}}"#))
        XCTAssertEqual(usage.cpu?.samples, [100, 1000, 250])
        XCTAssertEqual(usage.cpu?.mean, 450)
        XCTAssertEqual(usage.cpu?.peak, 1000)
        XCTAssertEqual(usage.memory, UsageSeries(constant: 64 << 20))
        XCTAssertEqual(usage.cpu?[4], 1000, "the series cycles")
        XCTAssertEqual(try parse(#"{"app": {"cpu": ["1m", "2m"]}}"#)?.cpu?.mean, 2, "the mean rounds up")
        XCTAssertNil(try parse(#"{"app": {"cpu": "1"}}"#)?.memory, "absent: the request")
        let longest = "[" + Array(repeating: #""1Mi""#, count: UsageSeries.maxSamples).joined(separator: ",") + "]"
        XCTAssertEqual(try parse(#"{"app": {"memory": \#(longest)}}"#)?.memory?.samples.count, 1440)
    }

    func testBadSeriesAreRefusedNamingTheSample() {
        assertRefused(#"{"app": {"cpu": []}}"#, "usage.app.cpu: a usage series needs at least one sample")
        assertRefused(#"{"app": {"cpu": ["1", 2]}}"#, "usage.app.cpu[1]: expected a string, found an integer")
        assertRefused(#"{"app": {"memory": ["1Gi", "-1Mi"]}}"#, "usage.app.memory[1]: usage cannot be negative")
        assertRefused(#"{"app": {"memory": ["lots"]}}"#, #"usage.app.memory[0]: invalid quantity "lots": expected a number"#)
        assertRefused(#"{"app": {"memory": {"max": "1Gi"}}}"#, "usage.app.memory: expected a quantity string or an array of them, found a map")
        assertRefused(#"{"app": {"gpu": "1"}}"#, "usage.app.gpu: unknown resource (use cpu or memory)")
        let tooLong = "[" + Array(repeating: #""1""#, count: 1441).joined(separator: ",") + "]"
        assertRefused(#"{"app": {"cpu": \#(tooLong)}}"#,
                      "usage.app.cpu: a usage series holds at most 1440 samples (6 hours at 15 s), not 1441")
        let web = SimulatorTests.deployment("web", replicas: 1, usage: #"{"app": {"cpu": ["1", null]}}"#)
        XCTAssertThrowsError(try SimulatorTests.simulate(try SimulatorTests.trace([(0, [web], [])]), .demo)) { error in
            XCTAssertTrue("\(error)".hasSuffix(#".metadata.annotations["simarena.io/usage"].app.cpu[1]: expected a string, found null"#),
                          "\(error)")
        }
    }

    // MARK: The simulator's rules

    /// One `web` pod whose container `app` has `limits` and the declared `usage`, simulated on
    /// SimulatorTests' cluster (start at 1 s, Ready 2 s later, memory ramp 3 s).
    private func run(limits: KValue?, usage: String, requests: KValue = ["cpu": "100m", "memory": "256Mi"],
                     seconds: Int64 = 90) throws -> SimulationResult {
        let web = SimulatorTests.deployment("web", replicas: 1, requests: requests, limits: limits, usage: usage)
        return try SimulatorTests.simulate(try SimulatorTests.trace([(0, [web], [])]), SimulatorTests.cluster(nodes: 1), seconds: seconds)
    }

    func testMemoryIsOOMKilledAtTheFirstSampleOverItsLimit() throws {
        let usage = #"{"app": {"memory": ["200Mi", "300Mi", "900Mi"]}}"#
        let result = try run(limits: ["memory": "512Mi"], usage: usage)
        // Start 1 s; sample 2 in force at 31 s, reached after the 3 s ramp: killed at 34 s. Restart at
        // 44 s (10 s back-off), killed again at 77 s; the next restart (97 s) is past the window.
        let kills = result.events.filter { $0.reason == "OOMKilling" }
        XCTAssertEqual(kills.map(\.time), [34_000, 77_000])
        XCTAssertEqual(kills.first?.message, "Container app used 900Mi of memory, over its 512Mi limit; killed (exit code 137)")
        let pod = try XCTUnwrap(result.pods.first)
        XCTAssertEqual(pod.restartCount, 1)
        XCTAssertTrue(pod.oomKilled)
        XCTAssertEqual(pod.reason, "CrashLoopBackOff")
        XCTAssertEqual(pod.readyAt, 46_000, "Ready between its kills: 2 s after the restart at 44 s")
        // Samples of the first run: at 1, 16 and 31 s; the last capped at the limit.
        XCTAssertEqual(pod.containers.first?.usageSamples?.memoryBytes, [200 << 20, 300 << 20, 512 << 20])
        XCTAssertEqual(result.value["pods"]?[0]?["containers"]?[0]?["usageSamples"],
                       ["cpu": ["100m", "100m", "100m"], "memory": ["200Mi", "300Mi", "512Mi"]])
        XCTAssertEqual(result.nodes.first?.used, .zero, "a killed container uses nothing")

        let justBefore = try run(limits: ["memory": "512Mi"], usage: usage, seconds: 33)
        XCTAssertFalse(justBefore.events.contains { $0.reason == "OOMKilling" }, "not before its time")
        XCTAssertTrue(try XCTUnwrap(justBefore.pods.first).ready)
        XCTAssertEqual(justBefore.pods.first?.containers.first?.usageSamples?.memoryBytes, [200 << 20, 300 << 20, 512 << 20])
        XCTAssertEqual(justBefore.nodes.first?.used.memoryBytes, 900 << 20, "node memory is booked at the peak")
        let short = try run(limits: ["memory": "512Mi"], usage: usage, seconds: 30)
        XCTAssertEqual(short.pods.first?.containers.first?.usageSamples?.memoryBytes, [200 << 20, 300 << 20], "ticks at 1 and 16 s")
    }

    func testASeriesNeverOverItsLimitIsNeverKilled() throws {
        let result = try run(limits: ["memory": "512Mi"], usage: #"{"app": {"memory": ["200Mi", "512Mi"]}}"#, seconds: 600)
        XCTAssertFalse(result.events.contains { $0.reason == "OOMKilling" })
        let pod = try XCTUnwrap(result.pods.first)
        XCTAssertTrue(pod.ready)
        XCTAssertEqual(pod.usage.memoryBytes, 512 << 20, "usage shows the memory peak")
        let samples = try XCTUnwrap(pod.containers.first?.usageSamples)
        XCTAssertEqual(samples.memoryBytes.count, 40, "ticks at 1, 16, … 586 s")
        XCTAssertEqual(Array(samples.memoryBytes.prefix(3)), [200 << 20, 512 << 20, 200 << 20], "cycling")
    }

    func testCPUReadinessFollowsTheSeriesMean() throws {
        // Mean 1000m: 2× the 500m limit is still Ready, 2 s × 2 slower; bursts to 1800m do not matter.
        let slow = try run(limits: ["cpu": "500m"], usage: #"{"app": {"cpu": ["200m", "1800m"]}}"#)
        let slowPod = try XCTUnwrap(slow.pods.first)
        XCTAssertTrue(slowPod.ready)
        XCTAssertEqual(slowPod.readyAt, 5000)
        XCTAssertEqual(slowPod.usage.cpuMillis, 500, "the mean, capped at the limit")
        XCTAssertEqual(slowPod.containers.first?.usageSamples?.cpuMillis, [200, 500, 200, 500, 200, 500], "each capped at the limit")
        // Mean 1050m: 2.1× the limit fails the readiness probe.
        let starved = try run(limits: ["cpu": "500m"], usage: #"{"app": {"cpu": ["300m", "1800m"]}}"#)
        let starvedPod = try XCTUnwrap(starved.pods.first)
        XCTAssertFalse(starvedPod.ready)
        XCTAssertEqual(starvedPod.reason, "ReadinessProbeFailed")
        XCTAssertEqual(starvedPod.message,
                       "Readiness probe failed: container app needs 1050m CPU on average but is throttled to its 500m limit (2.1x)")
    }

    func testPodsThatNeverRanHaveNoSamples() throws {
        let result = try run(limits: nil, usage: #"{"app": {"cpu": ["1", "2"]}}"#, requests: ["cpu": "17"])
        XCTAssertEqual(result.pods.first?.phase, .pending)
        XCTAssertNil(result.pods.first?.containers.first?.usageSamples)
        XCTAssertNil(result.value["pods"]?[0]?["containers"]?[0]?["usageSamples"])
    }

    func testTheStreamedMessagePackCarriesTheSamples() throws {
        let result = try run(limits: ["memory": "512Mi"], usage: #"{"app": {"memory": ["200Mi", "300Mi", "900Mi"]}}"#)
        XCTAssertEqual(result.messagePack, MessagePackWriter.encode(result.value))
    }

    // MARK: The observation

    func testPercentilesAreNearestRank() throws {
        func values(_ percentiles: UsagePercentiles?) -> [Int64] {
            guard let percentiles else { return [] }
            return [percentiles.p50, percentiles.p90, percentiles.p95, percentiles.max].map(\.milliValue) + [Int64(percentiles.samples)]
        }
        XCTAssertEqual(values(UsagePercentiles((1...20).map { Int64($0) }, as: Quantity.millis)), [10, 18, 19, 20, 20])
        XCTAssertEqual(values(UsagePercentiles([5, 1, 3], as: Quantity.millis)), [3, 5, 5, 5, 3], "ranks 2, 3, 3 of 1, 3, 5")
        XCTAssertEqual(values(UsagePercentiles([7], as: Quantity.millis)), [7, 7, 7, 7, 1])
        XCTAssertEqual(values(UsagePercentiles((1...10).map { Int64($0) }, as: Quantity.millis)), [5, 9, 10, 10, 10])
        XCTAssertNil(UsagePercentiles([], as: Quantity.millis))
        let memory = try XCTUnwrap(UsagePercentiles([1 << 30, 512 << 20], as: { Quantity.bytes($0) }))
        XCTAssertEqual(memory.value, ["p50": "512Mi", "p90": "1Gi", "p95": "1Gi", "max": "1Gi", "samples": 2])
        XCTAssertEqual(try UsagePercentiles(memory.value, at: "memory_usage"), memory)
    }

    func testTheObservationPoolsTheRunningPodsSamples() throws {
        let web = SimulatorTests.deployment("web", replicas: 3, requests: ["cpu": "200m", "memory": "128Mi"],
                                            usage: #"{"app": {"cpu": ["100m", "300m"], "memory": ["100Mi", "200Mi"]}}"#)
        var cluster = SimulatorTests.cluster(nodes: 1, cpu: 32_000, memory: 8 << 30)
        cluster.nodePools.append(ClusterSpec.NodePool(name: "big", count: 1, allocatable: ResourceAmounts(cpuMillis: 4000, memoryBytes: 64 << 30)))
        let trace = try SimulatorTests.trace([(0, [web], [])])
        let result = try SimulatorTests.simulate(trace, cluster)
        let observed = try Observation(simulation: result.value, trace: trace, workload: "web", target: 3)
        XCTAssertEqual(try Observation(result: result, trace: trace, workload: "web", target: 3), observed, "in memory as from the file")
        // Three pods, six ticks each: nine samples of 100m and nine of 300m.
        let cpu = try XCTUnwrap(observed.cpuUsage)
        XCTAssertEqual([cpu.p50, cpu.p90, cpu.p95, cpu.max], [.millis(100), .millis(300), .millis(300), .millis(300)])
        XCTAssertEqual(cpu.samples, 18)
        XCTAssertEqual(observed.memoryUsage?.p50, .bytes(100 << 20))
        XCTAssertEqual(observed.memoryUsage?.max, .bytes(200 << 20))
        XCTAssertEqual(observed.largestNode, ResourceAmounts(cpuMillis: 32_000, memoryBytes: 64 << 30), "each the largest of its own")
        XCTAssertEqual(observed.pods.first?.usageSamples?.cpuMillis, [100, 300, 100, 300, 100, 300])
        XCTAssertFalse(observed.lastActionBlocked)
        XCTAssertEqual(observed.used, ResourceAmounts(cpuMillis: 600, memoryBytes: 600 << 20), "CPU means and memory peaks")

        let document = observed.value
        XCTAssertEqual(document["format"], "simarena.observation/v2")
        XCTAssertEqual(document["cpu_usage"], ["p50": "100m", "p90": "300m", "p95": "300m", "max": "300m", "samples": 18])
        XCTAssertEqual(document["largest_node"], ["cpu": "32", "memory": "64Gi"])
        XCTAssertEqual(document["last_action_blocked"], false)
        XCTAssertEqual(document["pods"]?[0]?["usage_samples"]?["memory"]?[1], "200Mi")
        XCTAssertEqual(try Observation(document: document), observed, "observation.json round-trips")
        var blocked = observed
        blocked.lastActionBlocked = true
        XCTAssertEqual(try Observation(document: blocked.value), blocked)
        XCTAssertEqual(observed.features, try Observation(document: document).features)
    }

    func testOnlyRunningPodsArePooled() throws {
        var observed = try Observation(document: RewardAndObservationTests.blank(target: 3))
        (observed.declaredCPUUsage, observed.declaredMemoryUsage) = (true, true)
        func pod(_ phase: String, _ cpu: [Int64]?) -> Observation.Pod {
            Observation.Pod(name: phase, phase: phase, ready: false, reason: nil, node: nil, restartCount: 0, requests: .zero, usage: .zero,
                            usageSamples: cpu.map { UsageSamples(cpuMillis: $0, memoryBytes: $0) })
        }
        observed.pods = [pod("Running", [1, 2]), pod("Failed", [100]), pod("Succeeded", [50]), pod("Pending", nil), pod("Running", nil)]
        XCTAssertEqual(observed.cpuUsage?.max, .millis(2))
        XCTAssertEqual(observed.cpuUsage?.samples, 2)
        observed.pods.removeFirst()
        XCTAssertNil(observed.cpuUsage)
        XCTAssertNil(observed.memoryUsage)
        XCTAssertEqual(observed.value["cpu_usage"], .null)
    }

    func testVersionOneObservationsAreReadWithDefaults() throws {
        var v1 = RewardAndObservationTests.blank(target: 3)
        v1["format"] = "simarena.observation/v1"
        v1["pods"] = [["name": "web-1", "phase": "Running", "ready": true, "restarts": 0,
                       "requests": ["cpu": "500m", "memory": "256Mi"], "usage": ["cpu": "100m", "memory": "64Mi"]]]
        let observed = try Observation(document: v1)
        XCTAssertNil(observed.largestNode)
        XCTAssertFalse(observed.lastActionBlocked)
        XCTAssertNil(observed.pods.first?.usageSamples)
        XCTAssertNil(observed.cpuUsage)
        v1["format"] = "simarena.observation/v3"
        XCTAssertThrowsError(try Observation(document: v1)) { error in
            XCTAssertEqual("\(error)", #"observation: "format" is not "simarena.observation/v2" (or "simarena.observation/v1")"#)
        }
        v1["format"] = "simarena.observation/v2"
        v1["last_action_blocked"] = "yes"
        XCTAssertThrowsError(try Observation(document: v1)) { error in
            XCTAssertEqual("\(error)", "last_action_blocked: expected a boolean, found a string")
        }
    }

    /// The stage executables observe on a step directory's files (the previous step's
    /// action.json among them); the trainer in memory: the same observation.
    func testTheStagePathAndTheInMemoryPathObserveAlike() throws {
        let tracePath = Fixtures.repositoryRoot + "/demo/traces/cpu-slight.msgpack"
        let trace = try Trace.load(tracePath)
        let run = try RunDirectoryTests.newRun(trace: tracePath, episodes: 1, steps: 3, seed: 5)
        let configuration = try RunDirectory.configuration(of: run)
        let backend: Result<any ClusterBackend, any Error> = .success(try EmbeddedCluster(clusterPath: nil, durationSeconds: 90))
        // Step 1 asked for more CPU than the safeguard allows (17 CPU → 17.5): blocked.
        var bumped = trace
        let outcome = try TraceEditor.apply(.bumpCPUSmall, to: &bumped, workload: "web")
        XCTAssertTrue(outcome.blocked)
        let action = ActionReport(action: .bumpCPUSmall, chooser: "policy:test", outcome: outcome, allowedActions: 7, seed: 6)
        let first = StepFiles(runDirectory: run, episode: 1, step: 1)
        let second = StepFiles(runDirectory: run, episode: 1, step: 2)
        for files in [first, second] { try RunDirectory.makeDirectory(files) }
        try Document.write(action.value, to: first.file(StepFiles.action))
        try bumped.write(to: second.file(StepFiles.trace))

        var driver = try StepDirectoryDriver(files: second, configuration: configuration, backend: backend, pid: nil,
                                             tasks: [.stage(.simulate), .stage(.observe)])
        for task in [StepTask.stage(.simulate), .stage(.observe)] { try driver.run(task) { _ in } }
        let fromFiles = try Document.decode(second.file(StepFiles.observation), Observation.init(document:))

        var state = StepState(identity: StepIdentity(run: configuration.run, episode: 1, step: 2), seed: configuration.seed(episode: 1, step: 2),
                              trace: bumped, traceName: tracePath)
        state.previousAction = action
        try state.run([.stage(.simulate), .stage(.observe)], in: Environment(configuration: configuration, backend: backend), context: nil)
        let inMemory = try XCTUnwrap(state.observation)
        XCTAssertTrue(inMemory.lastActionBlocked)
        XCTAssertEqual(fromFiles.value, inMemory.value)
        XCTAssertEqual(fromFiles, inMemory)
    }

    // MARK: Constant usage is unchanged

    /// Every demo trace simulated as before this feature, without the added `usageSamples`:
    /// the same bytes (FNV-1a 64 of the JSON results, pinned from the code before the change).
    func testConstantUsageGivesTheSameResultsAsBefore() throws {
        let folder = Fixtures.repositoryRoot + "/demo/traces"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".msgpack") }.sorted()
        XCTAssertEqual(names.count, 108)
        var digest = Digest()
        for name in names {
            let trace = try Trace.load(folder + "/" + name)
            for (seconds, seed) in [(Int64(90), UInt64(1)), (600, 2)] {
                digest.add(try JSONWriter.encode(Self.withoutSamples(try SimulatorTests.simulate(trace, .demo, seconds: seconds, seed: seed).value),
                                                 pretty: true))
            }
        }
        XCTAssertEqual(String(digest.value, radix: 16), "21c5179dd62885e2")
    }

    /// The real SimKube traces likewise (skipped when the fixtures are absent).
    func testRealTracesGiveTheSameResultsAsBefore() throws {
        var digest = Digest()
        for name in Fixtures.messagePackTraces + Fixtures.jsonTraces {
            let trace = try Trace.load(try Fixtures.simkube(name))
            digest.add(try JSONWriter.encode(Self.withoutSamples(try SimulatorTests.simulate(trace, .demo, seconds: 600, seed: 1).value),
                                             pretty: true))
        }
        XCTAssertEqual(String(digest.value, radix: 16), "fcfe97c433b0b120")
    }

    /// A result document without the containers' `usageSamples`.
    /// A result as the simulator wrote it before usage samples and preemption: without
    /// `usageSamples`, and each FailedScheduling message without kube-scheduler's ` preemption: …`
    /// part (with no priorities set, preemption only ever adds that text).
    static func withoutSamples(_ value: KValue) -> KValue {
        switch value {
        case .map(let map):
            return .map(KMap(map.entries.compactMap { entry in
                entry.key.stringValue == "usageSamples" ? nil : KMap.Entry(key: entry.key, value: withoutSamples(entry.value))
            }))
        case .array(let items):
            return .array(items.map(withoutSamples))
        case .string(let text):
            guard let suffix = text.range(of: " preemption: ") else { return value }
            return .string(String(text[..<suffix.lowerBound]))
        default:
            return value
        }
    }

    /// 64-bit FNV-1a over everything added.
    struct Digest {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325

        mutating func add(_ bytes: [UInt8]) {
            for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
    }
}
