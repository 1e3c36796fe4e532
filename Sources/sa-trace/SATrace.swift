import ArgumentParser
import SimArenaCLI
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

@main
struct SATrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-trace",
        abstract: "Read, convert, inspect, validate, merge and patch SimKube traces.",
        discussion: """
            Traces are SimKube format version 2, as MessagePack (.msgpack, .sktrace) or JSON (.json); \
            the original Sim-Arena's simplified traces are read too. Exit status: 0 ok, 1 validation \
            errors, 64 bad usage, 65 bad data, 66 unreadable input, 73 cannot write output.
            """,
        subcommands: [Convert.self, Inspect.self, Validate.self, Generate.self, Merge.self, ApplyPatch.self])

    static func main() {
        runAsTool()
    }
}

extension SATrace {
    /// Before a trace is written as JSON: refuses, naming the input file and the place, a NaN or
    /// infinity read from one of `inputs` (MessagePack holds them; JSON cannot), so the message
    /// blames the file that has it rather than the output.
    static func checkJSONCanHold(_ inputs: [(path: String, trace: Trace)], writing format: DataFormat?) throws {
        guard format == .json else { return }
        for input in inputs {
            if input.trace.document.firstNonFiniteNumber != nil {
                throw JSONWriter.nonFiniteError(in: input.trace.document).prefixed(input.path)
            }
        }
    }
}
