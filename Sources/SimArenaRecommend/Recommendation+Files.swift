import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

extension Recommendation {
    /// `patch.yaml`: a comment naming the trace, then one YAML document per patch.
    public func patchFile() throws -> String {
        let patches = try patches()
        var text = "# sa-recommend: \(patches.count) strategic-merge patch\(patches.count == 1 ? "" : "es") for \(traceName).\n"
        text += "# Apply with kubectl.sh, or kubectl patch --type strategic, or commit to your manifests.\n"
        return text + (try YAMLWriter.encode(documents: patches.map(\.document)))
    }

    /// `kubectl.sh`: the patches as `kubectl patch` commands; `KUBECTL` names the program and
    /// `KUBECTL_FLAGS` adds flags (`--dry-run=server`).
    public func kubectlScript() throws -> String {
        var script = "#!/bin/sh\n# sa-recommend: the patches of patch.yaml as kubectl commands, for \(traceName).\n"
        script += "# Nothing has been applied. Review report.md first; try with KUBECTL_FLAGS=--dry-run=server.\nset -eu\n"
        for patch in try patches() { script += "${KUBECTL:-kubectl} ${KUBECTL_FLAGS:-} \(patch.kubectlArguments)\n" }
        return script
    }
}
