import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

/// The scenario generator: named and generated traces are valid SimKube traces with the numbers
/// they claim, and each stored fix, replayed with this file's own arithmetic model of the
/// simulator's rules (independent of `ScenarioRules`), reaches the goal without a blocked step.
final class ScenarioTests: XCTestCase {
    // MARK: Named scenarios

    func testNamedScenariosMatchTheOriginal() throws {
        let expected: [(name: String, replicas: Int64, cpu: String, memory: String, fix: [String])] = [
            ("trace-0001", 2, "500m", "512Mi", repeated("scale_up_replicas", 1)),
            ("cpu-slight", 3, "17000m", "2Gi", repeated("reduce_cpu_small", 2)),
            ("cpu-heavy", 3, "20000m", "2Gi", repeated("reduce_cpu_small", 8)),
            ("mem-slight", 3, "500m", "33Gi", repeated("reduce_mem_small", 4)),
            ("mem-heavy", 3, "500m", "40Gi", repeated("reduce_mem_small", 32)),
            ("cpu-mem", 3, "17000m", "33Gi", repeated("reduce_cpu_small", 2) + repeated("reduce_mem_small", 4)),
            ("replicas-over", 5, "500m", "512Mi", repeated("scale_down_replicas", 2)),
            ("scaling", 1, "250m", "256Mi", repeated("scale_up_replicas", 2)),
        ]
        let named = ScenarioCatalog.all
        XCTAssertEqual(named.map(\.name), expected.map(\.name))
        XCTAssertEqual(ScenarioCatalog.names, expected.map(\.name))
        for (scenario, want) in zip(named, expected) {
            let document = ScenarioTraceBuilder.document(for: scenario)
            let observed = try checkTrace(document, name: want.name)
            XCTAssertEqual(observed.workload.replicas, want.replicas, want.name)
            let container = try XCTUnwrap(observed.workload.template.containers.first)
            XCTAssertEqual(container.requests["cpu"], try Quantity(parsing: want.cpu), want.name)
            XCTAssertEqual(container.requests["memory"], try Quantity(parsing: want.memory), want.name)
            XCTAssertTrue(container.limits.isEmpty, want.name)
            XCTAssertNil(observed.workload.template.annotation(ScenarioTraceBuilder.usageAnnotation), want.name)
            XCTAssertEqual(observed.block["fix"], .array(want.fix.map { .string($0) }), want.name)
            XCTAssertEqual(observed.block["target"], 3, want.name)
            XCTAssertEqual(observed.block["seed"], 0, want.name)
            XCTAssertEqual(ScenarioCatalog.scenario(named: want.name), scenario)
        }
        XCTAssertNil(ScenarioCatalog.scenario(named: "no-such-scenario"))
    }

    func testNamedScenarioBlocksKeepTheOriginalFields() throws {
        let scenario = try XCTUnwrap(ScenarioCatalog.scenario(named: "cpu-slight"))
        let block = try XCTUnwrap(ScenarioTraceBuilder.document(for: scenario)["metadata"]?["scenario"])
        XCTAssertEqual(block["failure_mode"], "cpu_request_too_high")
        XCTAssertEqual(block["severity"], "slight")
        XCTAssertEqual(block["goal"], "healthy")
        XCTAssertEqual(block["initial_state"]?["replicas"], 3)
        XCTAssertEqual(block["initial_state"]?["requests"]?["cpu"], "17")
        XCTAssertEqual(block["initial_state"]?["requests"]?["memory"], "2Gi")
        XCTAssertEqual(block["initial_state"]?["limits"], .map(KMap()))
        XCTAssertEqual(block["fixed_state"]?["requests"]?["cpu"], "16")
        let sentence = try XCTUnwrap(block["expected_behavior"]?.stringValue)
        XCTAssertTrue(sentence.contains("Pending"), sentence)
        XCTAssertTrue(sentence.contains("2× reduce_cpu_small"), sentence)
        XCTAssertEqual(block["cluster"]?["nodes"], 3)
        XCTAssertEqual(block["cluster"]?["memory"], "32Gi")
    }

    // MARK: Generated scenarios

