import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// The tab-separated files `jobs/plot.sh` renders (format `simarena.plots/v1`, docs/plots.md),
/// written into a run's checkpoint folder after each episode.
public enum PlotData {
    public static let format = "simarena.plots/v1"

    /// A state the agent visualisation asks the agent about: a label and an observation.
    public struct Row: Sendable {
        public var label: String
        public var observation: Observation

        public init(label: String, observation: Observation) {
            self.label = label
            self.observation = observation
        }
    }

    /// Most rows in the Q-value heatmap (more would not be legible).
    public static let maxRows = 40

    /// Writes `learning_curve.tsv`, and for a learning agent `agent_qvalues.tsv` (plus
    /// `agent_grid.tsv` for DQN). Returns the files written.
    @discardableResult
    public static func write(to folder: String, summary: RunSummary, run: String, agent: LearningAgent?, rows: [Row],
                             settings: ActionSettings) throws -> [String] {
        var files: [(String, String)] = [("learning_curve.tsv", learningCurve(summary, run: run))]
        let episode = summary.episodes.last(where: \.finished)?.episode ?? 0
        if let agent {
            files.append(("agent_qvalues.tsv", qValues(agent, rows: rows, settings: settings, run: run, episode: episode)))
            if case .dqn(let dqn) = agent, let base = rows.first {
                files.append(("agent_grid.tsv", grid(dqn, around: base)))
            }
        }
        for (name, text) in files { try FileIO.writeAtomically(Array(text.utf8), to: folder + "/" + name) }
        return files.map { folder + "/" + $0.0 }
    }

    /// One line per finished episode, with 10-episode moving averages.
    public static func learningCurve(_ summary: RunSummary, run: String) -> String {
        var lines = ["# \(format) learning_curve agent=\(summary.agent) run=\(run)",
                     "# episode\treturn\treturn_avg10\tsolved\tsuccess_rate10\tloss\tepsilon\tsteps"]
        let finished = summary.episodes.filter(\.finished)
        for (index, episode) in finished.enumerated() {
            let window = finished[max(0, index - 9)...index]
            let average = window.reduce(0) { $0 + $1.returnValue } / Double(window.count)
            let rate = Double(window.filter(\.success).count) / Double(window.count)
            lines.append([
                "\(episode.episode)", number(episode.returnValue), number(average), episode.success ? "1" : "0", number(rate),
                episode.meanLoss.map(number) ?? "-", episode.epsilon.map(number) ?? "-", "\(episode.steps)",
            ].joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Q-values per row and action: the given rows for DQN, the table's states for the tabular
    /// agent (both capped at ``maxRows``, spread evenly over the list).
    public static func qValues(_ agent: LearningAgent, rows: [Row], settings: ActionSettings, run: String, episode: Int) -> String {
        var states: [(label: String, values: [Double])]
        switch agent {
        case .tabular(let tabular):
            states = tabular.table.keys.sorted().map { (shortLabel($0), tabular.qValues($0)) }
        case .dqn:
            states = rows.map { ($0.label, agent.qValues($0.observation, settings: settings)) }
        }
        if states.count > maxRows {
            states = (0..<maxRows).map { states[$0 * states.count / maxRows] }
        }
        var lines = ["# \(format) agent_qvalues agent=\(agent.name) run=\(run) episode=\(episode)",
                     "# row\tlabel\taction\taction_name\tq\tgreedy"]
        for (row, state) in states.enumerated() {
            let best = state.values.indices.max { state.values[$0] < state.values[$1] || (state.values[$0] == state.values[$1] && $0 > $1) } ?? 0
            for (action, value) in state.values.enumerated() {
                let name = AgentAction(rawValue: action)?.name ?? "action\(action)"
                lines.append("\(row)\t\(state.label)\t\(action)\t\(name)\t\(number(value))\t\(action == best ? 1 : 0)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The greedy action and max Q over a 21 × 21 grid of the CPU and memory slack features,
    /// the other features held at `base`'s.
    public static func grid(_ agent: DQNAgent, around base: Row) -> String {
        let names = Observation.featureNames
        let (x, y) = (names.firstIndex(of: "cpu_slack_steps")!, names.firstIndex(of: "memory_slack_steps")!)
        var lines = ["# \(format) agent_grid x=\(names[x]) y=\(names[y]) fixed=as in \(base.label)",
                     "# x\ty\tgreedy_action\tmax_q"]
        var features = base.observation.features
        for row in 0...20 {
            for column in 0...20 {
                features[x] = Float(column) / 20
                features[y] = Float(row) / 20
                let values = agent.qValues(features)
                let best = DQNAgent.argmax(values[...])
                lines.append("\(number(Double(features[x])))\t\(number(Double(features[y])))\t\(best)\t\(number(Double(values[best])))")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A tabular state key without the parts that are at their usual value, e.g.
    /// `ready=lt|total=eq|pcpu=1|pmem=0|…` → `ready<,total=,pcpu`.
    static func shortLabel(_ key: String) -> String {
        key.split(separator: "|").compactMap { part -> String? in
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pieces.count == 2 else { return String(part) }
            switch pieces[1] {
            case "lt": return pieces[0] + "<"
            case "eq": return pieces[0] + "="
            case "gt": return pieces[0] + ">"
            case "0": return nil
            case "1": return pieces[0]
            default: return String(part)
            }
        }.joined(separator: ",")
    }

    /// Four decimals are plenty on a plot, and keep the files small and stable.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        let scaled = (value * 10_000).rounded() / 10_000
        return scaled == 0 ? "0" : "\(scaled)"
    }
}
