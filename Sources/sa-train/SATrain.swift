import ArgumentParser
import SimArenaCLI
import SimArenaKube
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

#if canImport(Glibc)
import Glibc
#endif

@main
struct SATrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-train",
        abstract: "Run a run directory's remaining steps in one process (bin/train.sh --fast).",
        discussion: """
            Continues a run created by 'sa-run new' (or resumed), with the run's settings (run.json): \
            the same step function as bin/step.sh's stages gives the same step.jsonl, summary.json and \
            checkpoints. Step directories are written only with the run's keep_steps (--keep-steps); \
            otherwise preflight runs once per original trace. Hooks and both backends work. Takes the \
            run's lock for this process. SIGINT/SIGTERM finish the current step, then exit 130/143.
            """)

    @Option(name: .customLong("run-dir"), help: "The run directory (from 'sa-run new').")
    var runDirectory: String

    static func main() {
        runAsTool()
    }

    func run() throws {
        InterruptSignals.install()
        let backend = KubeBackends.make(for: try RunDirectory.configuration(of: runDirectory))
        let status: Int32
        do {
            status = try Trainer.run(directory: runDirectory, backend: backend, pid: getpid(), output: { line in
                print(line)
                fflush(nil)
            }, interrupted: { InterruptSignals.received().map { 128 + $0 } ?? 0 })
        } catch let interrupted as SimKubeInterrupted {
            printError("sa-train: interrupted by signal \(interrupted.signal); deleted simulation \(interrupted.simulation)")
            throw ExitCode(128 + interrupted.signal)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
