import ArgumentParser
import SimArenaCLI
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

@main
struct SAObserve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-observe",
        abstract: "Turn a simulation result into the target workload's observation.",
        discussion: """
            The observation format (counts, resources, waste and the feature vector) is in docs/run-directory.md. \
            With --step-dir, reads the step's simulation.json and trace.msgpack (and the previous \
            step's action.json) and writes its observation.json with the run's settings; --deploy, \
            --namespace and --target override them.
            """)

    @OptionGroup var step: StepDirectoryOptions

    @Option(help: "The simulation result (sa-simulate's output).")
    var simulation: String?

    @Option(help: "The trace that was simulated (for replicas and the resources in force).")
    var trace: String?

    @Option(name: .customLong("previous-action"),
            help: "The previous step's action.json, for last_action_blocked (absent at step 1: false).")
    var previousAction: String?

    @OptionGroup var workload: WorkloadOptions

    @Option(help: "The number of ready pods that counts as healthy (default: the trace scenario's target).")
    var target: Int64?

    @Option(help: "Where to write the observation (JSON; '-' for standard output).")
    var out: String?

    static func main() {
        runAsTool()
    }

    func validate() throws {
        if let target, target < 0 || target > 1_000_000 { throw ValidationError("--target must be between 0 and 1000000") }
        try step.refuse(fileFlags: [("--simulation", simulation != nil), ("--trace", trace != nil),
                                    ("--previous-action", previousAction != nil), ("--out", out != nil)])
        if step.stepDirectory == nil {
            for (flag, value) in [("--simulation", simulation), ("--trace", trace), ("--deploy", workload.deploy), ("--out", out)] where value == nil {
                throw ValidationError("\(flag) is required")
            }
        }
    }

    func run() throws {
        if step.stepDirectory != nil {
            return try step.run(.stage(.observe), override: { configuration in
                workload.apply(to: &configuration)
                configuration.target = target ?? configuration.target
            })
        }
        guard let simulation, let trace, let deploy = workload.deploy, let out else { return }
        let result = SimulationDocument(try Document.read(simulation))
        // Each file's errors name that file: the simulation's are found reading its pods, the
        // rest while observing the trace's workload.
        do {
            _ = try result.snapshot()
        } catch let error as SimArenaError where error.kind == .data {
            throw error.prefixed(simulation)
        }
        let previous = try previousAction.map { try Document.decode($0, ActionReport.init(document:)) }
        var environment = Environment(workload: deploy, namespace: workload.namespace)
        environment.target = target
        let observation: Observation
        do {
            observation = try environment.observe(result, trace: try Trace.load(trace), traceName: trace, after: previous)
        } catch let error as SimArenaError where error.kind == .data && !error.message.hasPrefix(trace) {
            throw error.prefixed(trace)
        }
        if out == "-" {
            CommandSupport.writeStandardOutput(try JSONWriter.encode(observation.value, pretty: true))
        } else {
            try Document.write(observation.value, to: out)
        }
    }
}
