@testable import SimArenaBenchmark
import SimArenaModel
import SimArenaRL
import SimArenaRun
import XCTest

final class BenchmarkTests: XCTestCase {
    // MARK: Statistics on known inputs

    func testTheInterquartileMeanDropsAQuarterAtEachEnd() {
        // SciPy: trim_mean([1..8], 0.25) cuts 2 at each end: mean(3, 4, 5, 6) = 4.5.
        XCTAssertEqual(BenchmarkStatistics.interquartileMean([8, 1, 7, 2, 6, 3, 5, 4]), 4.5)
        // n = 5: ⌊5/4⌋ = 1 at each end: mean(2, 3, 100) — the outlier 1000 is dropped.
        XCTAssertEqual(BenchmarkStatistics.interquartileMean([1, 2, 3, 100, 1000]), 35)
        XCTAssertEqual(BenchmarkStatistics.interquartileMean([7]), 7)
        XCTAssertNil(BenchmarkStatistics.interquartileMean([]))
    }

    func testTheBootstrapIntervalOfKnownScores() throws {
        var random = SeededGenerator(seed: 1)
        // Every seed solves every scenario: nothing can move.
        let certain = try XCTUnwrap(BenchmarkStatistics.bootstrapMean([[1, 1, 1], [1, 1, 1]], random: &random))
        XCTAssertEqual(certain.mean, 1)
        XCTAssertEqual(certain.low, 1)
        XCTAssertEqual(certain.high, 1)
        // One scenario, two seeds, one solved: a resample's mean is 0, ½ or 1 with chances
        // ¼, ½, ¼, so the 2.5th and 97.5th percentiles of 2000 resamples are 0 and 1.
        let coin = try XCTUnwrap(BenchmarkStatistics.bootstrapMean([[1, 0]], random: &random))
        XCTAssertEqual(coin.mean, 0.5)
        XCTAssertEqual(coin.low, 0)
        XCTAssertEqual(coin.high, 1)
        // Strata: a scenario every seed solves and one no seed solves give no spread at all,
        // however the seeds are drawn (an unstratified bootstrap over episodes would).
        let strata = try XCTUnwrap(BenchmarkStatistics.bootstrapMean([[1, 1, 1, 1, 1], [0, 0, 0, 0, 0]], random: &random))
        XCTAssertEqual([strata.mean, strata.low, strata.high], [0.5, 0.5, 0.5])
        XCTAssertNil(BenchmarkStatistics.bootstrapMean([], random: &random))
        // The same seed gives the same interval.
        var first = SeededGenerator(seed: 9), second = SeededGenerator(seed: 9)
        let scores: [[Double]] = [[1, 0, 1, 1, 0], [0, 0, 1, 0, 1], [1, 1, 1, 0, 1]]
        let a = try XCTUnwrap(BenchmarkStatistics.bootstrapMean(scores, random: &first))
        let b = try XCTUnwrap(BenchmarkStatistics.bootstrapMean(scores, random: &second))
        XCTAssertEqual([a.mean, a.low, a.high], [b.mean, b.low, b.high])
        XCTAssertLessThan(a.low, a.mean)
        XCTAssertGreaterThan(a.high, a.mean)
    }

