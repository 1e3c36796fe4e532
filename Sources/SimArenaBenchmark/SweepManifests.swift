import SimArenaModel
import SimArenaRun

/// A plan as Kubernetes objects (docs/scale-out.md): a ConfigMap holding `plan.json` (and
/// SimKube's settings), the results' PersistentVolumeClaim unless an existing one is named, and
/// an Indexed Job whose index `k` runs lane `k` (`jobs/lane.sh`, the image's entry point) into
/// one report folder on the claim. The lane that completes the sweep makes the report.
public struct SweepManifests {
    /// Where the pods mount things.
    public static let sweepMount = "/etc/sim-arena/sweep"
    public static let kubeconfigMount = "/etc/sim-arena/kubeconfig"
    public static let resultsMount = "/results"
    /// The image's project folder, where the plan's relative paths lead (jobs/Dockerfile).
    public static let workingDirectory = "/opt/sim-arena"
    /// The image's non-root user (jobs/Dockerfile).
    public static let user: Int64 = 10001
    /// Exit statuses that retrying cannot mend: bad flags, bad data, missing input (sysexits
    /// 64, 65, 66). 73 is not one: a full or unwritable volume may be mended while the Job runs.
    public static let permanentFailures: [Int64] = [64, 65, 66]
    /// The most indexes an Indexed Job may have with per-index retries and no `maxFailedIndexes`
    /// (the batch/v1 API's limit), and the most pods it may run at once.
    public static let maxIndexes = 100_000
    /// The most bytes of a ConfigMap that `kubectl apply` (client-side) can keep a copy of in its
    /// 256 KiB `last-applied-configuration` annotation, and a ConfigMap's own limit.
    public static let clientSideApplyLimit = 256 * 1024 - 4096
    public static let configMapLimit = 1 << 20

    /// Names the objects (`<name>`, `<name>-sweep`, `<name>-results`) and the report folder.
    public var name: String
    public var image: String
    public var namespace: String?
    /// Pods at once; nil: every lane, at most ``defaultParallelism``.
    public var parallelism: Int?
    /// Retries of a failed index (`backoffLimitPerIndex`).
    public var retriesPerIndex = 2
    /// Failed indexes after which the Job stops (`maxFailedIndexes`); nil: it runs every index.
    public var maxFailedIndexes: Int?
    /// Seconds after the Job finishes that Kubernetes deletes it (`ttlSecondsAfterFinished`); nil: kept.
    public var ttlSeconds: Int?
    /// Each pod's requests; memory is also its limit.
    public var cpu = "1"
    public var memory = "512Mi"
    /// An existing claim for the results; nil: one is made with `storage` and `storageClass`.
    public var claim: String?
    public var storage = "10Gi"
    public var storageClass: String?
    /// The Secret with the SimKube clusters' kubeconfig (key `config`).
    public var kubeconfigSecret: String?
    /// The content of SimKube's settings file, when the plan names one.
    public var simKubeSettings: [UInt8]?

    public init(name: String, image: String) throws {
        guard name.count <= 50, Self.isDNSLabel(name) else {
            throw SimArenaError(.usage, "--name \(name): lower-case letters, digits and '-', starting with a letter, at most 50 characters")
        }
        guard !image.isEmpty, !image.contains(where: \.isWhitespace) else { throw SimArenaError(.usage, "--image \(image): not an image reference") }
        self.name = name
        self.image = image
    }

    /// Pods at once when not told: enough to keep a sizeable cluster busy without flooding a small one.
    public static let defaultParallelism = 100

