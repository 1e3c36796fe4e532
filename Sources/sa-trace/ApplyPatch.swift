import ArgumentParser
import SimArenaCLI
import SimArenaModel

extension SATrace {
    /// Runs `sa-recommend apply-patch`, which links the YAML reader this tool goes without.
    struct ApplyPatch: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply-patch",
            abstract: "Apply a file of strategic-merge patches (sa-recommend's patch.yaml) to a trace.",
            discussion: "Runs sa-recommend apply-patch with the same flags; see its --help for the merge rules.")

        @Option(help: "The trace to patch (MessagePack or JSON).")
        var trace: String

        @Option(help: "The patch file (YAML; one document per workload).")
        var patch: String

        @Option(help: "Where to write the patched trace.")
        var out: String

        func run() throws {
            throw ToolHandOver.replaceProcess(with: "sa-recommend",
                                              arguments: ["apply-patch", "--trace", trace, "--patch", patch, "--out", out])
        }
    }
}
