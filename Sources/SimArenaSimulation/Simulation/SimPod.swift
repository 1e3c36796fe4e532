import SimArenaModel

/// A pod's phase (`status.phase`).
public enum PodPhase: String, Sendable, Hashable {
    case pending = "Pending"
    case running = "Running"
    case succeeded = "Succeeded"
    case failed = "Failed"
}

/// The state of a pod's containers, as `containerStatuses[].state` shows it.
public enum ContainerState: Sendable, Hashable {
    case waiting(reason: String)
    case running(since: Int64)
    case terminated(reason: String, exitCode: Int32, at: Int64)
}

/// One simulated pod and everything that happened to it. Times are simulated milliseconds.
struct SimPod {
    var name: String
    var namespace: String
    /// The object that owns the pod directly (ReplicaSet, StatefulSet, Job, DaemonSet), or the
    /// pod itself for a bare Pod.
    var ownerKind: String
    var ownerName: String
    /// The workload (in the simulator's list) that controls the pod.
    var workload: Int
    var blueprint: Int
    var requirements: PodSchedulingRequirements
    /// The node a DaemonSet pod is pinned to.
    var pinnedNode: Int? = nil
    var createdAt: Int64
    var node: Int?
    var scheduledAt: Int64?
    var phase: PodPhase = .pending
    var ready = false
    var readyAt: Int64?
    var startedAt: Int64?
    /// When the containers' first run ended (an OOM kill, completion or eviction), if it did:
    /// the pod's usage samples cover the first run.
    var firstRunEnd: Int64?
    var containerState: ContainerState = .waiting(reason: "ContainerCreating")
    var lastTermination: ContainerState?
    var restartCount = 0
    var backOff: Int64 = 0
    /// Why the pod is not healthy: Unschedulable, OOMKilled, CrashLoopBackOff, Evicted,
    /// ReadinessProbeFailed, Completed, ...
    var reason: String?
    var message: String?
    /// How long the pod runs before it completes (from the trace's pod lifecycles), if known.
    var runDuration: Int64?
    /// Whether the controller deleted it (it no longer exists).
    var deleted = false
    /// Bumped on every restart or termination, so that timers set before are ignored.
    var incarnation = 0
    /// Whether it has left its node's books (finished, failed, evicted or deleted).
    var released = false
    /// Whether its containers currently consume node resources.
    var consuming = false

    /// Live pods count toward their controller's replicas: not deleted, not finished.
    var isLive: Bool { !deleted && phase != .succeeded && phase != .failed }
}
