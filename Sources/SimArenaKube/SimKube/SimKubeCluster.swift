import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

/// A cluster with SimKube as an ``Environment``'s backend (docs/simkube-backend.md): each step's
/// trace runs as a Simulation named after its run, episode and step, for the step's duration
/// of wall time (divided by SimKube's speed), and the pods of the trace's namespaces are read
/// back. The cluster is reached only when a step simulates or preflight checks it.
public struct SimKubeCluster: ClusterBackend {
    public var connection: KubeConfigOptions
    public var settings: SimKubeSettings
    public var durationSeconds: Double

    /// Reads the SimKube settings file the backend setting names (the defaults when none).
    public init(setting: BackendSetting, durationSeconds: Double) throws {
        connection = KubeConfigOptions(kubeconfig: setting.kubeconfig, context: setting.context)
        settings = try setting.simKubeConfig.map(SimKubeSettings.load) ?? SimKubeSettings()
        self.durationSeconds = durationSeconds
    }

    public func simulate(_ trace: Trace, seed: UInt64, step: StepIdentity) throws -> any SimulationOutcome {
        var namespaces: [String] = []
        for workload in try trace.workloads() where !namespaces.contains(workload.namespace) {
            namespaces.append(workload.namespace)
        }
        let runner = SimKubeRunner(client: try KubeClient(options: connection), settings: settings)
        let run = step.run.isEmpty ? "manual" : step.run
        return try runner.run(trace: trace.document, namespaces: namespaces, name: SimKubeSimulation.name(run: run, episode: step.episode, step: step.step),
                              run: run, duration: durationSeconds)
    }

    public func addPreflightChecks(to verdict: inout PreflightVerdict, trace: Trace?, traceName: String, namespaces: [String]) {
        let connection = connection
        verdict.addSimKubeChecks(client: { try PreflightVerdict.simKubeClient(connection) }, settings: settings, namespaces: namespaces)
    }
}

extension SimKubeResult: SimulationOutcome {
    public func snapshot() -> Observation.Snapshot { Observation.Snapshot(pods: pods, largestNode: nil) }
    public var document: KValue { value }
}
