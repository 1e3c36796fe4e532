import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


extension PreflightVerdict {
    /// A client for preflight: short timeouts and one retry, so that a kubeconfig pointing
    /// nowhere fails within seconds.
    public static func simKubeClient(_ options: KubeConfigOptions) throws -> KubeClient {
        try KubeClient(
            connection: try KubeConfigLoader.resolve(options), timeouts: HTTPTransport.Timeouts(connect: 3, total: 10),
            retryPolicy: RetryPolicy(maxAttempts: 2))
    }

    /// The SimKube backend's checks: the API answers and accepts our credentials, the
    /// `simulations.simkube.io` CRD is installed, the driver and metrics namespaces exist, no
    /// Simulation of ours is left over, and we may create, watch and delete Simulations and list
    /// pods in the virtual namespaces of the trace's `namespaces`. Each failure names its fix;
    /// the later checks are skipped when the API cannot be reached.
    public mutating func addSimKubeChecks(client makeClient: () throws -> KubeClient, settings: SimKubeSettings, namespaces: [String]) {
        var connected: KubeClient?
        check("kubernetes_api") {
            do {
                let client = try makeClient()
                let version = try client.version()["gitVersion"]?.stringValue ?? "unknown version"
                connected = client
                return "\(client.connection.cluster.server): Kubernetes \(version), as user \"\(client.connection.userName)\""
            } catch let error as SimArenaError {
                throw error.withFix("check that --kubeconfig and --context name the cluster that runs SimKube and that it is up")
            }
        }
        guard let client = connected else { return }
        check("simkube_crd") {
            let name = "simulations.simkube.io"
            guard try client.getIfPresent("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/\(name)") != nil else {
                throw SimArenaError(.temporary, "the CRD \(name) is not installed").withFix("install SimKube (docs/simkube-backend.md)")
            }
            return "\(name) installed"
        }
        for (check, namespace, setting) in [("driver_namespace", settings.driverNamespace, "driverNamespace"),
                                            ("metrics_namespace", settings.metricsNamespace, "metricsNamespace")] {
            self.check(check) {
                guard try client.getIfPresent("/api/v1/namespaces/\(namespace)") != nil else {
                    throw SimArenaError(.temporary, "namespace \(namespace) does not exist")
                        .withFix("kubectl create namespace \(namespace), or set \(setting) in the SimKube settings")
                }
                return "namespace \(namespace) exists"
            }
        }
        check("leftovers") {
            // One being deleted (a previous step's, its finalizers still running) is no leftover.
            let names = try client.list(SimKubeSimulation.apiPath, labelSelector: SimKubeSimulation.ownedSelector)
                .filter { $0["metadata"]?["deletionTimestamp"] == nil }
                .compactMap { $0["metadata"]?["name"]?.stringValue }
            guard names.isEmpty else {
                throw SimArenaError(.temporary, "\(names.count) Simulation(s) left by earlier runs: \(names.joined(separator: ", "))")
                    .withFix("sa-simulate --backend simkube --cleanup")
            }
            return "no Simulation of ours left over"
        }
        check("permissions") {
            let simulations = ["create", "get", "list", "delete"].map { ($0, "simulations", "simkube.io", nil as String?) }
            let pods = namespaces.map { ("list", "pods", "", Optional(settings.virtualNamespace($0))) }
            var denied: [String] = []
            for (verb, resource, group, namespace) in simulations + pods {
                var attributes: KValue = ["verb": .string(verb), "resource": .string(resource), "group": .string(group)]
                if let namespace { attributes["namespace"] = .string(namespace) }
                let review: KValue = [
                    "apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                    "spec": ["resourceAttributes": attributes],
                ]
                let answer = try client.create("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review)
                if answer["status"]?["allowed"]?.boolValue != true {
                    denied.append("\(verb) \(group.isEmpty ? resource : "\(resource).\(group)")\(namespace.map { " in \($0)" } ?? "")")
                }
            }
            guard denied.isEmpty else {
                throw SimArenaError(.temporary, "user \"\(client.connection.userName)\" may not \(denied.joined(separator: ", "))")
                    .withFix("bind a (Cluster)Role that grants these to the user (docs/simkube-backend.md)")
            }
            return "may create, get, list and delete simulations and list pods in the virtual namespaces"
        }
    }
}

extension SimArenaError {
    /// The same error, with what to do about it.
    func withFix(_ fix: String) -> SimArenaError {
        SimArenaError(kind, "\(message); fix: \(fix)")
    }
}
