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

        @OptionGroup var options: ApplyPatchOptions

        func run() throws {
            throw ToolHandOver.replaceProcess(with: "sa-recommend", arguments: ["apply-patch"] + options.arguments)
        }
    }
}
