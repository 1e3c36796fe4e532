import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// Containers of the traced pods that fail in ways the simulator does not model: waiting for any
/// reason but starting up (`ContainerCreating`, `PodInitializing`), such as `ImagePullBackOff`,
/// `CreateContainerConfigError`, or a `CrashLoopBackOff` that no OOM kill explains (an OOM kill
/// is reproduced through the usage annotation, ``ObservedUsage``). Their simulated copies start
/// normally, so each gets a warning.
enum UnmodelledFailures {
    static let startingUp: Set = ["ContainerCreating", "PodInitializing"]

    /// One warning per failing container, in the order of `pods`.
    static func warnings(for pods: [KValue]) -> [String] {
        pods.flatMap { pod -> [String] in
            let name = pod["metadata"]?["name"]?.stringValue ?? ""
            let statuses = ["initContainerStatuses", "containerStatuses"].flatMap { pod["status"]?[$0]?.arrayValue ?? [] }
            return statuses.compactMap { status in
                guard let reason = status["state"]?["waiting"]?["reason"]?.stringValue, !startingUp.contains(reason) else { return nil }
                let afterOOM = status["lastState"]?["terminated"]?["reason"]?.stringValue == "OOMKilled"
                guard !(reason == "CrashLoopBackOff" && afterOOM) else { return nil }
                let container = status["name"]?.stringValue ?? ""
                return "pod \(name): container \(container) is in \(reason), which the simulator does not model; its simulated copy starts normally"
            }
        }
    }
}
