import ArgumentParser
import SimArenaCLI

/// `sa-recommend`: a cluster's trace (or a live namespace, read-only) → the patches that fix
/// its workloads, checked in the simulator on the whole trace. `bin/recommend.sh` runs `fix`.
@main
struct SARecommend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-recommend",
        abstract: "Find the workloads of a trace that are unhealthy or wasteful and the patches that fix them, checked on the whole trace.",
        discussion: "The output folder's files are described in docs/recommend.md. Nothing is ever written to a cluster.",
        subcommands: [FixCommand.self, ApplyPatchCommand.self],
        defaultSubcommand: FixCommand.self)

    static func main() {
        runAsTool()
    }
}
