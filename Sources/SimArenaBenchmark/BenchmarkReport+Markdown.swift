import SimArenaModel
import SimArenaRun

extension BenchmarkReport {
    /// `report.md`: the plan, then per suite a table of agents, solve rates by family, and why
    /// the unsolved episodes failed.
    public var markdown: String {
        func percent(_ value: Double) -> String { RunProgress.fixed(value * 100, digits: 0) + "%" }
        func number(_ value: Double?, _ digits: Int = 2) -> String { value.map { RunProgress.fixed($0, digits: digits) } ?? "–" }
        func interval(_ row: BenchmarkSummary) -> String {
            "\(percent(row.solveRate)) [\(percent(row.solveRateLow))–\(percent(row.solveRateHigh))]"
        }
        var text = "# Benchmark report\n\n"
        text += "\(plan.agents.count) agents × \(plan.seeds.count) seeds (\(plan.seeds.map(String.init).joined(separator: ", "))) on "
        text += plan.suites.map { "`\($0.name)` (\($0.scenarios.count) scenarios)" }.joined(separator: " and ")
        text += "; at most \(plan.maxActions) actions of \(plan.actionCount), \(number(plan.durationSeconds, 0)) simulated seconds a step; \(episodes.count) episodes.\n\n"
        for agent in plan.agents { text += "- `\(agent.name)`: \(agent.summary)\n" }
        text += "\nSolved: the goal reached within the actions allowed, over all seeds, with a 95% stratified-bootstrap interval "
        text += "(\(BenchmarkStatistics.resamples) resamples of the seeds within each scenario). Steps: interquartile mean over the solved episodes"
        if let reference = plan.reference { text += "; ×\(reference): Σ steps ÷ \(reference)'s on the episodes both solve" }
        text += ". Waste: requested ÷ used by the running pods at the end (1 = no waste). Per episode: blocked actions, steps with an OOM-killed pod, pod-seconds Pending. docs/benchmark.md defines each.\n"

        for suite in plan.suites {
            let rows = summaries.filter { $0.suite == suite.name && $0.family == nil }
            text += "\n## Suite `\(suite.name)`\n\n"
            var table = MarkdownTable(["agent", "solved [95% CI]", "IQM steps", plan.reference.map { "steps ×\($0)" } ?? "",
                                       "return", "blocked", "OOM steps", "pending pod-s", "waste CPU", "waste memory"].filter { !$0.isEmpty })
            for row in rows {
                table.add([row.agent, interval(row), number(row.iqmSteps, 1)] + (plan.reference == nil ? [] : [number(row.stepsVersusReference)])
                          + [number(row.meanReturn), number(row.blockedPerEpisode, 1), number(row.oomStepsPerEpisode, 1),
                             number(row.pendingPodSecondsPerEpisode, 0), number(row.cpuWaste), number(row.memoryWaste)])
            }
            text += table.text
            let unsolvable = rows.first?.unsolvableEpisodes ?? 0
            if unsolvable > 0 {
                text += "\nLeft out of every number above: \(unsolvable) episodes per agent on scenarios marked unsolvable (`solvable: false`).\n"
            }

            text += "\n### Solved by family\n\n"
            let families = Set(summaries.filter { $0.suite == suite.name }.compactMap(\.family)).sorted()
            var byFamily = MarkdownTable(["family", "episodes"] + plan.agents.map(\.name))
            for family in families where summaries.contains(where: { $0.suite == suite.name && $0.family == family && $0.episodes > 0 }) {
                let cells = plan.agents.map { agent in
                    summaries.first { $0.agent == agent.name && $0.suite == suite.name && $0.family == family }.map(interval) ?? "–"
                }
                let count = summaries.first { $0.suite == suite.name && $0.family == family }?.episodes ?? 0
                byFamily.add([family, String(count)] + cells)
            }
            text += byFamily.text

            text += "\n### Why episodes failed (what was wrong at the end / what the agent did)\n\n"
            var failures = MarkdownTable(["agent", "unsolved", "reasons"])
            for row in rows where !row.failures.isEmpty {
                let total = row.failures.reduce(0) { $0 + $1.count }
                failures.add([row.agent, String(total), row.failures.prefix(5).map { "\($0.reason) \($0.count)" }.joined(separator: ", ")])
            }
            text += failures.rows.isEmpty ? "Every episode was solved.\n" : failures.text
        }
        return text
    }
}
