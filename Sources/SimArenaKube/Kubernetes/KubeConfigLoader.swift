import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

#if canImport(Glibc)
import Glibc
#endif

/// Where a Kubernetes client connects and as whom: one resolved context (or the in-cluster
/// service account).
public struct KubeConnection: Sendable, Equatable {
    public var cluster: KubeCluster
    public var user: KubeUser
    /// The user's name, for messages.
    public var userName: String
    /// The context's namespace, `default` when it names none.
    public var namespace: String
    /// The context used; nil for the in-cluster configuration.
    public var contextName: String?

    public init(
        cluster: KubeCluster, user: KubeUser, userName: String, namespace: String = "default", contextName: String? = nil
    ) {
        self.cluster = cluster
        self.user = user
        self.userName = userName
        self.namespace = namespace
        self.contextName = contextName
    }
}

/// The inputs of configuration resolution, as kubectl takes them.
public struct KubeConfigOptions: Sendable {
    /// `--kubeconfig`: when set, this file alone is read.
    public var kubeconfig: String?
    /// `--context`: overrides the configuration's current context.
    public var context: String?
    /// Reads an environment variable (`KUBECONFIG`, `HOME`, `KUBERNETES_SERVICE_HOST`/`_PORT`).
    public var environment: @Sendable (String) -> String?
    /// The service-account folder of the in-cluster configuration.
    public var serviceAccountFolder: String

    public init(
        kubeconfig: String? = nil, context: String? = nil,
        environment: @escaping @Sendable (String) -> String? = KubeConfigOptions.processEnvironment,
        serviceAccountFolder: String = InClusterConfig.defaultServiceAccountFolder
    ) {
        self.kubeconfig = kubeconfig
        self.context = context
        self.environment = environment
        self.serviceAccountFolder = serviceAccountFolder
    }

    /// The process's own environment.
    public static let processEnvironment: @Sendable (String) -> String? = { name in
        getenv(name).map { String(cString: $0) }
    }
}

/// Finds and merges kubeconfig files and picks the context, following kubectl's rules:
///
/// 1. `--kubeconfig PATH`: that file alone (it must exist).
/// 2. Else `$KUBECONFIG`, a `:`-separated list: empty entries and missing files are skipped,
///    the rest merged (the first file to define a cluster, user or context name wins, and the
///    first to set `current-context` wins).
/// 3. Else `$HOME/.kube/config`, when it exists.
///
/// When no file defines anything and the process runs in a pod (`KUBERNETES_SERVICE_HOST` and
/// `_PORT` set), the in-cluster service account is used, as client-go's deferred loading does.
/// `--context` overrides `current-context`.
public enum KubeConfigLoader {
    /// The merged configuration and the files it came from.
    public static func load(_ options: KubeConfigOptions) throws -> (config: KubeConfig, files: [String]) {
        if let explicit = options.kubeconfig {
            return (try KubeConfig.read(path: explicit), [explicit])
        }
        var files: [String] = []
        if let list = options.environment("KUBECONFIG"), !list.isEmpty {
            for entry in list.split(separator: ":").map(String.init) where !files.contains(entry) {
                if FileIO.exists(entry) { files.append(entry) }
            }
        } else if let home = options.environment("HOME"), !home.isEmpty, FileIO.exists(home + "/.kube/config") {
            files.append(home + "/.kube/config")
        }
        var merged = KubeConfig()
        for file in files { merged = merged.merged(with: try KubeConfig.read(path: file)) }
        return (merged, files)
    }

    /// The connection that `options` select.
    public static func resolve(_ options: KubeConfigOptions) throws -> KubeConnection {
        let (config, files) = try load(options)
        if config.isEmpty && options.kubeconfig == nil,
            let inCluster = try InClusterConfig.load(environment: options.environment, folder: options.serviceAccountFolder)
        {
            return inCluster
        }
        let sources = files.isEmpty ? "the kubeconfig" : files.joined(separator: ":")
        guard !config.isEmpty else {
            throw SimArenaError(
                .usage, "no Kubernetes configuration: pass --kubeconfig, set KUBECONFIG or create ~/.kube/config")
        }
        guard let contextName = options.context ?? config.currentContext else {
            throw SimArenaError(.usage, "\(sources): no current-context; pass --context")
        }
        guard let context = config.contexts[contextName] else {
            throw SimArenaError(.usage, "\(sources): context \"\(contextName)\" not found")
        }
        guard let cluster = config.clusters[context.cluster] else {
            throw SimArenaError(.usage, "\(sources): cluster \"\(context.cluster)\" of context \"\(contextName)\" not found")
        }
        do {
            try cluster.validate(name: context.cluster)
        } catch let error as SimArenaError {
            throw error.prefixed(sources)
        }
        guard cluster.server.hasPrefix("https://") || cluster.server.hasPrefix("http://") else {
            let found = cluster.server.isEmpty ? "none" : "\"\(cluster.server)\""
            throw SimArenaError(
                .data, "\(sources): cluster \"\(context.cluster)\" needs a server URL (https://HOST:PORT), found \(found)")
        }
        var user = KubeUser()
        if !context.user.isEmpty {
            guard let named = config.users[context.user] else {
                throw SimArenaError(.usage, "\(sources): user \"\(context.user)\" of context \"\(contextName)\" not found")
            }
            user = named
            do {
                try user.validate(name: context.user)
            } catch let error as SimArenaError {
                throw error.prefixed(sources)
            }
        }
        return KubeConnection(
            cluster: cluster, user: user, userName: context.user.isEmpty ? "anonymous" : context.user,
            namespace: context.namespace ?? "default", contextName: contextName)
    }
}
