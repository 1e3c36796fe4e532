import SimArenaModel
import SimArenaRun

/// The backends of a tool that does not link the Kubernetes module (sa-simulate, sa-preflight):
/// the embedded simulator itself, and for SimKube the same command handed to `sa-kube` beside
/// it (`sa-simulate ARGS` becomes `sa-kube simulate ARGS`), so the per-step tools start without
/// libcurl and Foundation.
public enum EmbeddedBackends: ClusterBackendMaker {
    public static let commandPrefix = "sa-"

    public static func make(_ setting: BackendSetting, cluster: String?, durationSeconds: Double) -> Result<any ClusterBackend, any Error> {
        if setting.kind == .simkube { return .failure(handOverToKube()) }
        return Result { try EmbeddedCluster(clusterPath: cluster, durationSeconds: durationSeconds) }
    }

    public static func cleanup(_ setting: BackendSetting, run: String?) throws -> [String] {
        throw handOverToKube()
    }

    /// Replaces this process with `sa-kube COMMAND ARGUMENTS`, COMMAND this tool's name without
    /// `sa-`; returns only when that fails, with why.
    private static func handOverToKube() -> SimArenaError {
        let tool = ToolHandOver.toolName
        let command = tool.hasPrefix("sa-") ? String(tool.dropFirst(3)) : tool
        return ToolHandOver.replaceProcess(with: "sa-kube", arguments: [command] + CommandLine.arguments.dropFirst())
    }
}
