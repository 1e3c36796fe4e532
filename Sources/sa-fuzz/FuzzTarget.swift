import SimArenaGym
import SimArenaKube
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

#if canImport(Glibc)
import Glibc
#endif

/// One reader of outside data, fed arbitrary bytes. A reader may refuse its input (it throws);
/// it must never trap, hang or allocate without bound, which is what fuzzing looks for.
struct FuzzTarget: Sendable {
    var name: String
    var summary: String
    var run: @Sendable ([UInt8]) throws -> Void

    /// Every target, by name.
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "msgpack", summary: "MessagePack values (MessagePackReader)") { bytes in
            _ = try MessagePackReader.decode(bytes)
        },
        FuzzTarget(name: "json", summary: "JSON values (JSONReader)") { bytes in
            _ = try JSONReader.parse(bytes)
        },
        FuzzTarget(name: "trace", summary: "traces, MessagePack or JSON, and their workloads (Trace)") { bytes in
            let trace = try Trace(document: try DataFormat.sniff(bytes).decode(bytes))
            _ = try trace.workloads()
            _ = try TraceSummary(trace)
        },
        FuzzTarget(name: "quantity", summary: "resource quantities (Quantity)") { bytes in
            _ = try Quantity(parsing: String(decoding: bytes, as: UTF8.self))
        },
        FuzzTarget(name: "cluster-spec", summary: "cluster specs (ClusterSpec)") { bytes in
            _ = try ClusterSpec(try JSONReader.parse(bytes))
        },
        FuzzTarget(name: "yaml", summary: "kubeconfig YAML (KubeYAML, KubeConfig)") { bytes in
            for document in try KubeYAML.documents(bytes, source: "fuzz") { _ = try KubeConfig(parsing: document, path: "fuzz") }
        },
        FuzzTarget(name: "safetensors", summary: "checkpoints: safetensors, DQN and replay (SafeTensors, DQNAgent)") { bytes in
            _ = try SafeTensors(bytes: bytes)
            _ = try DQNAgent(checkpoint: bytes)
            _ = try ReplayBuffer.transitions(checkpoint: bytes)
        },
        FuzzTarget(name: "journal", summary: "the replay journal, replay.bin (ReplayJournal)") { bytes in
            let path = scratchFile(bytes)
            defer { unlink(path) }
            _ = try ReplayBuffer.fromJournal(path, capacity: 64, total: 8)
        },
        FuzzTarget(name: "run-files", summary: "run-directory files: run.json, observation.json, step.jsonl lines, agents") { bytes in
            let document = try JSONReader.parse(bytes)
            _ = try? RunConfiguration(document: document)
            _ = try? Observation(document: document)
            _ = try? RecordedStep(line: document)
            _ = try? TabularQAgent(document: document)
            _ = try? ActionReport(document: document)
        },
        FuzzTarget(name: "sa-env", summary: "sa-env protocol request frames (GymServer)") { bytes in
            _ = GymServer(threads: 1).reply(to: bytes)
        },
    ]

    /// A file holding `bytes`, for readers that take a path.
    private static func scratchFile(_ bytes: [UInt8]) -> String {
        let path = "/tmp/sa-fuzz-\(getpid()).bin"
        try? FileIO.writeAtomically(bytes, to: path)
        return path
    }
}
