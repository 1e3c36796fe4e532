import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// The states the agent visualisation shows for a DQN agent: the observation each of the run's
/// traces starts from (its latest episode's first step), labelled by file and scenario.
public enum PlotRows {
    /// A row's label: the trace's file name without extension, and its scenario's failure mode.
    public static func label(tracePath: String, trace: Trace?) -> String {
        let file = tracePath.split(separator: "/").last.map(String.init) ?? tracePath
        let stem = file.split(separator: ".").first.map(String.init) ?? file
        guard let name = trace?.document["metadata"]?["scenario"]?["failure_mode"]?.stringValue else { return stem }
        return "\(stem) (\(name))"
    }

    /// From the step directories of a run: for each trace, the first step of the latest episode
    /// that started from it and kept its `observation.json` (episodes scanned newest first, at
    /// most a few passes over the traces).
    public static func fromStepDirectories(_ directory: String, configuration settings: RunConfiguration, lastEpisode: Int) -> [PlotData.Row] {
        var found: [String: PlotData.Row] = [:]
        var episode = lastEpisode
        while episode >= 1, found.count < settings.traces.count, lastEpisode - episode < 3 * settings.traces.count {
            let path = settings.trace(forEpisode: episode)
            let file = StepFiles(runDirectory: directory, episode: episode, step: 1).file(StepFiles.observation)
            if found[path] == nil, let observation = try? Document.decode(file, Observation.init(document:)) {
                found[path] = PlotData.Row(label: label(tracePath: path, trace: try? Trace.load(path)), observation: observation)
            }
            episode -= 1
        }
        return found.sorted { $0.key < $1.key }.map(\.value)
    }
}
