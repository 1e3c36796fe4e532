import SimArenaModel
import SimArenaSimulation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writing scenario traces into a folder, as `<name>.msgpack`.
public enum ScenarioFiles {
    /// The largest `--count` accepted.
    public static let maxCount = 100_000

    /// Writes each scenario's trace as `directory/<name>.msgpack` (atomically, replacing an
    /// existing file), creating the folder and its parents if needed. Returns the paths written.
    @discardableResult
    public static func write(_ scenarios: [Scenario], to directory: String) throws -> [String] {
        try createDirectory(directory)
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        return try scenarios.map { scenario in
            let path = "\(base.isEmpty ? "" : base)/\(scenario.name).msgpack"
            try FileIO.writeAtomically(MessagePackWriter.encode(ScenarioTraceBuilder.document(for: scenario)), to: path)
            return path
        }
    }

    /// Creates `path` and any missing parents (`mkdir -p`); fine if it is already a folder.
    public static func createDirectory(_ path: String) throws {
        guard !path.isEmpty else { throw SimArenaError(.usage, "the output folder name is empty") }
        if FileIO.isDirectory(path) { return }
        if FileIO.exists(path) {
            throw SimArenaError(.cannotCreate, "\(path): exists and is not a folder")
        }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if !FileIO.isDirectory(prefix), mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw SimArenaError(.cannotCreate, "\(path): cannot create folder \(prefix): \(FileIO.describe(errno))")
            }
            if !FileIO.isDirectory(prefix) {
                throw SimArenaError(.cannotCreate, "\(path): \(prefix) exists and is not a folder")
            }
            prefix += "/"
        }
    }
}
