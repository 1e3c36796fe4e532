import SimArenaModel

#if canImport(Glibc)
import Glibc
#endif

/// Hands a command to another tool installed beside this one, replacing this process, so that a
/// light tool can offer a command whose code lives in a heavier one (`sa-simulate --backend
/// simkube` runs as `sa-kube simulate`, `sa-trace apply-patch` as `sa-recommend apply-patch`).
public enum ToolHandOver {
    /// Replaces this process with `tool ARGUMENTS` from this executable's folder; returns only
    /// when that fails, with why.
    public static func replaceProcess(with tool: String, arguments: [String]) -> SimArenaError {
        let path = executableFolder() + "/" + tool
        let all = [path] + arguments
        fflush(nil)
        let pointers = all.map { strdup($0) } + [nil]
        execv(path, pointers)
        let reason = FileIO.describe(errno)
        pointers.forEach { free($0) }
        return SimArenaError(.noInput, "\(path): cannot run it: \(reason)")
    }

    /// This process's tool name (`sa-simulate`).
    public static var toolName: String {
        CommandLine.arguments.first.flatMap { $0.split(separator: "/").last.map(String.init) } ?? "sa"
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