    func testASummaryComparesStepsOnlyOnEpisodesBothSolve() {
        func episode(_ agent: String, _ scenario: String, seed: UInt64, solved: Bool, steps: Int) -> EpisodeResult {
            var result = EpisodeResult(agent: agent, seed: seed, suite: "s", scenario: scenario, family: "f")
            result.solved = solved
            result.steps = steps
            if !solved { (result.problem, result.behaviour) = ("oom_killed", "stalled") }
            return result
        }
        let reference = [episode("h", "a", seed: 1, solved: true, steps: 4), episode("h", "b", seed: 1, solved: true, steps: 10),
                         episode("h", "c", seed: 1, solved: false, steps: 50)]
        let mine = [episode("d", "a", seed: 1, solved: true, steps: 6), episode("d", "b", seed: 1, solved: false, steps: 50),
                    episode("d", "c", seed: 1, solved: true, steps: 3)]
        let summary = BenchmarkSummary(agent: "d", suite: "s", family: nil, episodes: mine,
                                       reference: Dictionary(uniqueKeysWithValues: reference.map { (BenchmarkSummary.key($0), $0) }))
        XCTAssertEqual(summary.solveRate, 2.0 / 3.0, accuracy: 1e-12)
        // Only scenario a is solved by both: 6 steps against 4.
        XCTAssertEqual(summary.stepsVersusReference, 1.5)
        XCTAssertEqual(summary.meanSteps, 4.5)
        XCTAssertEqual(summary.failures.map(\.reason), ["oom_killed/stalled"])
    }

    /// Episodes on scenarios marked unsolvable are counted apart and left out of every rate.
    func testUnsolvableEpisodesAreLeftOutOfTheSummary() throws {
        var solved = EpisodeResult(agent: "h", seed: 1, suite: "s", scenario: "a", family: "f")
        (solved.solved, solved.steps) = (true, 2)
        var unsolvable = EpisodeResult(agent: "h", seed: 1, suite: "s", scenario: "gpu", family: "f")
        (unsolvable.solvable, unsolvable.steps, unsolvable.problem, unsolvable.behaviour) = (false, 40, "pending", "ran_out")
        let summary = BenchmarkSummary(agent: "h", suite: "s", family: nil, episodes: [solved, unsolvable], reference: nil)
        XCTAssertEqual(summary.episodes, 1)
        XCTAssertEqual(summary.unsolvableEpisodes, 1)
        XCTAssertEqual(summary.solveRate, 1)
        XCTAssertEqual(summary.meanSteps, 2)
        XCTAssertEqual(summary.failures.count, 0)
        // The mark survives episodes.jsonl.
        XCTAssertEqual(try EpisodeResult(document: unsolvable.value, at: "line").solvable, false)
        let trace = try Trace.load(Fixtures.repositoryRoot + "/demo/suites/shifted/placement-05.msgpack")
        XCTAssertFalse(SuiteScenario(fileName: "placement-05.msgpack", trace: trace).solvable)
        XCTAssertTrue(SuiteScenario(fileName: "placement-01.msgpack",
                                    trace: try Trace.load(Fixtures.repositoryRoot + "/demo/suites/shifted/placement-01.msgpack")).solvable)
    }

    // MARK: Episodes

    private func play(_ name: String, _ policy: HandCodedPolicy) throws -> EpisodeResult {
        let path = Fixtures.repositoryRoot + "/demo/traces/\(name).msgpack"
        let trace = try Trace.load(path)
        let plan = try BenchmarkPlan(agents: [try BenchmarkAgent(name: policy.rawValue, kind: .policy(policy))],
                                     suites: [BenchmarkSuite(name: "demo", directory: Fixtures.repositoryRoot + "/demo/traces", scenarios: [])],
                                     seeds: [1])
        return try BenchmarkEpisode.play(SuiteScenario(fileName: name + ".msgpack", trace: trace), trace: trace, suite: "demo",
                                         agent: policy.rawValue, seed: 5, chooser: .policy(policy), plan: plan,
                                         backend: .success(try EmbeddedCluster(clusterPath: nil, durationSeconds: plan.durationSeconds)))
    }

