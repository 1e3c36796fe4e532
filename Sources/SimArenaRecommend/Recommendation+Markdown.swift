import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

extension Recommendation {
    /// `report.md`: the summary, a table of the workloads that were wrong (what was found, what
    /// changes, the predicted state after, the fixer's steps), the fixes refused because they
    /// harm a neighbour, SimKube's prediction beside the embedded one, and how to apply it.
    public func markdown() throws -> String {
        let actions = settings.actions
        let patches = try patches()
        var text = "# Recommendation for `\(traceName)`\n\n"
        text += "\(before.count) workload\(before.count == 1 ? "" : "s") judged on the embedded simulator (\(RunProgress.fixed(durationSeconds, digits: 0)) simulated seconds"
        text += cluster.isEmpty ? ")" : "; \(cluster))"
        text += ". Before: \(before.filter { !$0.isHealthy }.count) unhealthy, \(before.filter { $0.isWasteful(settings: actions) }.count) wasteful. "
        text += "After the fix: \(after.filter { !$0.isHealthy }.count) unhealthy, \(after.filter { $0.isWasteful(settings: actions) }.count) wasteful; "
        text += "\(patches.count) workload\(patches.count == 1 ? "" : "s") patched. "
        text += "Fixer: `\(fixer)`, at most \(settings.maxActions) actions of \(settings.actionCount) per workload "
        text += "(steps of \(actions.cpuStep) CPU, \(actions.memoryStep.canonical) memory, \(actions.replicaStep) replica).\n"

        let listed = before.indices.filter { before[$0].needsFix(settings: actions) || after[$0].needsFix(settings: actions) }
        if !listed.isEmpty {
            text += "\n## Workloads found wrong\n\n"
            var table = MarkdownTable(["workload", "problem found", "change", "predicted after", "fixer's steps"])
            for index in listed {
                let health = before[index]
                let patch = patches.first { $0.isFor(health) }
                let changes = patch?.changes.map { "\($0.field) \($0.before ?? "–") → \($0.after ?? "–")" } ?? []
                let problems = health.problems(settings: actions)
                table.add([health.label, problems.isEmpty ? "–" : problems.joined(separator: "; "),
                           changes.isEmpty ? "none" : changes.joined(separator: "; "), Self.summary(after[index], settings: actions),
                           fix(of: health).map(Self.steps) ?? "not tried"])
            }
            text += table.text
        }
        let harmful = fixes.filter { $0.harm != nil }
        if !harmful.isEmpty {
            text += "\n## States skipped because they harm a neighbour\n\n"
            for fix in harmful {
                guard let harm = fix.harm else { continue }
                let kept = fix.verdict == .unchanged ? "no change is recommended" : "the state kept harms no other workload"
                text += "- \(fix.label): after `\(harm.action.name)` the fixer passed through a state that would leave "
                text += "\(harm.harmed.joined(separator: "; ")); \(kept).\n"
            }
        }
        var notes = try listed.filter { !after[$0].isHealthy }.flatMap { try initContainerNotes(for: before[$0]) }
        for index in listed {
            let seen = before[index].observation
            let undeclared = ["cpu": !seen.declaredCPUUsage, "memory": !seen.declaredMemoryUsage]
            let patch = patches.first { $0.isFor(before[index]) }
            let lowered = (patch?.changes ?? []).filter { change in
                guard let resource = change.field.split(separator: ".").last.map(String.init), undeclared[resource] == true,
                      change.field.contains(".requests."), let old = change.before, let new = change.after,
                      let from = try? Quantity(parsing: old), let to = try? Quantity(parsing: new) else { return false }
                return to < from
            }
            guard !lowered.isEmpty else { continue }
            notes.append("\(before[index].label) lowers \(lowered.map(\.field).joined(separator: ", ")) without a declared use "
                         + "(`simarena.io/usage`): the simulator takes the request as the use, so it shows no throttling or OOM kill. "
                         + "Measure the use (PodMetrics, or --namespace) before applying it.")
        }
        if !notes.isEmpty {
            text += "\n## Notes\n\n" + notes.map { "- \($0)\n" }.joined()
        }
        let untouched = before.indices.count - listed.count
        if untouched > 0 { text += "\n\(untouched) other workload\(untouched == 1 ? " was" : "s were") healthy and \(untouched == 1 ? "is" : "are") unchanged.\n" }

        if let simKube {
            text += "\n## SimKube's prediction beside the embedded simulator's\n\n"
            text += "The fixed trace replayed on SimKube: \(agreement(with: simKube)) of \(after.count) workloads judged alike.\n\n"
            var table = MarkdownTable(["workload", "embedded", "SimKube", "alike"])
            for (index, health) in after.enumerated() where simKube.indices.contains(index) {
                let other = simKube[index]
                let alike = health.isHealthy == other.isHealthy && health.observation.ready == other.observation.ready
                table.add([health.label, Self.summary(health, settings: actions), Self.summary(other, settings: actions), alike ? "yes" : "no"])
            }
            text += table.text
        }
        text += "\n## Applying it\n\n"
        text += simKube == nil ? "Nothing has been written to a cluster. "
            : "Nothing has been written to the workloads' cluster (SimKube ran one Simulation, deleted after it). "
        text += "`patch.yaml` holds one strategic-merge patch per changed workload "
        text += "(for `kubectl patch --type strategic` or a GitOps commit), `kubectl.sh` the commands that apply them, and `fixed-trace.*` "
        text += "the trace with the patches applied; `sa-recommend apply-patch --trace TRACE --patch patch.yaml --out FILE` makes it from the original, "
        text += "and `sa-simulate --trace FILE --out result.json` replays it.\n"
        return text
    }

    /// `10/10 Ready, 0 Pending, 0 OOMKilled`, plus what is still wrong.
    static func summary(_ health: WorkloadHealth, settings: ActionSettings) -> String {
        let seen = health.observation
        var text = "\(seen.ready)/\(seen.target) Ready"
        if seen.pending > 0 { text += ", \(seen.pending) Pending" }
        if seen.oomKilled > 0 { text += ", \(seen.oomKilled) OOMKilled" }
        let waste = [(seen.declaredCPUUsage, "CPU", seen.cpuWaste), (seen.declaredMemoryUsage, "memory", seen.memoryWaste)]
            .filter { $0.0 && seen.running > 0 }.map { "\($0.1) \(RunProgress.fixed($0.2 * 100, digits: 0))%" }
        if !waste.isEmpty { text += "; unused \(waste.joined(separator: ", "))" }
        let problems = health.problems(settings: settings).filter { !$0.hasPrefix("\(seen.pending) of") && !$0.hasSuffix("OOMKilled") }
        if !problems.isEmpty { text += "; " + problems.joined(separator: "; ") }
        return text
    }

    /// `fixed: reduce_cpu_small ×2, scale_up_replicas (3 tried)`.
    static func steps(_ fix: WorkloadFix) -> String {
        var runs: [(String, Int)] = []
        for action in fix.effectiveActions.map(\.action.name) {
            if runs.last?.0 == action { runs[runs.count - 1].1 += 1 } else { runs.append((action, 1)) }
        }
        let list = runs.map { $0.1 > 1 ? "\($0.0) ×\($0.1)" : $0.0 }.joined(separator: ", ")
        return "\(fix.verdict.rawValue)" + (list.isEmpty ? "" : ": \(list)") + " (\(fix.actionsTried) tried)"
    }
}
