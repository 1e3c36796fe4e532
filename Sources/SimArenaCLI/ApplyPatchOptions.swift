import ArgumentParser

/// The flags of `apply-patch`, shared by `sa-recommend apply-patch` and `sa-trace apply-patch`
/// (which hands them to the former).
public struct ApplyPatchOptions: ParsableArguments {
    @Option(help: "The trace to patch (MessagePack or JSON).")
    public var trace: String

    @Option(help: "The patch file (YAML; one document per workload).")
    public var patch: String

    @Option(help: "Where to write the patched trace (.json, or .msgpack/.sktrace).")
    public var out: String

    public init() {}

    /// The flags again, as a command line.
    public var arguments: [String] { ["--trace", trace, "--patch", patch, "--out", out] }
}