    func testAnEpisodesMeasures() throws {
        // cpu-slight: 3 pods of 17 CPU on 16-CPU nodes; two reductions fix it.
        let fixed = try play("cpu-slight", .heuristic)
        XCTAssertTrue(fixed.solved)
        XCTAssertEqual(fixed.steps, 2)
        XCTAssertEqual(fixed.actions[AgentAction.reduceCPUSmall.rawValue], 2)
        XCTAssertEqual(fixed.family, "cpu_request_too_high")
        XCTAssertEqual(fixed.blocked, 0)
        // Pending at the first two observations (17 and 16.5 CPU), none at the third.
        XCTAssertEqual(fixed.pendingPodSeconds, 2 * 3 * 90)
        XCTAssertNil(fixed.problem)
        // No usage annotation: the pods use what they request, so no waste.
        XCTAssertEqual(fixed.cpuWaste, 1)
        XCTAssertEqual(fixed.memoryWaste, 1)

        let stuck = try play("cpu-slight", .noop)
        XCTAssertFalse(stuck.solved)
        XCTAssertEqual(stuck.steps, 50)
        XCTAssertEqual(stuck.actions[0], 50)
        XCTAssertEqual(stuck.problem, "unschedulable_cpu")
        XCTAssertEqual(stuck.behaviour, "stalled")
        XCTAssertEqual(stuck.pendingPodSeconds, 51 * 3 * 90)
        XCTAssertNil(stuck.cpuWaste, "nothing runs at the end")
    }

    func testBehaviourNamesTheLastFourActions() {
        func named(_ actions: [AgentAction], blocked: Set<Int> = []) -> String {
            BenchmarkEpisode.behaviour(actions.enumerated().map { ($0.element, blocked.contains($0.offset)) })
        }
        XCTAssertEqual(named([.bumpCPUSmall, .noop, .noop, .noop, .noop]), "stalled")
        XCTAssertEqual(named([.bumpCPUSmall, .reduceCPUSmall, .bumpCPUSmall, .reduceCPUSmall]), "oscillating")
        XCTAssertEqual(named([.scaleUpReplicas, .scaleUpReplicas, .scaleUpReplicas, .scaleUpReplicas], blocked: [2, 3]), "blocked")
        XCTAssertEqual(named([.scaleUpReplicas, .scaleUpReplicas, .bumpCPUSmall, .scaleUpReplicas]), "ran_out")
    }

    // MARK: Plan, cells and report

    private func smallPlan() throws -> BenchmarkPlan {
        let suite = BenchmarkSuite(name: "demo", directory: Fixtures.repositoryRoot + "/demo/traces",
                                   scenarios: ["cpu-slight.msgpack", "gen-0001.msgpack", "gen-0002.msgpack", "replicas-over.msgpack"])
        var plan = try BenchmarkPlan(agents: [try BenchmarkAgent(name: "heuristic", kind: .policy(.heuristic)),
                                              try BenchmarkAgent(name: "random", kind: .policy(.random))],
                                     suites: [suite], seeds: [1, 2])
        plan.maxActions = 20
        plan.reference = "heuristic"
        return plan
    }

    /// The embedded simulator, the only backend these tests make.
    private static func embedded(_ setting: BackendSetting, cluster: String?, duration: Double) -> Result<any ClusterBackend, any Error> {
        Result { try EmbeddedCluster(clusterPath: cluster, durationSeconds: duration) }
    }

    private func runCells(_ plan: BenchmarkPlan, in directory: String, order: [Int]) throws {
        try plan.write(reportDirectory: directory)
        for index in order {
            let status = try BenchmarkCell(plan: plan, index: index, reportDirectory: directory).run(
                recipe: { _ in throw SimArenaError(.usage, "no recipes here") }, backends: Self.embedded,
                pid: getpid(), output: { _ in }, interrupted: { 0 })
            XCTAssertEqual(status, 0)
        }
    }

