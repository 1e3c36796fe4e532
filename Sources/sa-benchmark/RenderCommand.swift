import ArgumentParser
import SimArenaBenchmark
import SimArenaCLI
import SimArenaModel

/// `sa-benchmark render`: a sweep file → the Kubernetes objects that run it, for `kubectl apply -f -`.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the Kubernetes objects that run a sweep as an Indexed Job (pipe them to 'kubectl apply -f -').",
        discussion: """
            Prints a ConfigMap with the plan, a PersistentVolumeClaim for the results (unless --claim \
            names one) and a batch/v1 Job with completionMode Indexed, one index per lane. Each pod runs \
            jobs/lane.sh from the image (jobs/Dockerfile); the lane that completes the sweep writes the \
            report into <claim>/<name>/. Needs Kubernetes 1.29 or later (backoffLimitPerIndex, \
            podFailurePolicy FailIndex). docs/scale-out.md shows the whole path.
            """)

    @Option(help: ArgumentHelp("The sweep file (simarena.sweep/v1).", valueName: "file"))
    var sweep: String

    @Option(help: "Names the Job, its ConfigMap (<name>-sweep), the claim (<name>-results) and the report folder on it.")
    var name: String

    @Option(help: "The image built from jobs/Dockerfile, as the cluster pulls it.")
    var image: String

    @Option(help: "The namespace of the objects (default: kubectl's).")
    var namespace: String?

    @Option(help: "Pods at once (default: every lane, at most 100).")
    var parallelism: Int?

    @Option(help: "Retries of a failed index (backoffLimitPerIndex).")
    var retries: Int = 2

    @Option(name: .customLong("max-failed-indexes"), help: "Stop the Job after this many indexes failed (default: run them all).")
    var maxFailedIndexes: Int?

    @Option(help: "Delete the Job this many seconds after it finishes (ttlSecondsAfterFinished; default: keep it).")
    var ttl: Int?

    @Option(help: "CPU requested per pod.")
    var cpu: String = "1"

    @Option(help: "Memory requested per pod, also its limit.")
    var memory: String = "512Mi"

    @Option(help: "An existing PersistentVolumeClaim for the results (ReadWriteMany when pods share it across nodes).")
    var claim: String?

    @Option(help: "The size of the claim made when --claim is not given.")
    var storage: String = "10Gi"

    @Option(name: .customLong("storage-class"), help: "The storage class of the claim made (default: the cluster's).")
    var storageClass: String?

    @Option(name: .customLong("kubeconfig-secret"), help: "For a SimKube sweep: the Secret whose key 'config' is the kubeconfig naming the sweep's contexts.")
    var kubeconfigSecret: String?

    func run() throws {
        // The least of each: a cell needs a tenth of a core and about 100 MiB (docs/scale-out.md).
        for (flag, quantity, least) in [("--cpu", cpu, "100m"), ("--memory", memory, "128Mi"), ("--storage", storage, "1Gi")] {
            do {
                guard try Quantity(parsing: quantity) >= Quantity(parsing: least) else { throw SimArenaError(.usage, "below \(least)") }
            } catch let error as SimArenaError {
                throw SimArenaError(.usage, "\(flag) \(quantity): \(error.message)")
            }
        }
        let plan = try SweepFile.read(sweep).plan(checkRecipe: BenchmarkRecipe.check)
        var manifests = try SweepManifests(name: name, image: image)
        manifests.namespace = namespace
        manifests.parallelism = parallelism
        manifests.retriesPerIndex = retries
        manifests.maxFailedIndexes = maxFailedIndexes
        manifests.cpu = cpu
        manifests.memory = memory
        manifests.claim = claim
        manifests.storage = storage
        manifests.storageClass = storageClass
        manifests.kubeconfigSecret = kubeconfigSecret
        manifests.ttlSeconds = ttl
        if let settings = plan.backend.simKubeConfig { manifests.simKubeSettings = try FileIO.read(settings, limit: 1 << 20) }
        for path in plan.absolutePaths {
            printError("sa-benchmark render: warning: \(path) is an absolute path; the pods see it only if the image or a volume holds it")
        }
        let documents = try manifests.documents(plan: plan)
        if SweepManifests.dataSize(of: documents[0]) > SweepManifests.clientSideApplyLimit {
            printError("sa-benchmark render: warning: the plan's ConfigMap is too large for a client-side 'kubectl apply'; use 'kubectl apply --server-side -f -'")
        }
        print(try YAMLWriter.encode(documents: documents), terminator: "")
    }
}
