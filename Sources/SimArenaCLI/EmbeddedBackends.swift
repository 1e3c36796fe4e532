import SimArenaModel
import SimArenaRun

#if canImport(Glibc)
import Glibc
#endif

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

    /// This process's tool name (`sa-simulate`).
    private static var toolName: String {
        CommandLine.arguments.first.flatMap { $0.split(separator: "/").last.map(String.init) } ?? "sa"
    }

    /// Replaces this process with `sa-kube COMMAND ARGUMENTS`, COMMAND this tool's name without
    /// `sa-`; returns only when that fails, with why.
    private static func handOverToKube() -> SimArenaError {
        let command = toolName.hasPrefix("sa-") ? String(toolName.dropFirst(3)) : toolName
        let path = executableFolder() + "/sa-kube"
        let arguments = [path, command] + CommandLine.arguments.dropFirst()
        fflush(nil)
        let pointers = arguments.map { strdup($0) } + [nil]
        execv(path, pointers)
        let reason = FileIO.describe(errno)
        pointers.forEach { free($0) }
        return SimArenaError(.noInput, "\(path): cannot run it for the SimKube backend: \(reason)")
    }

    /// The folder of this process's executable.
    private static func executableFolder() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return "." }
        let path = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    }
}
