import ArgumentParser
import SimArenaCLI
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

extension SATrace {
    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a trace between MessagePack and JSON.",
            discussion: """
                The formats come from the file extensions (.json is JSON; .msgpack, .mp and .sktrace \
                are MessagePack) unless --from or --to say. The trace is checked on the way; nothing \
                in it is changed, so converting back gives the original bytes.
                """)

        @Argument(help: "The trace to read.")
        var input: String

        @Argument(help: "Where to write the converted trace ('-' for standard output).")
        var output: String

        @Option(help: "Input format: json or msgpack (default: from the extension, else the content).")
        var from: DataFormat?

        @Option(help: "Output format: json or msgpack (default: from the extension).")
        var to: DataFormat?

        func run() throws {
            let trace = try Trace.load(input, as: from)
            try SATrace.checkJSONCanHold([(input, trace)], writing: to ?? (output == "-" ? .json : DataFormat(path: output)))
            if output == "-" {
                CommandSupport.writeStandardOutput(try (to ?? .json).encode(trace.document))
            } else {
                try trace.write(to: output, as: to)
            }
        }
    }
}

