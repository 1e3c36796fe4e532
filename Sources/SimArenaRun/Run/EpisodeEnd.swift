import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// What follows a finished episode, on either path: the progress line, a learning agent's
/// checkpoints (``RunCheckpoints``) and the plots (``RunPlots``).
public struct EpisodeEnd {
    public var configuration: RunConfiguration
    /// Least seconds between two checkpoints, except on the interval and at the run's end; 0
    /// saves after every episode (a stage process cannot wait: it ends).
    public var checkpointGap: Double
    private var lastCheckpoint = -Double.infinity
    private var unsaved: (agent: LearningAgent, replay: ReplayBuffer?, episode: Int)?
    private var plotting: Bool

    public init(configuration: RunConfiguration, checkpointGap: Double) {
        self.configuration = configuration
        self.checkpointGap = checkpointGap
        plotting = configuration.plotScript != nil
    }

    /// After the last finished episode in `summary`: prints its progress line, saves the
    /// checkpoints of `agent` (with the DQN `replay` buffer, asked for only when saving), and
    /// updates the plots with `rows`. `final` is the run's last episode.
    public mutating func finished(
        summary: RunSummary, agent: LearningAgent?, replay: () throws -> ReplayBuffer?, rows: () -> [PlotData.Row],
        epsilon: Double?, seconds: Double, final: Bool, output: (String) -> Void
    ) throws {
        guard let episode = summary.episodes.last(where: \.finished) else { return }
        output(RunProgress.line(episode: episode, of: configuration.episodes, trace: configuration.trace(forEpisode: episode.episode),
                                epsilon: epsilon, seconds: seconds))
        if configuration.learns, let agent {
            let interval = configuration.checkpointInterval
            if final || episode.episode % interval == 0 || Stopwatch.now() - lastCheckpoint >= checkpointGap {
                try RunCheckpoints.save(agent: agent, replay: try replay(), episode: episode.episode, runSeed: configuration.seed,
                                        to: configuration.checkpointFolder, interval: interval)
                lastCheckpoint = Stopwatch.now()
                unsaved = nil
            } else {
                unsaved = (agent, try replay(), episode.episode)
            }
        }
        if plotting, let script = configuration.plotScript,
           let warning = RunPlots.update(folder: configuration.checkpointFolder, summary: summary, run: configuration.run, agent: agent,
                                         rows: rows(), settings: configuration.actions, script: script,
                                         interval: configuration.checkpointInterval, final: final) {
            output(warning + "; no more plots in this run")
            plotting = false
        }
    }

    /// Saves the checkpoint the gap held back (before an interrupted run exits).
    public mutating func saveHeldBack() throws {
        guard let unsaved else { return }
        try RunCheckpoints.save(agent: unsaved.agent, replay: unsaved.replay, episode: unsaved.episode, runSeed: configuration.seed,
                                to: configuration.checkpointFolder, interval: configuration.checkpointInterval)
        self.unsaved = nil
    }

    /// At the run's end: copies the final checkpoint to `--save`, when given.
    public func saveCopy(summary: RunSummary, agent: LearningAgent?, replay: ReplayBuffer?) throws {
        guard configuration.learns, let save = configuration.save, let agent,
              let episode = summary.episodes.last(where: \.finished)?.episode else { return }
        try RunCheckpoints.save(agent: agent, replay: replay, episode: episode, runSeed: configuration.seed,
                                to: configuration.checkpointFolder, interval: configuration.checkpointInterval, extra: save)
    }
}
