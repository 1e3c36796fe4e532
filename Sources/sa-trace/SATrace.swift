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
