import SimArenaModel

/// A controller's state in the simulator: one per workload object in the trace, plus the
/// ReplicaSets that Deployments make and the Jobs that CronJobs make.
struct WorkloadRuntime {
    var kind: WorkloadKind
    var namespace: String
    var name: String
    /// The pod blueprint in force (index into the simulator's blueprints).
    var blueprint: Int
    /// Hash of the pod template, to notice template changes.
    var templateHash: UInt32
    /// Desired pods: replicas, or a Job's parallelism.
    var replicas: Int
    var deleted = false
    /// The pods it created, oldest first (indices into the simulator's pods).
    var pods: [Int] = []
    /// How many of `pods` are live (not deleted, not finished), and how many of those are Ready;
    /// kept by `ClusterSimulator.setReady` and `endLife`, so controllers need not scan `pods`.
    var liveCount = 0
    var readyCount = 0
    /// How long each successive pod runs, from the trace's pod lifecycles (nil: until the end).
    var lifecycleDurations: [Int64?] = []
    var nextLifecycle = 0
    /// Deployment: its ReplicaSets, oldest first. ReplicaSet and Job: the owning Deployment or
    /// CronJob.
    var children: [Int] = []
    var parent: Int?
    /// StatefulSet: create pods one at a time, each after the previous is Ready.
    var orderedReady = true
    /// Job: completions wanted (nil: a work queue, done when one pod succeeds), pods succeeded
    /// and failed, retries allowed, whether finished.
    var completions: Int? = 1
    var succeeded = 0
    var failed = 0
    var backoffLimit = 6
    var finished = false
    /// CronJob: the schedule, whether suspended, and what to do while one of its Jobs still runs.
    var schedule: CronSchedule?
    var suspended = false
    var concurrencyPolicy = ConcurrencyPolicy.allow
    /// Why the API server last refused one of its pods (a FailedCreate event is recorded once per
    /// distinct reason).
    var createFailure: String?

    /// A CronJob's `concurrencyPolicy`: while a Job of it still runs, start another anyway, skip
    /// the run, or delete the running Job and start the new one.
    enum ConcurrencyPolicy: String {
        case allow = "Allow"
        case forbid = "Forbid"
        case replace = "Replace"
    }
    /// The object as last applied (CronJobs make Jobs from it).
    var object: KValue = .null

    init(kind: WorkloadKind, namespace: String, name: String, blueprint: Int, templateHash: UInt32, replicas: Int) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.blueprint = blueprint
        self.templateHash = templateHash
        self.replicas = replicas
    }
}
