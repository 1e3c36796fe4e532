import SimArenaBenchmark
import SimArenaKube
import SimArenaModel

/// Reads a sweep file: YAML (JSON is YAML too) by the same rules as a kubeconfig, one document.
enum SweepFile {
    static func read(_ path: String) throws -> BenchmarkSweep {
        guard FileIO.exists(path) else { throw SimArenaError(.noInput, "--sweep \(path): no such file") }
        let documents = try KubeYAML.documents(try FileIO.read(path, limit: 1 << 20), source: path)
        guard documents.count == 1 else { throw SimArenaError(.data, "\(path): expected one YAML document, found \(documents.count)") }
        return try BenchmarkSweep(document: documents[0], source: path)
    }
}
