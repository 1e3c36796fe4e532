/// A learning agent's checkpoints in `checkpoints/<run>/`: `checkpoint_latest.json` after every
/// finished episode, `checkpoint_ep<N>.json` every `interval` episodes, and a copy at `--save`.
/// Each is the agent state the episode's last step ended with (`agent.json` in its directory).
public enum RunCheckpoints {
    /// Saves the checkpoints for the last finished episode. Returns the files written (none when
    /// the agent does not learn).
    @discardableResult
    public static func save(runDirectory: String, to folder: String, interval: Int, extra: String? = nil) throws -> [String] {
        let summary = try RunSummary(document: try Document.read(runDirectory + "/summary.json"))
        guard let episode = summary.episodes.last(where: \.finished) else { return [] }
        let state = runDirectory + "/" + RunDirectory.stepPath(episode: episode.episode, step: episode.lastStep) + "/agent.json"
        guard FileIO.exists(state) else { return [] }
        return try save(agentState: try FileIO.read(state), episode: episode.episode, to: folder, interval: interval, extra: extra)
    }

    /// Saves `agentState` (the bytes of the agent's JSON state, as `agent.json` holds them) as
    /// the checkpoints of finished episode `episode`. Returns the files written.
    @discardableResult
    public static func save(agentState bytes: [UInt8], episode: Int, to folder: String, interval: Int, extra: String? = nil) throws -> [String] {
        var written = [folder + "/checkpoint_latest.json"]
        if interval > 0, episode % interval == 0 { written.append(folder + "/checkpoint_ep\(episode).json") }
        if let extra { written.append(extra) }
        for path in written { try FileIO.writeAtomically(bytes, to: path) }
        return written
    }
}