    /// Whether `text` is a DNS-1123 subdomain, as object names must be (a claim's, a Secret's).
    static func isDNSSubdomain(_ text: String) -> Bool {
        text.count <= 253 && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.first, let last = label.last else { return false }
            return (first.isLowercase || first.isNumber) && (last.isLowercase || last.isNumber)
                && label.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
        }
    }

    static func isDNSLabel(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last, first.isLetter, last.isLetter || last.isNumber else { return false }
        return text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }

    /// The plan as the pods read it: SimKube's kubeconfig and settings at their mounts.
    public func podPlan(_ plan: BenchmarkPlan) throws -> BenchmarkPlan {
        var plan = plan
        guard plan.backend.kind == .simkube else { return plan }
        guard let kubeconfigSecret, !kubeconfigSecret.isEmpty else {
            throw SimArenaError(.usage, "the sweep runs on SimKube: name the Secret holding its kubeconfig with --kubeconfig-secret")
        }
        plan.backend.kubeconfig = Self.kubeconfigMount + "/config"
        if plan.backend.simKubeConfig != nil { plan.backend.simKubeConfig = Self.sweepMount + "/simkube.json" }
        return plan
    }

    /// The objects, in the order `kubectl apply` should make them.
    public func documents(plan: BenchmarkPlan) throws -> [KValue] {
        let plan = try podPlan(plan)
        try plan.validate()
        guard plan.laneCount <= Self.maxIndexes else {
            throw SimArenaError(.usage, "the sweep has \(plan.laneCount) lanes; an Indexed Job takes at most \(Self.maxIndexes): split it into several sweeps")
        }
        if let parallelism, !(1...Self.maxIndexes).contains(parallelism) { throw SimArenaError(.usage, "--parallelism must be 1 to \(Self.maxIndexes)") }
        if let namespace, !(namespace.count <= 63 && Self.isDNSLabel(namespace)) {
            throw SimArenaError(.usage, "--namespace \(namespace): not a namespace name (lower-case letters, digits and '-', at most 63)")
        }
        for (flag, value) in [("--claim", claim), ("--kubeconfig-secret", kubeconfigSecret)] {
            if let value, !Self.isDNSSubdomain(value) { throw SimArenaError(.usage, "\(flag) \(value): not an object name (lower-case letters, digits, '-' and '.')") }
        }
        if let ttlSeconds, ttlSeconds < 0 { throw SimArenaError(.usage, "--ttl must be 0 or more seconds") }
        guard (0...100).contains(retriesPerIndex) else { throw SimArenaError(.usage, "--retries must be 0 to 100") }
        if let maxFailedIndexes, !(0...plan.laneCount).contains(maxFailedIndexes) {
            throw SimArenaError(.usage, "--max-failed-indexes must be 0 to the number of lanes (\(plan.laneCount))")
        }
        var data: KValue = [BenchmarkPlan.fileName: .string(String(decoding: try JSONWriter.encode(plan.value, pretty: false), as: UTF8.self))]
        if let simKubeSettings, plan.backend.simKubeConfig != nil {
            data["simkube.json"] = .string(String(decoding: simKubeSettings, as: UTF8.self))
        }
        let size = Self.dataSize(of: ["data": data])
        guard size < Self.configMapLimit else {
            throw SimArenaError(.usage, "the plan and settings take \(size) bytes; a ConfigMap holds at most 1 MiB: split the sweep into several")
        }
        var documents: [KValue] = [object("v1", "ConfigMap", name + "-sweep", ["data": data])]
        if claim == nil {
            var spec: KValue = [
                "accessModes": ["ReadWriteMany"],
                "resources": ["requests": ["storage": .string(storage)]],
            ]
            if let storageClass { spec["storageClassName"] = .string(storageClass) }
            documents.append(object("v1", "PersistentVolumeClaim", name + "-results", ["spec": spec]))
        }
        documents.append(job(plan: plan))
        return documents
    }

    /// The bytes of a ConfigMap's `data` values.
    public static func dataSize(of configMap: KValue) -> Int {
        configMap["data"]?.mapValue?.entries.reduce(0) { $0 + ($1.value.stringValue?.utf8.count ?? 0) } ?? 0
    }

    private var labels: KValue {
        ["app.kubernetes.io/name": "sim-arena", "app.kubernetes.io/component": "sweep", "app.kubernetes.io/instance": .string(name)]
    }

    /// An object with `apiVersion`, `kind`, `metadata` and the given fields.
    private func object(_ apiVersion: String, _ kind: String, _ objectName: String, _ fields: KValue) -> KValue {
        var metadata: KValue = ["name": .string(objectName)]
        if let namespace { metadata["namespace"] = .string(namespace) }
        metadata["labels"] = labels
        var object: KValue = ["apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": metadata]
        for entry in fields.mapValue?.entries ?? [] { object[entry.key.stringValue ?? ""] = entry.value }
        return object
    }

    private func job(plan: BenchmarkPlan) -> KValue {
        var environment: [KValue] = []
        var mounts: [KValue] = [
            ["name": "sweep", "mountPath": .string(Self.sweepMount), "readOnly": true],
            ["name": "results", "mountPath": .string(Self.resultsMount)],
        ]
        var volumes: [KValue] = [
            ["name": "sweep", "configMap": ["name": .string(name + "-sweep")]],
            ["name": "results", "persistentVolumeClaim": ["claimName": .string(claim ?? name + "-results")]],
        ]
        if plan.backend.kind == .simkube, let kubeconfigSecret {
            environment.append(["name": "KUBECONFIG", "value": .string(Self.kubeconfigMount + "/config")])
            mounts.append(["name": "kubeconfig", "mountPath": .string(Self.kubeconfigMount), "readOnly": true])
            volumes.append(["name": "kubeconfig", "secret": ["secretName": .string(kubeconfigSecret)]])
        }
        var container: KValue = [
            "name": "lane",
            "image": .string(image),
            "workingDir": .string(Self.workingDirectory),
            "command": .array([.string(Self.workingDirectory + "/jobs/lane.sh")]),
            "args": ["--plan", .string(Self.sweepMount + "/" + BenchmarkPlan.fileName), "--out", .string(Self.resultsMount + "/" + name)],
        ]
        if !environment.isEmpty { container["env"] = .array(environment) }
        container["resources"] = [
            "requests": ["cpu": .string(cpu), "memory": .string(memory)],
            "limits": ["memory": .string(memory)],
        ]
        container["volumeMounts"] = .array(mounts)
        container["securityContext"] = ["allowPrivilegeEscalation": false, "capabilities": ["drop": ["ALL"]]]
        let pod: KValue = [
            "metadata": ["labels": labels],
            "spec": [
                "restartPolicy": "Never",
                // The restricted Pod Security profile's settings; fsGroup makes the claim writable
                // where its driver applies it (see docs/scale-out.md for NFS-like volumes).
                "securityContext": ["runAsNonRoot": true, "runAsUser": .int(Self.user), "runAsGroup": .int(Self.user), "fsGroup": .int(Self.user),
                                    "fsGroupChangePolicy": "OnRootMismatch", "seccompProfile": ["type": "RuntimeDefault"]],
                "containers": [container],
                "volumes": .array(volumes),
            ],
        ]
        var spec: KValue = [
            "completionMode": "Indexed",
            "completions": .int(Int64(plan.laneCount)),
            "parallelism": .int(Int64(min(parallelism ?? Self.defaultParallelism, plan.laneCount))),
            "backoffLimitPerIndex": .int(Int64(retriesPerIndex)),
        ]
        if let maxFailedIndexes { spec["maxFailedIndexes"] = .int(Int64(maxFailedIndexes)) }
        if let ttlSeconds { spec["ttlSecondsAfterFinished"] = .int(Int64(ttlSeconds)) }
        spec["podFailurePolicy"] = [
            "rules": [
                // Bad input stays bad: fail the index at once instead of retrying it.
                ["action": "FailIndex", "onExitCodes": ["containerName": "lane", "operator": "In",
                                                         "values": .array(Self.permanentFailures.map(KValue.int))]],
                // A pod evicted or preempted does not count against the index's retries.
                ["action": "Ignore", "onPodConditions": [["type": "DisruptionTarget", "status": "True"]]],
            ],
        ]
        spec["template"] = pod
        return object("batch/v1", "Job", name, ["spec": spec])
    }
}