    func testEveryFailureModeAtEverySeverityIsFixable() throws {
        let count = ScenarioGenerator.combinations.count
        let solvable = ScenarioFailureMode.allCases.filter(\.isSolvable)
        XCTAssertEqual(count, solvable.count * ScenarioSeverity.allCases.count, "the generator draws only solvable modes")
        let scenarios = ScenarioGenerator(seed: 2024).scenarios(count: count)
        var seen: Set<String> = []
        for scenario in scenarios {
            seen.insert("\(scenario.failureMode.rawValue)/\(scenario.severity.rawValue)")
            try checkGenerated(scenario)
        }
        XCTAssertEqual(seen.count, count, "the first \(count) scenarios cover every mode at every severity")
    }

    func testManySeedsGiveFixableScenarios() throws {
        for seed: UInt64 in [0, 1, 2, 3, 7, 42, 1000, .max] {
            for scenario in ScenarioGenerator(seed: seed).scenarios(count: 66) {
                try checkGenerated(scenario)
            }
        }
    }

    func testSeverityOrdersFixLengths() {
        let scenarios = ScenarioGenerator(seed: 5).scenarios(count: 33 * 6)
        for mode in ScenarioFailureMode.allCases where mode.isSolvable {
            let mean = { (severity: ScenarioSeverity) -> Double in
                let lengths = scenarios.filter { $0.failureMode == mode && $0.severity == severity }.map(\.fix.count)
                return Double(lengths.reduce(0, +)) / Double(max(lengths.count, 1))
            }
            XCTAssertLessThan(mean(.slight), mean(.moderate), mode.rawValue)
            XCTAssertLessThan(mean(.moderate), mean(.heavy), mode.rawValue)
        }
        for (mode, severity) in ScenarioGenerator.combinations {
            XCTAssertLessThanOrEqual(ScenarioGenerator.fixLengthRange(for: mode, severity).upperBound, 40)
        }
    }

    func testHundredScenariosAreDistinctAndCoverEveryMode() throws {
        let scenarios = ScenarioGenerator(seed: 1).scenarios(count: 100)
        XCTAssertEqual(scenarios.count, 100)
        XCTAssertEqual(Set(scenarios.map(\.name)).count, 100)
        XCTAssertEqual(scenarios.first?.name, "gen-0001")
        XCTAssertEqual(scenarios.last?.name, "gen-0100")
        XCTAssertEqual(Set(scenarios.map(\.failureMode)), Set(ScenarioFailureMode.allCases.filter(\.isSolvable)))
        XCTAssertEqual(Set(scenarios.map(\.severity)), Set(ScenarioSeverity.allCases))
        let distinct = Set(scenarios.map { "\($0.initial)|\($0.target)" })
        XCTAssertGreaterThanOrEqual(distinct.count, 95, "initial states should rarely repeat")
        XCTAssertEqual(Set(scenarios.map(\.target)), [1, 2, 3, 4, 5])
        let traces = Set(scenarios.map { MessagePackWriter.encode(ScenarioTraceBuilder.document(for: $0)) })
        XCTAssertEqual(traces.count, 100)
    }

    func testGenerationIsDeterministic() {
        let first = ScenarioGenerator(seed: 42).scenarios(count: 40).map { MessagePackWriter.encode(ScenarioTraceBuilder.document(for: $0)) }
        let again = ScenarioGenerator(seed: 42).scenarios(count: 40).map { MessagePackWriter.encode(ScenarioTraceBuilder.document(for: $0)) }
        let other = ScenarioGenerator(seed: 43).scenarios(count: 40).map { MessagePackWriter.encode(ScenarioTraceBuilder.document(for: $0)) }
        XCTAssertEqual(first, again)
        XCTAssertNotEqual(first, other)
        XCTAssertLessThan(zip(first, other).filter { $0 == $1 }.count, 3, "a different seed changes (nearly) every scenario")
        // A longer run extends a shorter one.
        let longer = ScenarioGenerator(seed: 42).scenarios(count: 80).prefix(40).map { MessagePackWriter.encode(ScenarioTraceBuilder.document(for: $0)) }
        XCTAssertEqual(Array(longer), first)
        XCTAssertEqual(ScenarioGenerator(seed: 42).scenario(at: 17), ScenarioGenerator(seed: 42).scenarios(count: 18)[17])
    }

    func testNamesUseAtLeastFourDigits() {
        XCTAssertEqual(ScenarioGenerator.name(forIndex: 0), "gen-0001")
        XCTAssertEqual(ScenarioGenerator.name(forIndex: 99), "gen-0100")
        XCTAssertEqual(ScenarioGenerator.name(forIndex: 9_999), "gen-10000")
    }

