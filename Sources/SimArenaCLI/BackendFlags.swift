import ArgumentParser
import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

extension SimulationBackend: ExpressibleByArgument {}

/// The simulation backend and, for SimKube, how to reach the cluster, as flags.
public struct BackendFlags: ParsableArguments {
    @Option(help: "Where the simulation runs: embedded (the built-in simulator) or simkube (a cluster with SimKube).")
    public var backend: SimulationBackend?

    @Option(help: "simkube: the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).")
    public var kubeconfig: String?

    @Option(help: "simkube: the kubeconfig context (default: its current-context).")
    public var context: String?

    @Option(name: .customLong("simkube-config"), help: "simkube: the settings file (JSON; docs/simkube-backend.md).")
    public var simKubeConfig: String?

    public init() {}

    /// `base` with the flags given applied.
    public func applied(to base: BackendSetting) -> BackendSetting {
        var setting = base
        setting.kind = backend ?? base.kind
        setting.kubeconfig = kubeconfig ?? base.kubeconfig
        setting.context = context ?? base.context
        setting.simKubeConfig = simKubeConfig ?? base.simKubeConfig
        return setting
    }
}
