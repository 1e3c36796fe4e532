import SimArenaModel
import SimArenaSimulation
import SimArenaRL

extension Trainer {
    /// Seconds between two writes of the fast path's records (step.jsonl, summary.json, the carry
    /// files and the replay journal): the steps in between live in memory. A run killed in
    /// between loses them and, resumed, recomputes them to the same bytes.
    static let flushInterval: Double = 0.5

    /// The steps recorded in memory and not yet written, and how to write them so that a run
    /// killed at any point, or stopped by a full disk, resumes exactly: the replay journal's new
    /// transitions, then the carry (into the slot not holding the last written one), then the
    /// lines of step.jsonl in one write (cut back off if it fails part-way), then summary.json,
    /// which is so never ahead of step.jsonl. A resumed run trusts step.jsonl's last line; the
    /// carry slot that names that line, and a summary.json rebuilt when it is behind, complete
    /// the state.
    struct PendingSteps {
        var lines: [[UInt8]] = []
        var transitions: [Transition] = []
        /// The journal number of `transitions.first`.
        var firstTransition = 0
        var lastFlush = Stopwatch.now()

        var isDue: Bool { Stopwatch.now() - lastFlush >= Trainer.flushInterval }

        mutating func add(_ transition: Transition, number: Int) {
            if transitions.isEmpty { firstTransition = number }
            transitions.append(transition)
        }

        mutating func flush(carry: inout Carry?, summary: RunSummary, directory: String, journal: String) throws {
            defer { lastFlush = Stopwatch.now() }
            guard !lines.isEmpty else { return }
            if !transitions.isEmpty {
                try ReplayJournal.write(transitions, at: firstTransition, to: journal)
                transitions = []
            }
            if var latest = carry {
                latest.slot = 1 - latest.slot
                try Trainer.saveCarry(latest, in: directory)
                carry = latest
            }
            try FileIO.appendLine(Array(lines.joined(separator: [UInt8(ascii: "\n")])), to: directory + "/" + RunDirectory.steps)
            lines = []
            try Document.write(summary.value, to: directory + "/" + RunDirectory.summary)
        }
    }
}
