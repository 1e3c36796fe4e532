import SimArenaModel

extension SimulationEvent {
    /// An event's message, as the parts the kubelet's and the controllers' wording fills in:
    /// the events that every simulation records many times have their own case, the rarer ones
    /// carry their message written out.
    enum Text: Sendable, CustomStringConvertible {
        /// The message as it is.
        case written(String)
        /// The Deployment controller resized one of its ReplicaSets.
        case scaledReplicaSet(up: Bool, replicaSet: String, replicas: Int)
        /// A controller created a pod (`Created pod: name`).
        case createdPod(String)
        /// A controller deleted a pod.
        case deletedPod(String)
        /// A CronJob created a Job.
        case createdJob(String)
        /// The scheduler bound a pod to a node.
        case assigned(namespace: String, pod: String, node: String)
        /// The scheduler evicted a pod for a higher-priority one.
        case preempted(byNamespace: String, pod: String, node: String)
        /// The kubelet started the pod's containers.
        case started(containers: [ContainerModel])
        /// The kernel killed a container over its memory limit.
        case oomKilled(container: String, usedBytes: Int64, limitBytes: Int64)
        /// The kubelet waits before restarting a failed container.
        case backOff(container: String, pod: String)

        var description: String {
            switch self {
            case .written(let message): message
            case .scaledReplicaSet(let up, let replicaSet, let replicas): "Scaled \(up ? "up" : "down") replica set \(replicaSet) to \(replicas)"
            case .createdPod(let name): "Created pod: \(name)"
            case .deletedPod(let name): "Deleted pod: \(name)"
            case .createdJob(let name): "Created job \(name)"
            case .assigned(let namespace, let pod, let node): "Successfully assigned \(namespace)/\(pod) to \(node)"
            case .preempted(let namespace, let pod, let node): "Preempted by pod \(namespace)/\(pod) on node \(node)"
            case .started(let containers): "Started container \(containers.map(\.name).joined(separator: ", "))"
            case .oomKilled(let container, let used, let limit):
                "Container \(container) used \(Quantity.bytes(used)) of memory, over its \(Quantity.bytes(limit)) limit; killed (exit code 137)"
            case .backOff(let container, let pod): "Back-off restarting failed container \(container) in pod \(pod)"
            }
        }
    }
}