    func testTheReportIsTheSameWhateverOrderTheCellsRanIn() throws {
        let plan = try smallPlan()
        let first = try Fixtures.temporaryDirectory(), second = try Fixtures.temporaryDirectory()
        try runCells(plan, in: first, order: [0, 1, 2, 3])
        try runCells(plan, in: second, order: [3, 1, 0, 2])
        for directory in [first, second] { try BenchmarkReport.load(reportDirectory: directory).write(to: directory) }
        for file in [BenchmarkReport.files.json, BenchmarkReport.files.markdown, BenchmarkReport.files.episodes, BenchmarkReport.files.plot] {
            XCTAssertEqual(try FileIO.read(first + "/" + file), try FileIO.read(second + "/" + file), file)
        }
        let report = try BenchmarkReport.load(reportDirectory: first)
        XCTAssertEqual(report.episodes.count, 2 * 2 * 4)
        let heuristic = try XCTUnwrap(report.summaries.first { $0.agent == "heuristic" && $0.family == nil })
        XCTAssertEqual(heuristic.solveRate, 1)
        XCTAssertEqual(heuristic.stepsVersusReference, 1)
        XCTAssertTrue(try String(decoding: FileIO.read(first + "/report.md"), as: UTF8.self).contains("| heuristic | 100% [100%–100%] |"))
    }

    func testACompleteCellIsNotRunAgainAndMissingCellsAreNamed() throws {
        let plan = try smallPlan()
        let directory = try Fixtures.temporaryDirectory()
        try runCells(plan, in: directory, order: [0, 2])
        XCTAssertThrowsError(try BenchmarkReport.load(reportDirectory: directory)) { error in
            XCTAssertEqual((error as? SimArenaError)?.message.hasSuffix("2 of 4 cells are not complete (cells 1, 3); run them with sa-benchmark cell"), true,
                           "\(error)")
        }
        let cell = try BenchmarkCell(plan: plan, index: 0, reportDirectory: directory)
        let before = try FileIO.read(cell.episodesPath)
        var lines: [String] = []
        _ = try cell.run(recipe: { _ in throw SimArenaError(.usage, "none") }, backends: Self.embedded,
                         pid: getpid(), output: { lines.append($0) }, interrupted: { 0 })
        XCTAssertEqual(lines, ["cell 1/4 heuristic seed 1: complete already"])
        XCTAssertEqual(try FileIO.read(cell.episodesPath), before)
        // Another plan in the same folder is refused; the same one is kept.
        var other = plan
        other.seeds = [7]
        XCTAssertThrowsError(try other.write(reportDirectory: directory))
        XCTAssertNoThrow(try plan.write(reportDirectory: directory))
        XCTAssertThrowsError(try BenchmarkCell(plan: plan, index: 4, reportDirectory: directory))
    }

    func testAnInterruptedCellWritesNothing() throws {
        let plan = try smallPlan()
        let directory = try Fixtures.temporaryDirectory()
        try plan.write(reportDirectory: directory)
        let cell = try BenchmarkCell(plan: plan, index: 1, reportDirectory: directory)
        let status = try cell.run(recipe: { _ in throw SimArenaError(.usage, "none") }, backends: Self.embedded,
                                  pid: getpid(), output: { _ in }, interrupted: { 143 })
        XCTAssertEqual(status, 143)
        XCTAssertFalse(cell.isComplete)
    }

    // MARK: Shards, lanes, sweeps and manifests

