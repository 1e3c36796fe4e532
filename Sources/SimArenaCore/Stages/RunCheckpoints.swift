/// A learning agent's checkpoints in `checkpoints/<run>/`: `checkpoint_latest.<ext>` after every
/// finished episode, `checkpoint_ep<N>.<ext>` every `interval` episodes, and a copy at `--save`
/// (`ext` is `json` for the tabular agent, `safetensors` for DQN, whose replay buffer goes beside
/// each as `<name>.replay.safetensors`). Each is the agent state the episode's last step ended
/// with (`agent.<ext>` in its directory), plus `continue_seed`: the run's seed + 1000 × the
/// episodes done, the seed with which a run that loads the checkpoint continues exactly.
public enum RunCheckpoints {
    /// The agent state file a step directory holds, if any.
    public static func agentFile(inStep directory: String) -> String? {
        LearningAgent.names.map { directory + "/agent." + LearningAgent.fileExtension(agent: $0) }.first(where: FileIO.exists)
    }

    /// Saves the checkpoints for the last finished episode. Returns the files written (none when
    /// the agent does not learn).
    @discardableResult
    public static func save(runDirectory: String, to folder: String, interval: Int, extra: String? = nil) throws -> [String] {
        let summary = try RunSummary(document: try Document.read(runDirectory + "/summary.json"))
        guard let episode = summary.episodes.last(where: \.finished),
              let file = agentFile(inStep: runDirectory + "/" + RunDirectory.stepPath(episode: episode.episode, step: episode.lastStep))
        else { return [] }
        let agent = try LearningAgent.load(file)
        var replay: ReplayBuffer?
        if case .dqn(let dqn) = agent {
            replay = try ReplayBuffer.fromJournal(runDirectory + "/" + ReplayJournal.fileName, capacity: dqn.settings.bufferSize,
                                                  total: dqn.steps)
        }
        return try save(agent: agent, replay: replay, episode: episode.episode, runSeed: try RunDirectory.settings(of: runDirectory).seed,
                        to: folder, interval: interval, extra: extra)
    }

    /// Saves `agent` (and a DQN agent's `replay` buffer) as the checkpoints of finished episode
    /// `episode`. Returns the files written.
    @discardableResult
    public static func save(agent: LearningAgent, replay: ReplayBuffer?, episode: Int, runSeed: UInt64, to folder: String,
                            interval: Int, extra: String? = nil) throws -> [String] {
        let ext = agent.fileExtension
        var targets = [folder + "/checkpoint_latest.\(ext)"]
        if interval > 0, episode % interval == 0 { targets.append(folder + "/checkpoint_ep\(episode).\(ext)") }
        if let extra { targets.append(extra) }
        let bytes = try agent.encoded(continueSeed: runSeed &+ UInt64(episode) &* 1000)
        let replayBytes = try replay?.checkpoint()
        var written: [String] = []
        for path in targets {
            // The replay file first, so a checkpoint is never newer than the buffer beside it.
            if let replayBytes {
                let beside = ReplayBuffer.checkpointPath(beside: path)
                try FileIO.writeAtomically(replayBytes, to: beside)
                written.append(beside)
            }
            try FileIO.writeAtomically(bytes, to: path)
            written.append(path)
        }
        return written
    }
}
