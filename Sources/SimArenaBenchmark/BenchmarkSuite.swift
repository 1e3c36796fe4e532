import SimArenaModel
import SimArenaRL

/// A folder of scenario traces (`demo/suites/<name>/`, docs/scenarios.md): the benchmark runs
/// every agent on each of them. What an episode needs (workload, target, goal, cluster) comes
/// from each trace's `metadata.scenario`.
public struct BenchmarkSuite: Sendable, Hashable {
    /// The folder's last path component.
    public var name: String
    public var directory: String
    /// The traces' file names in the folder, sorted.
    public var scenarios: [String]

    public init(name: String, directory: String, scenarios: [String]) {
        self.name = name
        self.directory = directory
        self.scenarios = scenarios
    }

    /// The suite in `directory`: its `*.msgpack`, `*.sktrace` and `*.json` files.
    public init(directory: String) throws {
        guard FileIO.isDirectory(directory) else { throw SimArenaError(.noInput, "--suite \(directory): no such folder") }
        let trimmed = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        name = trimmed.split(separator: "/").last.map(String.init) ?? trimmed
        self.directory = trimmed
        scenarios = try FileIO.list(trimmed).filter { ["msgpack", "sktrace", "json"].contains($0.split(separator: ".").last ?? "") }.sorted()
        guard !scenarios.isEmpty else { throw SimArenaError(.noInput, "--suite \(directory): no traces (*.msgpack, *.sktrace, *.json)") }
    }

    public func path(of scenario: String) -> String { directory + "/" + scenario }

    public var value: KValue {
        ["name": .string(name), "directory": .string(directory), "scenarios": .array(scenarios.map(KValue.string))]
    }

    public init(reading fields: inout FieldReader) throws {
        self.init(name: try fields.requireString("name"), directory: try fields.requireString("directory"),
                  scenarios: try fields.strings("scenarios") ?? [])
    }
}

/// What a benchmark reads from a scenario trace's `metadata.scenario` block.
public struct SuiteScenario: Sendable, Hashable {
    /// The file name without its extension.
    public var name: String
    /// `failure_mode`: the family the report groups episodes by (`unknown` when absent).
    public var family: String
    public var severity: String?
    /// The workload to fix: `deploy` (default `web`) in `namespace` (default: any).
    public var workload: String
    public var namespace: String?
    /// False when `solvable: false` marks a scenario no action can fix: it is played, but left
    /// out of the solve rates.
    public var solvable: Bool

    public init(fileName: String, trace: Trace) {
        name = fileName.split(separator: ".").dropLast().joined(separator: ".")
        let block = trace.document["metadata"]?["scenario"]
        family = block?["failure_mode"]?.stringValue ?? "unknown"
        severity = block?["severity"]?.stringValue
        workload = block?["deploy"]?.stringValue ?? "web"
        namespace = block?["namespace"]?.stringValue
        solvable = block?["solvable"]?.boolValue ?? true
    }
}
