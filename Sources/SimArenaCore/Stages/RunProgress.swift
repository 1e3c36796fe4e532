/// The one-line progress report the orchestrator prints after each episode.
public enum RunProgress {
    /// `episode 3/50  return 0.55  steps 2  success yes  epsilon -  steps/s 41.2`, from
    /// `summary.json` and `run.json`.
    public static func line(_ runDirectory: String, seconds: Double) throws -> String {
        let settings = try RunDirectory.settings(of: runDirectory)
        let summary = try RunSummary(document: try Document.read(runDirectory + "/summary.json"))
        guard let episode = summary.episodes.last(where: \.finished) else { return "no finished episode yet" }
        let rate = seconds > 0 ? String((Double(episode.lastStep) / seconds * 10).rounded() / 10) : "-"
        let epsilon = try latestEpsilon(runDirectory, episode: episode)
        return "episode \(episode.episode)/\(settings.episodes)  return \(episode.returnValue)  steps \(episode.steps)  "
            + "success \(episode.success ? "yes" : "no")  epsilon \(epsilon)  steps/s \(rate)"
    }

    /// The exploration rate a learning agent reported at the episode's last step, or "-".
    private static func latestEpsilon(_ runDirectory: String, episode: RunSummary.Episode) throws -> String {
        let path = runDirectory + "/" + RunDirectory.stepPath(episode: episode.episode, step: episode.lastStep) + "/learn.json"
        guard FileIO.exists(path), let epsilon = try Document.read(path)["epsilon"]?.doubleValue else { return "-" }
        return String((epsilon * 1000).rounded() / 1000)
    }
}
