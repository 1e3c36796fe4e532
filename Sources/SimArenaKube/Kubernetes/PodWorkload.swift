import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// The top-level workload a Pod object belongs to, from its controller owner reference. A
/// ReplicaSet owner stands for its Deployment: the Deployment controller names ReplicaSets
/// `<deployment>-<pod-template-hash>` and labels their pods with that hash. A pod without an
/// owner is its own workload (kind `Pod`).
enum PodWorkload {
    static func of(_ metadata: KMap) -> (kind: String, name: String) {
        let owners = metadata["ownerReferences"]?.arrayValue ?? []
        guard let owner = owners.first(where: { $0["controller"]?.boolValue == true }) ?? owners.first,
              let kind = owner["kind"]?.stringValue, let name = owner["name"]?.stringValue else {
            return ("Pod", metadata["name"]?.stringValue ?? "")
        }
        if kind == "ReplicaSet", let hash = metadata["labels"]?["pod-template-hash"]?.stringValue, name.hasSuffix("-" + hash) {
            return ("Deployment", String(name.dropLast(hash.count + 1)))
        }
        return (kind, name)
    }
}
