import ArgumentParser
import SimArenaCLI
import SimArenaKube
import SimArenaModel
import SimArenaRecommend

/// `sa-recommend apply-patch` (also `sa-trace apply-patch`): a patch file applied to a trace.
struct ApplyPatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply-patch",
        abstract: "Apply a file of strategic-merge patches (patch.yaml) to a trace, so that before and after can be replayed.",
        discussion: """
            Each YAML document names a workload by apiVersion, kind, metadata.name and metadata.namespace \
            (default: default) and is merged into every object the trace applies for it: maps merge, null \
            deletes, containers (and the pod spec's other named lists) merge by name, other lists are \
            replaced. Everything else in the trace stays byte for byte. A patch for a workload the trace \
            never applies is an error (exit 65). The output's format follows its extension (.json, or \
            .msgpack/.sktrace).
            """)

    @OptionGroup var options: ApplyPatchOptions

    func run() throws {
        var loaded = try Trace.load(options.trace)
        let patches = try KubeYAML.documents(try FileIO.read(options.patch), source: options.patch)
        try loaded.apply(patches: patches, source: options.patch)
        try loaded.write(to: options.out)
        print("\(options.out): \(patches.count) patch\(patches.count == 1 ? "" : "es") applied to \(options.trace)")
    }
}
