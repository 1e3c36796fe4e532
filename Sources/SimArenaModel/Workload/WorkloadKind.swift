/// The kinds of object that make pods, and where each keeps its pod template.
public enum WorkloadKind: String, Sendable, CaseIterable {
    case deployment = "Deployment"
    case replicaSet = "ReplicaSet"
    case statefulSet = "StatefulSet"
    case job = "Job"
    case cronJob = "CronJob"
    case daemonSet = "DaemonSet"
    case pod = "Pod"

    /// The kind for an object's group and kind (`apps`/`Deployment`, `batch`/`Job`, core `Pod`).
    public init?(_ gvk: GroupVersionKind) {
        switch (gvk.group, gvk.kind) {
        case ("apps", "Deployment"): self = .deployment
        case ("apps", "ReplicaSet"): self = .replicaSet
        case ("apps", "StatefulSet"): self = .statefulSet
        case ("apps", "DaemonSet"): self = .daemonSet
        case ("batch", "Job"): self = .job
        case ("batch", "CronJob"): self = .cronJob
        case ("", "Pod"): self = .pod
        default: return nil
        }
    }

    /// Where the pod template is in the object, as the Kubernetes API defines it. A bare Pod is
    /// its own template (metadata and spec at the top level).
    public var templatePointer: JSONPointer {
        switch self {
        case .deployment, .replicaSet, .statefulSet, .job, .daemonSet: return JSONPointer(tokens: ["spec", "template"])
        case .cronJob: return JSONPointer(tokens: ["spec", "jobTemplate", "spec", "template"])
        case .pod: return JSONPointer(tokens: [])
        }
    }

    /// Whether `spec.replicas` applies (it defaults to 1 when absent).
    public var hasReplicas: Bool {
        switch self {
        case .deployment, .replicaSet, .statefulSet: return true
        case .job, .cronJob, .daemonSet, .pod: return false
        }
    }
}
