import ArgumentParser
import SimArenaCLI
import SimArenaKube

/// `sa-kube`: the stages that talk to a cluster with SimKube. `sa-simulate` and `sa-preflight`
/// hand themselves over to it for `--backend simkube`, so that only it (and `sa-train`) links
/// the Kubernetes client, libcurl and Foundation.
@main
struct SAKube: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-kube",
        abstract: "The SimKube backend's stages: sa-simulate and sa-preflight with --backend simkube run as these.",
        discussion: "Each subcommand takes its stage's flags (see sa-simulate --help, sa-preflight --help).",
        subcommands: [SimulateCommand<KubeBackends>.self, PreflightCommand<KubeBackends>.self])

    static func main() {
        runAsTool()
    }
}
