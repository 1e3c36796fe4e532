import SimArenaModel
import SimArenaRL
import SimArenaRun

/// Runs one cell of a plan (one agent with one seed, maybe one shard) into `cells/<name>/` of
/// the report folder: a recipe's training run first (in `train/`, resumed if a kill interrupted
/// it), then one episode per scenario of its share of the suites, written at the end as
/// `episodes.jsonl` in one atomic write. A cell whose `episodes.jsonl` exists is complete and is not run again.
public struct BenchmarkCell {
    public static let cellsFolder = "cells"
    public static let episodesFile = "episodes.jsonl"

    public var plan: BenchmarkPlan
    public var index: Int
    public var reportDirectory: String

    public init(plan: BenchmarkPlan, index: Int, reportDirectory: String) throws {
        guard plan.cells.indices.contains(index) else {
            throw SimArenaError(.usage, "--index \(index): the plan has cells 0 to \(plan.cells.count - 1)")
        }
        self.plan = plan
        self.index = index
        self.reportDirectory = reportDirectory
    }

    public var cell: BenchmarkPlan.Cell { plan.cells[index] }
    public var directory: String { "\(reportDirectory)/\(Self.cellsFolder)/\(cell.name)" }
    public var episodesPath: String { directory + "/" + Self.episodesFile }
    public var isComplete: Bool { FileIO.exists(episodesPath) }

    /// How a recipe's flags become a run configuration (the command-line layer parses
    /// `bin/train.sh` flags): given the flags with the seed and folders added.
    public typealias RecipeReader = (_ flags: [String]) throws -> RunConfiguration

    /// Makes the backend a setting names, with a cluster file (the embedded simulator's; nil: each
    /// trace's own) and the simulated seconds per step: ``ClusterBackendMaker/make(_:cluster:durationSeconds:)``
    /// of the tool, which decides which backends it can make.
    public typealias BackendMaker = (_ setting: BackendSetting, _ cluster: String?, _ durationSeconds: Double)
        -> Result<any ClusterBackend, any Error>

    /// The lane the cell runs in, whose backend setting (SimKube context) it uses.
    public var lane: Int { index % plan.laneCount }

    /// Runs the cell unless it is complete. `output` gets progress lines; `interrupted` is asked
    /// between steps of training and between episodes, and returns 0 or the status to stop with.
    /// Returns 0 when the cell is complete.
    public func run(recipe: RecipeReader, backends: BackendMaker, pid: Int32, output: @escaping (String) -> Void,
                    interrupted: () -> Int32) throws -> Int32 {
        if isComplete {
            output("\(label): complete already")
            return 0
        }
        try FileIO.createDirectories(directory)
        let setting = plan.backend.setting(lane: lane)
        var checkpoint: String?
        if case .recipe(_, let flags) = cell.agent.kind {
            let (status, trained) = try train(flags, setting: setting, recipe: recipe, backends: backends, pid: pid, output: output,
                                              interrupted: interrupted)
            if status != 0 { return status }
            checkpoint = trained
        }
        let chooser = try cell.agent.chooser(trained: checkpoint)
        let backend = backends(setting, nil, plan.durationSeconds)
        var lines: [UInt8] = []
        var solved: [(suite: Int, wins: Int, played: Int, unsolvable: Int)] = []
        for (suiteIndex, scenarioIndex) in plan.scenarios(of: cell) {
            let stop = interrupted()
            if stop != 0 { return stop }
            let suite = plan.suites[suiteIndex]
            let file = suite.scenarios[scenarioIndex]
            let path = suite.path(of: file)
            let trace = try Trace.load(path)
            let seed = SeededGenerator.mix(SeededGenerator.mix(cell.seed, UInt64(suiteIndex)), UInt64(scenarioIndex))
            let result: EpisodeResult
            do {
                result = try BenchmarkEpisode.play(SuiteScenario(fileName: file, trace: trace), trace: trace, suite: suite.name,
                                                   agent: cell.agent.name, seed: seed, chooser: chooser, plan: plan, backend: backend)
            } catch let error as SimArenaError {
                throw error.prefixed(path)
            }
            if solved.last?.suite != suiteIndex { solved.append((suiteIndex, 0, 0, 0)) }
            if !result.solvable {
                solved[solved.count - 1].unsolvable += 1
            } else {
                solved[solved.count - 1].played += 1
                if result.solved { solved[solved.count - 1].wins += 1 }
            }
            lines += try JSONWriter.encode(result.value, pretty: false) + [UInt8(ascii: "\n")]
        }
        try FileIO.writeAtomically(lines, to: episodesPath)
        output("\(label): solved " + solved.map {
            "\(plan.suites[$0.suite].name) \($0.wins)/\($0.played)" + ($0.unsolvable > 0 ? " (+\($0.unsolvable) unsolvable)" : "")
        }.joined(separator: ", "))
        return 0
    }

