import ArgumentParser
import SimArenaCLI
import SimArenaModel
import SimArenaRL
import SimArenaSimulation

extension SATrace {
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put several traces together as one cluster's trace.",
            discussion: """
                The events of all traces in time order (equal times in the order given), their tracked \
                kinds, index entries and pod lifecycles together. Scenario metadata (target, goal, fix) \
                belongs to one workload and is left out; the cluster is --cluster's, else the one every \
                input declares (metadata.scenario.cluster), else none (the built-in demo cluster). \
                Refused (exit 65): the same object in two traces, one kind tracked two ways, inputs \
                that declare different clusters without --cluster.
                """)

        @Argument(help: "The traces to merge (MessagePack or JSON).")
        var traces: [String]

        @Option(help: "Where to write the merged trace (.json, or .msgpack/.sktrace).")
        var out: String

        @Option(help: "A cluster spec (JSON, docs/cluster-spec.md) for the merged trace to declare.")
        var cluster: String?

        func validate() throws {
            guard !traces.isEmpty else { throw ValidationError("give at least one trace to merge") }
        }

        func run() throws {
            let loaded = try traces.map { try Trace.load($0) }
            var merged = try Trace.merging(loaded, names: traces)
            let declaration: KValue?
            if let cluster {
                let value = try Document.read(cluster, as: .json)
                do {
                    _ = try DeclaredCluster.spec(value)
                } catch let error as SimArenaError {
                    throw SimArenaError(error.kind, "\(cluster): \(error.message)")
                }
                declaration = value
            } else {
                let declared = loaded.map(DeclaredCluster.declaration)
                if let first = declared.first, declared.allSatisfy({ $0 == first }) {
                    declaration = first
                } else {
                    throw SimArenaError(.data, "the traces declare different clusters (\(DeclaredCluster.field)); give --cluster FILE")
                }
            }
            if let declaration { merged = try merged.declaring(cluster: declaration) }
            try SATrace.checkJSONCanHold(Array(zip(traces, loaded)), writing: DataFormat(path: out))
            try merged.write(to: out)
            print("\(out): \(traces.count) traces, \(merged.events.count) events, \(try merged.workloads().count) workloads")
        }
    }
}
