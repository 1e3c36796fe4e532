/// The one-line progress report the orchestrator prints after each episode.
public enum RunProgress {
    /// `episode 3/50  return 0.55  steps 2  success yes  epsilon -  steps/s 41.2`, from
    /// `summary.json` and `run.json`.
    public static func line(_ runDirectory: String, seconds: Double) throws -> String {
        let settings = try RunDirectory.settings(of: runDirectory)
        let summary = try RunSummary(document: try Document.read(runDirectory + "/summary.json"))
        guard let episode = summary.episodes.last(where: \.finished) else { return "no finished episode yet" }
        let epsilon = try latestEpsilon(runDirectory, episode: episode)
        return line(episode: episode, of: settings.episodes, epsilon: epsilon, seconds: seconds)
    }

    /// The line for finished episode `episode` of `episodes`; `epsilon` is "-" or the exploration
    /// rate rounded to thousandths (see ``epsilonText(_:)``).
    public static func line(episode: RunSummary.Episode, of episodes: Int, epsilon: String, seconds: Double) -> String {
        let rate = seconds > 0 ? String((Double(episode.lastStep) / seconds * 10).rounded() / 10) : "-"
        return "episode \(episode.episode)/\(episodes)  return \(episode.returnValue)  steps \(episode.steps)  "
            + "success \(episode.success ? "yes" : "no")  epsilon \(epsilon)  steps/s \(rate)"
    }

    /// An exploration rate as the progress line shows it.
    public static func epsilonText(_ epsilon: Double?) -> String {
        epsilon.map { String(($0 * 1000).rounded() / 1000) } ?? "-"
    }

    /// The exploration rate a learning agent reported at the episode's last step, or "-".
    private static func latestEpsilon(_ runDirectory: String, episode: RunSummary.Episode) throws -> String {
        let path = runDirectory + "/" + RunDirectory.stepPath(episode: episode.episode, step: episode.lastStep) + "/learn.json"
        guard FileIO.exists(path) else { return "-" }
        return epsilonText(try Document.read(path)["epsilon"]?.doubleValue)
    }
}