    func testShardsSplitTheScenariosAndTogetherGiveTheUnsplitEpisodes() throws {
        let whole = try smallPlan()
        var split = whole
        split.shards = 3
        XCTAssertEqual(split.cells.map(\.name), ["heuristic-seed1-shard1of3", "heuristic-seed1-shard2of3", "heuristic-seed1-shard3of3",
                                                 "heuristic-seed2-shard1of3", "heuristic-seed2-shard2of3", "heuristic-seed2-shard3of3",
                                                 "random-seed1-shard1of3", "random-seed1-shard2of3", "random-seed1-shard3of3",
                                                 "random-seed2-shard1of3", "random-seed2-shard2of3", "random-seed2-shard3of3"])
        // 4 scenarios in 3 shards: 1, 1 and 2 of them, consecutive.
        XCTAssertEqual(split.cells.prefix(3).map { split.scenarios(of: $0).map(\.scenario) }, [[0], [1], [2, 3]])
        let first = try Fixtures.temporaryDirectory(), second = try Fixtures.temporaryDirectory()
        try runCells(whole, in: first, order: Array(whole.cells.indices))
        try runCells(split, in: second, order: Array(split.cells.indices).reversed())
        let episodes = { (directory: String) throws -> [UInt8] in
            try BenchmarkReport.load(reportDirectory: directory).write(to: directory)
            return try FileIO.read(directory + "/" + BenchmarkReport.files.episodes)
        }
        XCTAssertEqual(try episodes(first), try episodes(second))
        // A recipe trains in one cell per seed whatever the shards; more shards than scenarios are refused.
        var recipe = split
        recipe.agents.append(try BenchmarkAgent(name: "dqn", kind: .recipe(file: "r.flags", flags: ["--agent", "dqn"])))
        XCTAssertEqual(recipe.cells.filter { $0.agent.name == "dqn" }.map(\.name), ["dqn-seed1", "dqn-seed2"])
        split.shards = 5
        XCTAssertThrowsError(try split.validate())
    }

    func testLanesDealTheCellsOnePerSimKubeContext() throws {
        var plan = try smallPlan()
        XCTAssertEqual(plan.laneCount, 4)
        XCTAssertEqual(plan.cells(inLane: 2), [2])
        XCTAssertNil(plan.backend.setting(lane: 2).context)
        plan.backend.kind = .simkube
        plan.backend.contexts = ["sim-a", "sim-b", "sim-c"]
        XCTAssertEqual(plan.laneCount, 3)
        XCTAssertEqual((0..<3).map { plan.cells(inLane: $0) }, [[0, 3], [1], [2]])
        XCTAssertEqual((0..<3).map { plan.backend.setting(lane: $0).context }, ["sim-a", "sim-b", "sim-c"])
        // Never more lanes than cells, and one lane for the current context.
        plan.backend.contexts = (1...9).map { "c\($0)" }
        XCTAssertEqual(plan.laneCount, 4)
        plan.backend.contexts = []
        XCTAssertEqual(plan.laneCount, 1)
        XCTAssertEqual(plan.cells(inLane: 0), [0, 1, 2, 3])
        // The backend survives plan.json; a context listed twice is refused.
        plan.backend.contexts = ["sim-a", "sim-b"]
        XCTAssertEqual(try BenchmarkPlan(document: plan.value), plan)
        plan.backend.contexts = ["sim-a", "sim-a"]
        XCTAssertThrowsError(try plan.validate())
    }

