import SimArenaModel
import SimArenaRun

/// Both backends: the embedded simulator and a cluster with SimKube (the tools that link this
/// module: sa-kube and sa-train).
public enum KubeBackends: ClusterBackendMaker {
    public static let commandPrefix = ""

    public static func make(_ setting: BackendSetting, cluster: String?, durationSeconds: Double) -> Result<any ClusterBackend, any Error> {
        Result {
            switch setting.kind {
            case .embedded: return try EmbeddedCluster(clusterPath: cluster, durationSeconds: durationSeconds)
            case .simkube: return try SimKubeCluster(setting: setting, durationSeconds: durationSeconds)
            }
        }
    }

    public static func cleanup(_ setting: BackendSetting, run: String?) throws -> [String] {
        let connection = KubeConfigOptions(kubeconfig: setting.kubeconfig, context: setting.context)
        return try SimKubeRunner.cleanup(client: try KubeClient(options: connection), run: run)
    }
}
