import SimArenaModel
import SimArenaRL

/// The aggregate of one agent's episodes on one suite, or on one failure family of a suite:
/// one row of the report's tables (docs/benchmark.md says how each number is computed).
public struct BenchmarkSummary: Sendable, Hashable {
    public var agent: String
    public var suite: String
    /// Nil for the whole suite.
    public var family: String?
    /// Episodes on solvable scenarios, which every other number is about.
    public var episodes: Int
    /// Episodes on scenarios marked unsolvable, left out of everything else.
    public var unsolvableEpisodes: Int
    public var solveRate: Double
    /// The 95% stratified-bootstrap interval of the solve rate over seeds.
    public var solveRateLow: Double
    public var solveRateHigh: Double
    /// Interquartile mean and mean of the steps of the solved episodes.
    public var iqmSteps: Double?
    public var meanSteps: Double?
    public var meanReturn: Double
    public var blockedPerEpisode: Double
    public var oomStepsPerEpisode: Double
    public var pendingPodSecondsPerEpisode: Double
    /// Mean requested ÷ used at the end, over the episodes where pods run at the end.
    public var cpuWaste: Double?
    public var memoryWaste: Double?
    /// Σ steps ÷ Σ the reference agent's steps, over the episodes (scenario and seed) both solve.
    public var stepsVersusReference: Double?
    /// Unsolved episodes by `problem/behaviour`, most frequent first.
    public var failures: [(reason: String, count: Int)]

    public static func == (left: BenchmarkSummary, right: BenchmarkSummary) -> Bool { left.value == right.value }
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }

    /// Summarises `episodes` (one agent, one suite, maybe one family); `reference` holds the
    /// reference agent's episodes of the same scenarios, by ``key(_:)``.
    public init(agent: String, suite: String, family: String?, episodes all: [EpisodeResult], reference: [String: EpisodeResult]?) {
        (self.agent, self.suite, self.family) = (agent, suite, family)
        let episodes = all.filter(\.solvable)
        self.episodes = episodes.count
        unsolvableEpisodes = all.count - episodes.count
        var byScenario: [String: [Double]] = [:]
        for episode in episodes { byScenario[episode.scenario, default: []].append(episode.solved ? 1 : 0) }
        var random = SeededGenerator(seed: BenchmarkStatistics.seed([agent, suite, family ?? ""]))
        let rate = BenchmarkStatistics.bootstrapMean(byScenario.keys.sorted().map { byScenario[$0]! }, random: &random)
        (solveRate, solveRateLow, solveRateHigh) = rate ?? (0, 0, 0)
        let solved = episodes.filter(\.solved)
        iqmSteps = BenchmarkStatistics.interquartileMean(solved.map { Double($0.steps) })
        meanSteps = BenchmarkStatistics.mean(solved.map { Double($0.steps) })
        let count = Double(max(episodes.count, 1))
        meanReturn = episodes.reduce(0) { $0 + $1.episodeReturn } / count
        blockedPerEpisode = Double(episodes.reduce(0) { $0 + $1.blocked }) / count
        oomStepsPerEpisode = Double(episodes.reduce(0) { $0 + $1.oomSteps }) / count
        pendingPodSecondsPerEpisode = episodes.reduce(0) { $0 + $1.pendingPodSeconds } / count
        cpuWaste = BenchmarkStatistics.mean(episodes.compactMap(\.cpuWaste))
        memoryWaste = BenchmarkStatistics.mean(episodes.compactMap(\.memoryWaste))
        if let reference {
            let both = solved.compactMap { episode in reference[Self.key(episode)].flatMap { $0.solved ? (episode, $0) : nil } }
            let ours = both.reduce(0) { $0 + $1.0.steps }, theirs = both.reduce(0) { $0 + $1.1.steps }
            stepsVersusReference = both.isEmpty || theirs == 0 ? nil : Double(ours) / Double(theirs)
        }
        var reasons: [String: Int] = [:]
        for episode in episodes where !episode.solved {
            reasons["\(episode.problem ?? "unknown")/\(episode.behaviour ?? "unknown")", default: 0] += 1
        }
        failures = reasons.map { ($0.key, $0.value) }.sorted { ($1.count, $0.reason) < ($0.count, $1.reason) }
    }

    /// Pairs an episode with the reference agent's on the same scenario and seed.
    public static func key(_ episode: EpisodeResult) -> String { "\(episode.suite)\u{0}\(episode.scenario)\u{0}\(episode.seed)" }

    public var value: KValue {
        func number(_ value: Double?) -> KValue { value.map { .double(Observation.rounded($0)) } ?? .null }
        return [
            "agent": .string(agent), "suite": .string(suite), "family": family.map(KValue.string) ?? .null,
            "episodes": .int(Int64(episodes)), "unsolvable_episodes": .int(Int64(unsolvableEpisodes)),
            "solve_rate": number(solveRate),
            "solve_rate_ci95": .array([number(solveRateLow), number(solveRateHigh)]),
            "iqm_steps": number(iqmSteps), "mean_steps": number(meanSteps), "mean_return": number(meanReturn),
            "blocked_per_episode": number(blockedPerEpisode), "oom_steps_per_episode": number(oomStepsPerEpisode),
            "pending_pod_seconds_per_episode": number(pendingPodSecondsPerEpisode),
            "final_waste": ["cpu": number(cpuWaste), "memory": number(memoryWaste)],
            "steps_vs_reference": number(stepsVersusReference),
            "failures": .map(KMap(failures.map { KMap.Entry(key: .string($0.reason), value: .int(Int64($0.count))) })),
        ]
    }
}
