import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// A learning agent's checkpoints in `checkpoints/<run>/`: `checkpoint_latest.<ext>` after every
/// finished episode, `checkpoint_ep<N>.<ext>` every `interval` episodes, and a copy at `--save`
/// (`ext` is `json` for the tabular agent, `safetensors` for DQN, whose replay buffer goes beside
/// each as `<name>.replay.safetensors`). Each is the agent state the episode's last step ended
/// with (`agent.<ext>` in its directory), plus `continue_seed`: the run's seed + 1000 × the
/// episodes done, the seed with which a run that loads the checkpoint continues exactly.
public enum RunCheckpoints {
    /// The latest checkpoint in `folder`, of either kind of agent, if one was saved.
    public static func latest(in folder: String) -> String? {
        ["safetensors", "json"].map { folder + "/checkpoint_latest.\($0)" }.first(where: FileIO.exists)
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
