import SimArenaModel
import SimArenaRL
import SimArenaRun

/// The benchmark's report, made from a plan and its complete cells: `report.json`
/// (`simarena.benchmark-report/v1`), `report.md`, `episodes.jsonl` (every episode, in plan
/// order) and `report-plot.tsv` (what `jobs/benchmark-plot.sh` draws as `report.png`). The same
/// cells give the same bytes, whatever order or parallelism ran them.
public struct BenchmarkReport {
    public static let format = "simarena.benchmark-report/v1"
    public static let files = (json: "report.json", markdown: "report.md", episodes: "episodes.jsonl", plot: "report-plot.tsv")

    public var plan: BenchmarkPlan
    public var episodes: [EpisodeResult]
    /// Per agent and suite, then per family of the suite, in plan order (families sorted).
    public var summaries: [BenchmarkSummary]

    public init(plan: BenchmarkPlan, episodes: [EpisodeResult]) {
        self.plan = plan
        self.episodes = episodes
        var reference: [String: EpisodeResult]?
        if let name = plan.reference {
            reference = Dictionary(episodes.filter { $0.agent == name }.map { (BenchmarkSummary.key($0), $0) }, uniquingKeysWith: { a, _ in a })
        }
        var summaries: [BenchmarkSummary] = []
        for agent in plan.agents {
            for suite in plan.suites {
                let mine = episodes.filter { $0.agent == agent.name && $0.suite == suite.name }
                summaries.append(BenchmarkSummary(agent: agent.name, suite: suite.name, family: nil, episodes: mine, reference: reference))
                for family in Set(mine.map(\.family)).sorted() {
                    summaries.append(BenchmarkSummary(agent: agent.name, suite: suite.name, family: family,
                                                      episodes: mine.filter { $0.family == family }, reference: reference))
                }
            }
        }
        self.summaries = summaries
    }

    /// Reads the episodes of every cell of the plan in `directory`; refuses when cells are
    /// missing, naming them (run them with `sa-benchmark cell`).
    public static func load(reportDirectory directory: String) throws -> BenchmarkReport {
        let plan = try BenchmarkPlan.load(reportDirectory: directory)
        var episodes: [EpisodeResult] = []
        var missing: [String] = []
        for index in plan.cells.indices {
            let cell = try BenchmarkCell(plan: plan, index: index, reportDirectory: directory)
            guard cell.isComplete else {
                missing.append(String(index))
                continue
            }
            let text = try FileIO.read(cell.episodesPath)
            for (number, line) in text.split(separator: UInt8(ascii: "\n")).enumerated() {
                let at = "\(cell.episodesPath): line \(number + 1)"
                do {
                    episodes.append(try EpisodeResult(document: try DataFormat.json.decode(Array(line)), at: at))
                } catch let error as SimArenaError where !error.message.hasPrefix(at) {
                    throw error.prefixed(at)
                }
            }
        }
        guard missing.isEmpty else {
            throw SimArenaError(.noInput, "\(directory): \(missing.count) of \(plan.cells.count) cells are not complete (cells \(missing.prefix(10).joined(separator: ", "))\(missing.count > 10 ? ", …" : "")); run them with sa-benchmark cell")
        }
        return BenchmarkReport(plan: plan, episodes: episodes)
    }

    /// Writes the report's files into `directory`, each atomically.
    public func write(to directory: String) throws {
        try Document.write(value, to: directory + "/" + Self.files.json)
        try FileIO.writeAtomically(Array(markdown.utf8), to: directory + "/" + Self.files.markdown)
        var lines: [UInt8] = []
        for episode in episodes { lines += try JSONWriter.encode(episode.value, pretty: false) + [UInt8(ascii: "\n")] }
        try FileIO.writeAtomically(lines, to: directory + "/" + Self.files.episodes)
        try FileIO.writeAtomically(Array(plotTable.utf8), to: directory + "/" + Self.files.plot)
    }

    public var value: KValue {
        [
            "format": .string(Self.format), "plan": plan.value, "episodes": .int(Int64(episodes.count)),
            "bootstrap_resamples": .int(Int64(BenchmarkStatistics.resamples)),
            "summaries": .array(summaries.map(\.value)),
        ]
    }

    /// Solve rates with their intervals, one block per suite (gnuplot's `index`): a header line,
    /// then a row per family and a last row `all`, with `rate low high` per agent in percent.
    public var plotTable: String {
        var text = ""
        for suite in plan.suites {
            text += "# suite \(suite.name)\nfamily\t" + plan.agents.map { "\($0.name)\tlow\thigh" }.joined(separator: "\t") + "\n"
            let families = Set(summaries.filter { $0.suite == suite.name }.compactMap(\.family)).sorted() + ["all"]
            for family in families {
                let cells = plan.agents.map { agent -> String in
                    guard let row = summaries.first(where: {
                        $0.agent == agent.name && $0.suite == suite.name && ($0.family ?? "all") == family
                    }) else { return "0\t0\t0" }
                    return [row.solveRate, row.solveRateLow, row.solveRateHigh].map { RunProgress.fixed($0 * 100, digits: 1) }.joined(separator: "\t")
                }
                text += family + "\t" + cells.joined(separator: "\t") + "\n"
            }
            text += "\n\n"
        }
        return text
    }
}