    private var label: String {
        "cell \(index + 1)/\(plan.cells.count) \(cell.agent.name) seed \(cell.seed)"
            + (cell.shardCount > 1 ? " shard \(cell.shard + 1)/\(cell.shardCount)" : "")
    }

    /// Trains the recipe with the cell's seed in `train/`, continuing a run a kill interrupted;
    /// returns the exit status (0: trained) and the latest checkpoint.
    private func train(_ flags: [String], setting: BackendSetting, recipe: RecipeReader, backends: BackendMaker,
                       pid: Int32, output: @escaping (String) -> Void, interrupted: () -> Int32) throws -> (Int32, String?) {
        let root = directory + "/train"
        let runs = root + "/runs"
        var run = try existingRun(in: runs)
        if run == nil {
            var configuration = try recipe(flags + ["--seed", String(cell.seed), "--fast", "--no-plots",
                                                    "--runs-dir", runs, "--checkpoints-dir", root + "/checkpoints"])
            configuration.backend = setting
            // The cell needs only the last checkpoint: dated copies every 10 episodes would take a
            // DQN cell's folder from about 10 MB to 1.1 GB. A recipe that sets the interval keeps it.
            if !flags.contains(where: { $0 == "--checkpoint-interval" || $0.hasPrefix("--checkpoint-interval=") }) {
                configuration.checkpointInterval = configuration.episodes
            }
            run = try RunDirectory.create(root: runs, checkpoints: root + "/checkpoints", configuration: configuration, startedAt: 0)
            output("\(label): training \(configuration.episodes) episodes")
        } else {
            output("\(label): continuing its training run")
        }
        guard let run else { return (0, nil) }
        let configuration = try RunDirectory.configuration(of: run)
        // A progress line for every tenth of the episodes; other lines (done, notes) all.
        let every = max(1, configuration.episodes / 10)
        let counter = LineCounter()
        let status = try Trainer.run(directory: run, backend: backends(configuration.backend, configuration.cluster, configuration.durationSeconds), pid: pid, output: { line in
            if line.hasPrefix("episode ") {
                counter.count += 1
                guard counter.count % every == 0 else { return }
            }
            // The trainer's own advice names bin/train.sh; here the cell is what continues it.
            output("\(label): " + (line.hasPrefix("interrupted:") ? "interrupted; the same command continues the cell" : line))
        }, interrupted: interrupted)
        return (status, status == 0 ? RunCheckpoints.latest(in: configuration.checkpointFolder) : nil)
    }

    /// The training run already created in `runs`, if any (the only folder in it).
    private func existingRun(in runs: String) throws -> String? {
        guard FileIO.isDirectory(runs) else { return nil }
        return try FileIO.list(runs).sorted().map { runs + "/" + $0 }.first { FileIO.isDirectory($0) && FileIO.exists($0 + "/" + RunDirectory.configuration) }
    }
}

/// Counts the lines a closure has seen.
private final class LineCounter {
    var count = 0
}