    // MARK: Files

    func testWritingCreatesTheFolderAndIsByteIdentical() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = root + "/nested/traces"
        let scenarios = ScenarioCatalog.all + ScenarioGenerator(seed: 9).scenarios(count: 5)
        let paths = try ScenarioFiles.write(scenarios, to: folder)
        XCTAssertEqual(paths.map { String($0.split(separator: "/").last!) },
                       scenarios.map { "\($0.name).msgpack" })
        let bytes = try paths.map { try FileIO.read($0) }
        try ScenarioFiles.write(scenarios, to: folder + "/")
        XCTAssertEqual(try paths.map { try FileIO.read($0) }, bytes)
        for (path, scenario) in zip(paths, scenarios) {
            let trace = try Trace.load(path)
            XCTAssertEqual(trace.document, ScenarioTraceBuilder.document(for: scenario))
            XCTAssertEqual(TraceValidator.validate(trace.document), [])
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".tmp.") }
        XCTAssertEqual(leftovers, [])
    }

    func testWritingIntoAFileFails() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = root + "/plain"
        try FileIO.writeAtomically([1, 2, 3], to: file)
        XCTAssertThrowsError(try ScenarioFiles.write(ScenarioCatalog.all, to: file)) { error in
            XCTAssertEqual((error as? SimArenaError)?.kind, .cannotCreate)
        }
        XCTAssertThrowsError(try ScenarioFiles.write(ScenarioCatalog.all, to: file + "/below")) { error in
            XCTAssertEqual((error as? SimArenaError)?.kind, .cannotCreate)
        }
    }

    // MARK: Trace shape

    func testTraceShapeFollowsSimKube() throws {
        let scenario = ScenarioGenerator(seed: 3).scenarios(count: 33).first { $0.failureMode == .memoryLimitTooLow }!
        let document = ScenarioTraceBuilder.document(for: scenario)
        XCTAssertEqual(document.mapValue?.stringKeys, ["version", "config", "events", "index", "pod_lifecycles", "metadata"])
        XCTAssertEqual(document["version"], 2)
        XCTAssertEqual(document["config"], ["trackedObjects": ["apps/v1.Deployment": ["podSpecTemplatePaths": ["/spec/template"]]]])
        XCTAssertEqual(document["pod_lifecycles"], .map(KMap()))
        let event = try XCTUnwrap(document["events"]?[0])
        XCTAssertEqual(event["ts"], 1_700_000_000)
        XCTAssertEqual(event["deleted_objs"], [])
        let deployment = try XCTUnwrap(event["applied_objs"]?[0])
        XCTAssertEqual(deployment["apiVersion"], "apps/v1")
        XCTAssertEqual(deployment["kind"], "Deployment")
        XCTAssertEqual(deployment["metadata"], ["name": "web", "namespace": "default", "labels": ["app": "web"]])
        XCTAssertNil(deployment["status"])
        XCTAssertEqual(deployment["spec"]?["selector"], ["matchLabels": ["app": "web"]])
        let template = try XCTUnwrap(deployment["spec"]?["template"])
        XCTAssertEqual(template["metadata"]?["labels"], ["app": "web"])
        let container = try XCTUnwrap(template["spec"]?["containers"]?[0])
        XCTAssertEqual(container["name"], "web")
        XCTAssertEqual(container["image"], "nginx:1.25")
        XCTAssertNotNil(container["resources"]?["limits"]?["memory"])

        // The index hash is 64-bit FNV-1a of the template's MessagePack bytes.
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in MessagePackWriter.encode(template) {
            hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211
        }
        XCTAssertEqual(document["index"]?["apps/v1.Deployment"]?["default/web"]?.uint64Value, hash)
        let trace = try Trace(document: document)
        XCTAssertEqual(trace.index.first?.hash, hash)
        XCTAssertEqual(trace.index.first?.key, "default/web")
    }

    func testUsageAnnotationIsCompactJSONAndOnlyWhenSet() throws {
        var state = ScenarioState(replicas: 3, cpuRequestMillis: 500, memoryRequestBytes: 512 << 20)
        XCTAssertNil(ScenarioTraceBuilder.usageAnnotationValue(state))
        XCTAssertNil(ScenarioTraceBuilder.workload(for: state)["spec"]?["template"]?["metadata"]?["annotations"])
        XCTAssertNil(ScenarioTraceBuilder.workload(for: state)["spec"]?["template"]?["spec"]?["containers"]?[0]?["resources"]?["limits"])
        state.cpuUsageMillis = 1_250
        XCTAssertEqual(ScenarioTraceBuilder.usageAnnotationValue(state), #"{"web":{"cpu":"1250m"}}"#)
        state.memoryUsageBytes = 3 << 30
        state.memoryLimitBytes = 1 << 30
        XCTAssertEqual(ScenarioTraceBuilder.usageAnnotationValue(state), #"{"web":{"cpu":"1250m","memory":"3Gi"}}"#)
        let deployment = ScenarioTraceBuilder.workload(for: state)
        XCTAssertEqual(deployment["spec"]?["template"]?["metadata"]?["annotations"]?["simarena.io/usage"],
                       #"{"web":{"cpu":"1250m","memory":"3Gi"}}"#)
        XCTAssertEqual(deployment["spec"]?["template"]?["spec"]?["containers"]?[0]?["resources"]?["limits"], ["memory": "1Gi"])
    }

    // MARK: Rules

    func testSafeguardsBlockPastTheBounds() {
        func applied(_ step: AgentAction, _ state: ScenarioState) -> ScenarioStepResult { ScenarioRules.apply(step, to: state) }
        let base = ScenarioState(replicas: 1, cpuRequestMillis: 16_000, memoryRequestBytes: 32 << 30)
        XCTAssertTrue(applied(.bumpCPUSmall, base).isBlocked)
        XCTAssertTrue(applied(.bumpMemorySmall, base).isBlocked)
        XCTAssertTrue(applied(.scaleDownReplicas, base).isBlocked)
        XCTAssertFalse(applied(.reduceCPUSmall, base).isBlocked)
        XCTAssertEqual(applied(.bumpCPUSmall, base).state, base)

        let above = ScenarioState(replicas: 100, cpuRequestMillis: 20_000, memoryRequestBytes: 40 << 30)
        XCTAssertEqual(applied(.reduceCPUSmall, above).state.cpuRequestMillis, 19_500)
        XCTAssertEqual(applied(.reduceMemorySmall, above).state.memoryRequestBytes, (40 << 30) - (256 << 20))
        XCTAssertTrue(applied(.scaleUpReplicas, above).isBlocked)

        let low = ScenarioState(replicas: 0, cpuRequestMillis: 500, memoryRequestBytes: 256 << 20, cpuLimitMillis: 1_000, memoryLimitBytes: 512 << 20)
        XCTAssertTrue(applied(.reduceCPUSmall, low).isBlocked, "500m − 500m = 0 is below 50m")
        XCTAssertEqual(applied(.reduceCPUSmall, low).state, low)
        XCTAssertTrue(applied(.reduceMemorySmall, low).isBlocked, "256Mi − 256Mi = 0 < 64Mi")
        XCTAssertEqual(applied(.scaleUpReplicas, low).state.replicas, 1, "0 → 1 is an allowed increase")
        let bumped = applied(.bumpCPUSmall, low).state
        XCTAssertEqual(bumped.cpuRequestMillis, 1_000)
        XCTAssertEqual(bumped.cpuLimitMillis, 1_500, "the limit moves with the request")
        let memoryBumped = applied(.bumpMemorySmall, low).state
        XCTAssertEqual(memoryBumped.memoryLimitBytes, 768 << 20)
        XCTAssertEqual(applied(.noop, low).state, low)
        XCTAssertEqual(AgentAction(rawValue: 5), .reduceMemorySmall)
        XCTAssertEqual(AgentAction.allCases.map(\.rawValue), Array(0...6))
        XCTAssertNil(AgentAction(rawValue: 7))
    }

    func testHealthRules() {
        let ok = ScenarioState(replicas: 3, cpuRequestMillis: 500, memoryRequestBytes: 512 << 20)
        XCTAssertTrue(ScenarioRules.health(of: ok, target: 3).isHealthy)
        XCTAssertFalse(ScenarioRules.health(of: ok, target: 4).isHealthy)

        var state = ok
        state.cpuLimitMillis = 500
        state.cpuUsageMillis = 1_000  // exactly twice the limit: slower start, still Ready
        var health = ScenarioRules.health(of: state, target: 3)
        XCTAssertTrue(health.isHealthy)
        XCTAssertTrue(health.slowStart)
        state.cpuUsageMillis = 1_001
        health = ScenarioRules.health(of: state, target: 3)
        XCTAssertTrue(health.cpuStarved)
        XCTAssertEqual(health.ready, 0)
        XCTAssertEqual(health.pending, 0)

        state = ok
        state.memoryLimitBytes = 512 << 20
        state.memoryUsageBytes = 512 << 20
        XCTAssertTrue(ScenarioRules.health(of: state, target: 3).isHealthy, "usage equal to the limit is fine")
        state.memoryUsageBytes = (512 << 20) + 1
        XCTAssertTrue(ScenarioRules.health(of: state, target: 3).oomKilled)

        state = ok
        state.cpuRequestMillis = 16_001
        XCTAssertEqual(ScenarioRules.health(of: state, target: 3).pending, 3)
        state.cpuRequestMillis = 16_000
        XCTAssertTrue(ScenarioRules.health(of: state, target: 3).isHealthy)
        state.replicas = 4
        XCTAssertEqual(ScenarioRules.health(of: state, target: 4).pending, 1, "one 16-CPU pod per node")

        state = ok
        state.cpuRequestMillis = 4_000
        state.cpuUsageMillis = 200
        XCTAssertTrue(ScenarioRules.health(of: state, target: 3).isHealthy)
        XCTAssertFalse(ScenarioRules.isRightSized(state))
        state.cpuRequestMillis = 500  // 500m − 500m would be below the 200m usage
        state.memoryUsageBytes = 300 << 20  // 512Mi − 256Mi would be below the 300Mi usage
        XCTAssertTrue(ScenarioRules.isRightSized(state))
        state.memoryUsageBytes = 600 << 20  // a request below the usage is not right-sized either
        XCTAssertFalse(ScenarioRules.isRightSized(state))
    }

    func testShortestFixPrefersTheFewestSteps() throws {
        // 5 pods of 16 CPU need two per node: CPU must come down to 8 CPU.
        let state = ScenarioState(replicas: 5, cpuRequestMillis: 16_500, memoryRequestBytes: 1 << 30)
        let fix = try XCTUnwrap(ScenarioRules.shortestFix(from: state, target: 5, goal: .healthy))
        XCTAssertEqual(fix, Array(repeating: .reduceCPUSmall, count: 17))
        // Nothing can fix a request that would need more than 40 steps.
        let far = ScenarioState(replicas: 3, cpuRequestMillis: 40_000, memoryRequestBytes: 1 << 30)
        XCTAssertNil(ScenarioRules.shortestFix(from: far, target: 3, goal: .healthy))
        XCTAssertNil(Scenario.make(name: "x", failureMode: .cpuRequestTooHigh, severity: .heavy, initial: far, target: 3, seed: 0))
        // A healthy state has nothing to fix.
        let fine = ScenarioState(replicas: 3, cpuRequestMillis: 500, memoryRequestBytes: 1 << 30)
        XCTAssertEqual(ScenarioRules.shortestFix(from: fine, target: 3, goal: .healthy), [])
        XCTAssertNil(Scenario.make(name: "x", failureMode: .tooFewReplicas, severity: .slight, initial: fine, target: 3, seed: 0))
    }

    func testCheckFixReportsBadFixes() throws {
        var scenario = try XCTUnwrap(ScenarioCatalog.scenario(named: "cpu-slight"))
        XCTAssertEqual(ScenarioRules.checkFix(scenario), [])
        scenario.fix.removeLast()
        XCTAssertEqual(ScenarioRules.checkFix(scenario).count, 1)
        scenario.fix = Array(repeating: .bumpCPUSmall, count: 41)
        let problems = ScenarioRules.checkFix(scenario)
        XCTAssertTrue(problems.contains { $0.contains("more than 40") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("blocked") }, "\(problems)")
    }

    // MARK: SeededGenerator

    func testSplitMix64ReferenceValues() {
        // Vigna's splitmix64.c from state 0.
        var random = SeededGenerator(seed: 0)
        XCTAssertEqual(random.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(random.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertEqual(random.next(), 0x06C4_5D18_8009_454F)
    }

    func testSeededGeneratorHelpers() {
        var random = SeededGenerator(seed: 99)
        var seen: Set<Int> = []
        for _ in 0..<2_000 {
            let value = random.int(in: -3...4)
            XCTAssertTrue((-3...4).contains(value))
            seen.insert(value)
        }
        XCTAssertEqual(seen, Set(-3...4))
        XCTAssertEqual(random.int(in: 7...7), 7)
        for _ in 0..<1_000 {
            let unit = random.unitDouble()
            XCTAssertTrue(unit >= 0 && unit < 1)
        }
        var items = Array(0..<50)
        random.shuffle(&items)
        XCTAssertEqual(items.sorted(), Array(0..<50))
        XCTAssertNotEqual(items, Array(0..<50))
        var a = SeededGenerator(seed: 5, stream: 1)
        var b = SeededGenerator(seed: 5, stream: 1)
        var c = SeededGenerator(seed: 5, stream: 2)
        let first = (0..<4).map { _ in a.next() }
        XCTAssertEqual(first, (0..<4).map { _ in b.next() })
        XCTAssertNotEqual(first, (0..<4).map { _ in c.next() })
        XCTAssertTrue((-5...5).contains(random.int64(in: -5...5)))
        _ = random.int64(in: Int64.min...Int64.max)
    }

    // MARK: Helpers

    private func repeated(_ name: String, _ count: Int) -> [String] {
        Array(repeating: name, count: count)
    }

    /// Everything a generated scenario promises.
    private func checkGenerated(_ scenario: Scenario, file: StaticString = #filePath, line: UInt = #line) throws {
        let label = "\(scenario.name) \(scenario.failureMode.rawValue)/\(scenario.severity.rawValue) seed \(scenario.seed)"
        XCTAssertEqual(ScenarioRules.checkFix(scenario), [], label, file: file, line: line)
        XCTAssertTrue(ScenarioGenerator.fixLengthRange(for: scenario.failureMode, scenario.severity).contains(scenario.fix.count),
                      "\(label): fix length \(scenario.fix.count)", file: file, line: line)
        XCTAssertLessThanOrEqual(scenario.fix.count, 40, label, file: file, line: line)
        XCTAssertTrue((1...5).contains(scenario.target), label, file: file, line: line)
        let observed = try checkTrace(ScenarioTraceBuilder.document(for: scenario), name: label, file: file, line: line)
        // The trace's numbers are the scenario's.
        let model = observed.model
        XCTAssertEqual(model.replicas, Int64(scenario.initial.replicas), label, file: file, line: line)
        XCTAssertEqual(model.cpuRequest, scenario.initial.cpuRequestMillis, label, file: file, line: line)
        XCTAssertEqual(model.memoryRequest, scenario.initial.memoryRequestBytes, label, file: file, line: line)
        XCTAssertEqual(model.cpuLimit, scenario.initial.cpuLimitMillis, label, file: file, line: line)
        XCTAssertEqual(model.memoryLimit, scenario.initial.memoryLimitBytes, label, file: file, line: line)
        XCTAssertEqual(model.cpuUsage, scenario.initial.cpuUsageMillis, label, file: file, line: line)
        XCTAssertEqual(model.memoryUsage, scenario.initial.memoryUsageBytes, label, file: file, line: line)
        // The failure is the one named.
        let mode = scenario.failureMode.rawValue
        if mode.contains("request_too_high") { XCTAssertGreaterThan(model.pending(), 0, label, file: file, line: line) }
        if mode.contains("cpu_request_too_high") || mode.contains("cpu_and_memory_request") {
            XCTAssertGreaterThan(model.cpuRequest, 16_000, label, file: file, line: line)
        }
        if mode.contains("memory_request_too_high") || mode.contains("cpu_and_memory_request") {
            XCTAssertGreaterThan(model.memoryRequest, 32 << 30, label, file: file, line: line)
        }
        if mode.contains("cpu_limit_too_low") || mode.contains("cpu_and_memory_limit") {
            XCTAssertGreaterThan(model.effectiveCPUUsage, 2 * (model.cpuLimit ?? .max), label, file: file, line: line)
        }
        if mode.contains("memory_limit_too_low") || mode.contains("cpu_and_memory_limit") {
            XCTAssertGreaterThan(model.effectiveMemoryUsage, model.memoryLimit ?? .max, label, file: file, line: line)
        }
        if mode.contains("too_few_replicas") { XCTAssertLessThan(model.replicas, Int64(scenario.target), label, file: file, line: line) }
        if mode.contains("too_many_replicas") { XCTAssertGreaterThan(model.replicas, Int64(scenario.target), label, file: file, line: line) }
        if scenario.failureMode == .overprovisioned {
            XCTAssertTrue(model.isHealthy(target: scenario.target), label, file: file, line: line)
            XCTAssertNil(model.cpuLimit, label, file: file, line: line)
            XCTAssertNil(model.memoryLimit, label, file: file, line: line)
            // Requests at least two steps in all above the smallest that still cover the usage.
            XCTAssertTrue(scenario.fix.allSatisfy { $0 == .reduceCPUSmall || $0 == .reduceMemorySmall }, label, file: file, line: line)
            XCTAssertGreaterThanOrEqual(scenario.fix.count, 2, label, file: file, line: line)
            XCTAssertGreaterThanOrEqual(model.cpuRequest, model.effectiveCPUUsage, label, file: file, line: line)
            XCTAssertGreaterThanOrEqual(model.memoryRequest, model.effectiveMemoryUsage, label, file: file, line: line)
        }
    }

    /// Decodes and validates a scenario trace, reads its workload into the test model, and
    /// replays the stored fix on it; returns what it read.
    @discardableResult
    private func checkTrace(
        _ document: KValue, name: String, file: StaticString = #filePath, line: UInt = #line
    ) throws -> (workload: Workload, block: KValue, model: TestModel) {
        let bytes = MessagePackWriter.encode(document)
        let decoded = try MessagePackReader.decode(bytes)
        XCTAssertEqual(decoded, document, name, file: file, line: line)
        let trace = try Trace(document: decoded)
        XCTAssertEqual(TraceValidator.validate(decoded), [], name, file: file, line: line)
        XCTAssertEqual(trace.version, 2, name, file: file, line: line)
        XCTAssertEqual(trace.events.count, 1, name, file: file, line: line)
        let workloads = try trace.workloads()
        XCTAssertEqual(workloads.count, 1, name, file: file, line: line)
        let workload = try XCTUnwrap(workloads.first, file: file, line: line)
        XCTAssertEqual(workload.kind, .deployment, name, file: file, line: line)
        XCTAssertEqual(workload.namespace, "default", name, file: file, line: line)
        XCTAssertEqual(workload.name, "web", name, file: file, line: line)
        XCTAssertEqual(workload.template.containers.count, 1, name, file: file, line: line)
        let block = try XCTUnwrap(decoded["metadata"]?["scenario"], file: file, line: line)
        for field in ["failure_mode", "severity", "initial_state", "target", "expected_behavior", "seed", "fix", "goal"] {
            XCTAssertNotNil(block[field], "\(name): metadata.scenario.\(field)", file: file, line: line)
        }
        let target = try XCTUnwrap(block["target"]?.int64Value, file: file, line: line)
        let goal = try XCTUnwrap(block["goal"]?.stringValue, file: file, line: line)
        let steps = try XCTUnwrap(block["fix"]?.arrayValue, file: file, line: line).map { $0.stringValue ?? "?" }
        XCTAssertFalse(steps.isEmpty, name, file: file, line: line)
        XCTAssertLessThanOrEqual(steps.count, 40, name, file: file, line: line)

        let initial = try TestModel(workload)
        XCTAssertFalse(initial.meets(goal, target: Int(target)), "\(name): starts at the goal", file: file, line: line)
        var model = initial
        for (position, step) in steps.enumerated() {
            guard let next = model.apply(step) else {
                XCTFail("\(name): step \(position + 1) \(step) is blocked or unknown", file: file, line: line)
                return (workload, block, initial)
            }
            model = next
            if goal == "right_sized" {
                XCTAssertTrue(model.isHealthy(target: Int(target)), "\(name): unhealthy after step \(position + 1)", file: file, line: line)
            }
        }
        XCTAssertTrue(model.meets(goal, target: Int(target)), "\(name): the fix does not reach \(goal)", file: file, line: line)
        // fixed_state is where the fix ends.
        let fixed = try XCTUnwrap(block["fixed_state"], file: file, line: line)
        XCTAssertEqual(fixed["replicas"]?.int64Value, model.replicas, name, file: file, line: line)
        XCTAssertEqual(try Quantity(parsing: fixed["requests"]?["cpu"]?.stringValue ?? "").milliValue, model.cpuRequest, name, file: file, line: line)
        XCTAssertEqual(try Quantity(parsing: fixed["requests"]?["memory"]?.stringValue ?? "").value, model.memoryRequest, name, file: file, line: line)
        return (workload, block, initial)
    }
}

/// The simulator's rules as plain arithmetic, written from the contract in docs/scenarios.md
/// (not from `ScenarioRules`): 3 nodes of 16 CPU / 32Gi / 110 pods; a pod fits while a node has
/// room; memory usage above the limit kills the container, CPU usage above twice the limit fails
/// readiness; steps of 500m / 256Mi / 1 replica with the safeguards.
private struct TestModel {
    var replicas: Int64
    var cpuRequest: Int64
    var memoryRequest: Int64
    var cpuLimit: Int64?
    var memoryLimit: Int64?
    var cpuUsage: Int64?
    var memoryUsage: Int64?

    init(_ workload: Workload) throws {
        replicas = workload.replicas ?? 1
        let container = try XCTUnwrap(workload.template.containers.first)
        cpuRequest = try XCTUnwrap(container.requests["cpu"]).milliValue
        memoryRequest = try XCTUnwrap(container.requests["memory"]).value
        cpuLimit = container.limits["cpu"]?.milliValue
        memoryLimit = container.limits["memory"]?.value
        if let text = workload.template.annotation("simarena.io/usage") {
            let usage = try JSONReader.parse(Array(text.utf8))
            XCTAssertEqual(usage.mapValue?.stringKeys, [container.name])
            XCTAssertEqual(String(decoding: try JSONWriter.encode(usage, pretty: false), as: UTF8.self), text, "compact JSON")
            if let cpu = usage[container.name]?["cpu"]?.stringValue { cpuUsage = try Quantity(parsing: cpu).milliValue }
            if let memory = usage[container.name]?["memory"]?.stringValue { memoryUsage = try Quantity(parsing: memory).value }
            XCTAssertTrue(cpuUsage != nil || memoryUsage != nil, "an annotation with no usage")
        }
    }

    var effectiveCPUUsage: Int64 { cpuUsage ?? cpuRequest }
    var effectiveMemoryUsage: Int64 { memoryUsage ?? memoryRequest }

    func pending() -> Int64 {
        let perNode = min(110, 16_000 / cpuRequest, (32 << 30) / memoryRequest)
        return max(0, replicas - 3 * perNode)
    }

    func isHealthy(target: Int) -> Bool {
        let crashing = memoryLimit.map { effectiveMemoryUsage > $0 } ?? false
        let unready = cpuLimit.map { effectiveCPUUsage > 2 * $0 } ?? false
        let ready = crashing || unready ? 0 : replicas - pending()
        return pending() == 0 && ready == Int64(target) && replicas == Int64(target)
    }

    func meets(_ goal: String, target: Int) -> Bool {
        guard isHealthy(target: target) else { return false }
        if goal == "healthy" { return true }
        func tight(_ request: Int64, _ usage: Int64, _ step: Int64, _ floor: Int64) -> Bool {
            request >= usage && (request - step < usage || request - step < floor)
        }
        return tight(cpuRequest, effectiveCPUUsage, 500, 50) && tight(memoryRequest, effectiveMemoryUsage, 256 << 20, 64 << 20)
    }

    /// The state after an action, or nil if a safeguard blocks it (or the name is unknown).
    func apply(_ action: String) -> TestModel? {
        var next = self
        switch action {
        case "noop": break
        case "bump_cpu_small":
            guard cpuRequest + 500 <= 16_000 else { return nil }
            next.cpuRequest += 500
            next.cpuLimit = cpuLimit.map { $0 + 500 }
        case "reduce_cpu_small":
            guard cpuRequest - 500 >= 50 else { return nil }
            next.cpuRequest -= 500
            next.cpuLimit = cpuLimit.map { $0 - 500 }
        case "bump_mem_small":
            guard memoryRequest + (256 << 20) <= 32 << 30 else { return nil }
            next.memoryRequest += 256 << 20
            next.memoryLimit = memoryLimit.map { $0 + (256 << 20) }
        case "reduce_mem_small":
            guard memoryRequest - (256 << 20) >= 64 << 20 else { return nil }
            next.memoryRequest -= 256 << 20
            next.memoryLimit = memoryLimit.map { $0 - (256 << 20) }
        case "scale_up_replicas":
            guard replicas + 1 <= 100 else { return nil }
            next.replicas += 1
        case "scale_down_replicas":
            guard replicas - 1 >= 1 else { return nil }
            next.replicas -= 1
        default:
            return nil
        }
        return next
    }
}
