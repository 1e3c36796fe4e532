import SimArenaModel
import SimArenaSimulation
import SimArenaRL

#if canImport(Glibc)
import Glibc
#endif

/// After an episode: write the plot data into the run's checkpoint folder and render it with the
/// plotting job (`jobs/plot.sh`), keeping `*_ep<N>.png` copies every `interval` episodes.
///
/// Rendering takes a few hundred milliseconds, longer than a fast-path episode, so the latest
/// PNGs are re-rendered at most every ``minimumGap`` seconds, except for the per-interval copies
/// and the run's last episode (`final`); the data files are rewritten after every episode.
public enum RunPlots {
    /// Seconds the plotting job may take.
    public static let timeout: Double = 60
    /// Least seconds between two renderings of the latest PNGs.
    public static let minimumGap: Double = 2

    /// Returns nil when the plots were made (or skipped as too recent), else a one-line warning
    /// (training goes on without plots: they are a view, not a result).
    public static func update(folder: String, summary: RunSummary, run: String, agent: LearningAgent?, rows: [PlotData.Row],
                              settings: ActionSettings, script: String, interval: Int, final: Bool) -> String? {
        guard let episode = summary.episodes.last(where: \.finished)?.episode else { return nil }
        do {
            try PlotData.write(to: folder, summary: summary, run: run, agent: agent, rows: rows, settings: settings)
        } catch {
            return "plots: cannot write the plot data: \(error)"
        }
        var arguments = [script, folder]
        let copy = interval > 0 && episode % interval == 0
        if copy { arguments += ["--copy-as", "ep\(episode)"] }
        guard copy || final || secondsSinceModified(folder + "/learning_curve_latest.png") >= minimumGap else { return nil }
        do {
            let result = try ProcessRunner(arguments, timeout: timeout).run()
            if result.succeeded { return nil }
            return "plots: \(result.firstStderrLine ?? "\(script) \(result.statusDescription)")"
        } catch {
            return "plots: cannot run \(script): \(error)"
        }
    }

    /// Seconds since `path` was last written (infinity when it does not exist).
    public static func secondsSinceModified(_ path: String) -> Double {
        var info = stat()
        var now = timespec()
        guard stat(path, &info) == 0, clock_gettime(CLOCK_REALTIME, &now) == 0 else { return .infinity }
        return Double(now.tv_sec - info.st_mtim.tv_sec) + Double(now.tv_nsec - info.st_mtim.tv_nsec) / 1e9
    }
}
