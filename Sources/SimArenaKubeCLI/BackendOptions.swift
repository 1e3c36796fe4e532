import ArgumentParser
import SimArenaCore
import SimArenaKube

extension SimulationBackend: ExpressibleByArgument {}

/// The simulation backend and, for SimKube, the cluster connection and settings, as flags
/// shared by the tools that talk to a cluster (`sa-preflight`, `sa-simulate`).
public struct BackendOptions: ParsableArguments {
    @Option(help: "Where the simulation runs: embedded (the built-in simulator) or simkube (a cluster with SimKube).")
    public var backend: SimulationBackend = .embedded

    @Option(help: "simkube: the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).")
    var kubeconfig: String?

    @Option(help: "simkube: the kubeconfig context (default: its current-context).")
    var context: String?

    @Option(name: .customLong("simkube-config"), help: "simkube: the settings file (JSON; docs/simkube-backend.md).")
    var simKubeConfig: String?

    public init() {}

    public func validate() throws {
        if backend == .embedded && (kubeconfig != nil || context != nil || simKubeConfig != nil) {
            throw ValidationError("--kubeconfig, --context and --simkube-config go with --backend simkube")
        }
    }

    /// Refuses a cluster spec (`--cluster`) with the SimKube backend, which runs on a real cluster.
    public func validate(clusterSpec: String?) throws {
        if backend == .simkube && clusterSpec != nil {
            throw ValidationError("--cluster describes the embedded simulator's cluster; SimKube runs on the real one")
        }
    }

    /// How to find the cluster, as kubectl would.
    public var kubeConfigOptions: KubeConfigOptions {
        KubeConfigOptions(kubeconfig: kubeconfig, context: context)
    }

    /// The SimKube settings: the file's, or the defaults.
    public func settings() throws -> SimKubeSettings {
        try simKubeConfig.map(SimKubeSettings.load) ?? SimKubeSettings()
    }
}
