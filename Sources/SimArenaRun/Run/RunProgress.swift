import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// The one-line progress report printed after each episode.
public enum RunProgress {
    /// `episode 3/50  trace cpu-heavy  return -0.550  steps 2  success yes  epsilon -  steps/s 41.2`.
    /// `epsilon` is nil for agents that do not explore; `seconds` is the episode's wall time.
    public static func line(episode: RunSummary.Episode, of episodes: Int, trace: String, epsilon: Double?, seconds: Double) -> String {
        let rate = seconds > 0 ? fixed(Double(episode.lastStep) / seconds, digits: 1) : "-"
        return "episode \(episode.episode)/\(episodes)  trace \(traceName(trace))  return \(fixed(episode.returnValue, digits: 3))  "
            + "steps \(episode.steps)  success \(episode.success ? "yes" : "no")  epsilon \(epsilon.map { fixed($0, digits: 3) } ?? "-")  "
            + "steps/s \(rate)"
    }

    /// A trace's name as progress lines and `step.jsonl` give it: its file name without the extension.
    public static func traceName(_ path: String) -> String {
        // On the UTF-8 view: a step's record names its trace, and Character-wise splitting cost
        // more than the rest of the record.
        let bytes = path.utf8
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == UInt8(ascii: "/") { end = bytes.index(before: end) }
        let start = bytes[..<end].lastIndex(of: UInt8(ascii: "/")).map(bytes.index(after:)) ?? bytes.startIndex
        guard start < end else { return path }
        let file = bytes[start..<end]
        guard let dot = file.lastIndex(of: UInt8(ascii: ".")), dot != file.startIndex else { return String(Substring(file)) }
        return String(Substring(bytes[start..<dot]))
    }

    /// `value` with exactly `digits` decimals (rounded half away from zero).
    public static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int64(scaled / scale)
        var fraction = String(Int64(scaled) - whole * Int64(scale))
        fraction = String(repeating: "0", count: max(0, digits - fraction.count)) + fraction
        let sign = value < 0 && scaled != 0 ? "-" : ""
        return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }
}