    func testASweepFileExpandsItsGridsIntoAgents() throws {
        let directory = try Fixtures.temporaryDirectory()
        try FileIO.writeAtomically(Array("--agent dqn --episodes 10 --lr 0.0005 # base\n--hidden=64,64\n".utf8), to: directory + "/dqn.flags")
        let suite = Fixtures.repositoryRoot + "/demo/suites/heldout"
        let text = """
            {"format": "simarena.sweep/v1", "seeds": [3, 9], "suites": ["\(suite)"], "shards": 2, "steps": 30,
             "agents": [{"policy": "heuristic"}, {"name": "dqn", "recipe": "\(directory)/dqn.flags",
                         "grid": {"--lr": [0.001, "0.0001"], "--hidden": ["32,32"], "--batch-size": [16]}}],
             "backend": {"contexts": ["sim-a", "sim-b"]}}
            """
        let sweep = try BenchmarkSweep(document: try DataFormat.json.decode(Array(text.utf8)), source: "sweep.yaml")
        var checked: [[String]] = []
        let plan = try sweep.plan { flags, _ in checked.append(flags) }
        XCTAssertEqual(plan.agents.map(\.name), ["heuristic", "dqn-lr0.001-hidden32_32-batch-size16", "dqn-lr0.0001-hidden32_32-batch-size16"])
        XCTAssertEqual(checked.first, ["--agent", "dqn", "--episodes", "10", "--lr=0.001", "--hidden=32,32", "--batch-size=16"])
        XCTAssertEqual(plan.seeds, [3, 9])
        XCTAssertEqual(plan.shards, 2)
        XCTAssertEqual(plan.maxActions, 30)
        XCTAssertEqual(plan.reference, "heuristic")
        XCTAssertEqual(plan.backend.kind, .simkube)
        XCTAssertEqual(plan.laneCount, 2)
        // heuristic: 2 seeds × 2 shards; each grid point: 2 seeds.
        XCTAssertEqual(plan.cells.count, 8)

        // Every setting of a grid flag is replaced, in either form; a negative value stays a value;
        // a switch cannot be varied.
        XCTAssertEqual(try BenchmarkSweep.setting("--lr", to: "-0.1", in: ["--lr", "0.5", "--x", "--lr=0.4"]), ["--x", "--lr=-0.1"])
        XCTAssertThrowsError(try BenchmarkSweep.setting("--double-dqn", to: "1", in: ["--double-dqn", "--lr", "0.1"]))
        // Errors found while expanding name the file and the agent, as bad data.
        let bad = try BenchmarkSweep(document: try DataFormat.json.decode(Array("""
            {"format": "simarena.sweep/v1", "suites": ["\(suite)"], "agents": [{"name": "d", "recipe": "\(directory)/dqn.flags", "grid": {"--seed": [1]}}]}
            """.utf8)), source: "s.yaml")
        XCTAssertThrowsError(try bad.plan { flags, _ in
            if flags.contains(where: { $0.hasPrefix("--seed") }) { throw SimArenaError(.usage, "--seed is set by the benchmark") }
        }) { error in
            XCTAssertEqual((error as? SimArenaError)?.kind, .data)
            XCTAssertEqual((error as? SimArenaError)?.message, "s.yaml: agents[0] (d): --seed is set by the benchmark")
        }

        func refusal(_ json: String) -> String {
            do {
                _ = try BenchmarkSweep(document: try DataFormat.json.decode(Array(json.utf8)), source: "s.yaml")
                return "accepted"
            } catch {
                return (error as? SimArenaError)?.message ?? "\(error)"
            }
        }
        let format = #""format": "simarena.sweep/v1""#
        XCTAssertEqual(refusal(#"{"agents": [{"policy": "vpa"}]}"#), #"s.yaml: "format" must be "simarena.sweep/v1""#)
        XCTAssertEqual(refusal("{\(format), \"agents\": [{\"policy\": \"vpa\"}], \"seed\": 3}"), #"s.yaml: unknown key "seed""#)
        XCTAssertEqual(refusal("{\(format), \"agents\": []}"), "s.yaml: agents: list at least one agent")
        XCTAssertEqual(refusal("{\(format), \"agents\": [{\"policy\": \"vpa\", \"grid\": {\"--lr\": [1]}}]}"),
                       "s.yaml: agents[0]: grid: only a recipe has flags to vary")
        XCTAssertEqual(refusal("{\(format), \"agents\": [{\"policy\": \"vpa\", \"recipe\": \"x\"}]}"),
                       "s.yaml: agents[0]: give exactly one of policy, checkpoint, command and recipe")
        XCTAssertEqual(refusal("{\(format), \"agents\": [{\"name\": \"d\", \"recipe\": \"x\", \"grid\": {\"lr\": [1]}}]}"),
                       "s.yaml: agents[0]: grid: lr: expected a flag such as --lr")
        XCTAssertEqual(refusal("{\(format), \"agents\": [{\"policy\": \"vpa\"}], \"seeds\": [1, 1]}"), "s.yaml: seeds: a seed is listed twice")
        XCTAssertEqual(refusal("{\(format), \"agents\": [{\"name\": \"d\", \"recipe\": \"\(directory)/dqn.flags\", \"grid\": {\"--lr\": [1, 1.0, \"2\"]}}]}"),
                       "s.yaml: agents[0]: grid: --lr: list distinct values, at least one")
        XCTAssertEqual(refusal("{\(format), \"agents\": [{\"policy\": \"vpa\"}], \"backend\": {\"kind\": \"embedded\", \"contexts\": [\"a\"]}}"),
                       "s.yaml: the backend's contexts, kubeconfig and simkube_config are for the simkube backend")
    }

    func testTheManifestsRunOneIndexPerLane() throws {
        var plan = try smallPlan()
        var manifests = try SweepManifests(name: "grid-7", image: "registry.example/sim-arena:1")
        manifests.parallelism = 3
        manifests.maxFailedIndexes = 1
        let documents = try manifests.documents(plan: plan)
        XCTAssertEqual(documents.map { $0["kind"]?.stringValue }, ["ConfigMap", "PersistentVolumeClaim", "Job"])
        let job = documents[2]
        XCTAssertEqual(job["spec"]?["completionMode"], "Indexed")
        XCTAssertEqual(job["spec"]?["completions"], 4)
        XCTAssertEqual(job["spec"]?["parallelism"], 3)
        XCTAssertEqual(job["spec"]?["backoffLimitPerIndex"], 2)
        XCTAssertEqual(job["spec"]?["maxFailedIndexes"], 1)
        XCTAssertEqual(job["spec"]?["podFailurePolicy"]?["rules"]?[0]?["onExitCodes"]?["values"], [64, 65, 66])
        XCTAssertEqual(job["spec"]?["template"]?["spec"]?["securityContext"]?["runAsNonRoot"], true)
        XCTAssertEqual(job["spec"]?["template"]?["spec"]?["containers"]?[0]?["securityContext"]?["allowPrivilegeEscalation"], false)
        let container = job["spec"]?["template"]?["spec"]?["containers"]?[0]
        XCTAssertEqual(container?["args"], ["--plan", "/etc/sim-arena/sweep/plan.json", "--out", "/results/grid-7"])
        XCTAssertEqual(job["spec"]?["template"]?["spec"]?["volumes"]?[1]?["persistentVolumeClaim"]?["claimName"], "grid-7-results")
        // The ConfigMap's plan.json is the plan.
        let text = try XCTUnwrap(documents[0]["data"]?["plan.json"]?.stringValue)
        XCTAssertEqual(try BenchmarkPlan(document: try DataFormat.json.decode(Array(text.utf8))), plan)
        // An existing claim: no claim is made.
        manifests.claim = "shared"
        XCTAssertEqual(try manifests.documents(plan: plan).map { $0["kind"]?.stringValue }, ["ConfigMap", "Job"])
        // SimKube: a Secret with the kubeconfig is required, mounted where the pods' plan says.
        plan.backend.kind = .simkube
        plan.backend.contexts = ["sim-a", "sim-b"]
        XCTAssertThrowsError(try manifests.documents(plan: plan))
        manifests.kubeconfigSecret = "sims"
        let simkube = try manifests.documents(plan: plan)
        XCTAssertEqual(simkube[1]["spec"]?["completions"], 2)
        XCTAssertEqual(simkube[1]["spec"]?["parallelism"], 2)
        XCTAssertEqual(try manifests.podPlan(plan).backend.kubeconfig, "/etc/sim-arena/kubeconfig/config")
        // Without --parallelism: every lane, at most 100 at once.
        manifests.parallelism = nil
        plan.backend = BenchmarkBackend()
        plan.seeds = Array(1...60)
        XCTAssertEqual(try manifests.documents(plan: plan)[1]["spec"]?["parallelism"], 100)
        manifests.namespace = "Not_A_Namespace"
        XCTAssertThrowsError(try manifests.documents(plan: plan))
        XCTAssertThrowsError(try SweepManifests(name: "Grid_7", image: "x"))
        XCTAssertThrowsError(try SweepManifests(name: "g", image: "has space"))
    }
}
