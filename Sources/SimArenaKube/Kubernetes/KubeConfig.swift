import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// One kubeconfig file, or several merged: named clusters, users and contexts, and the current
/// context. Relative paths inside are already resolved against the folder of the file that
/// defined them, as kubectl does, so merged entries keep pointing at the right files.
public struct KubeConfig: Sendable, Equatable {
    public var clusters: [String: KubeCluster] = [:]
    public var users: [String: KubeUser] = [:]
    public var contexts: [String: KubeContext] = [:]
    public var currentContext: String?

    public init() {}

    /// Whether nothing is defined (kubectl then falls back to the in-cluster configuration).
    public var isEmpty: Bool { clusters.isEmpty && users.isEmpty && contexts.isEmpty && currentContext == nil }

    /// Reads and parses the kubeconfig file at `path`.
    public static func read(path: String) throws -> KubeConfig {
        let bytes = try FileIO.read(path, limit: 16 << 20)
        return try KubeConfig(parsing: try KubeYAML.parse(bytes, source: path), path: path)
    }

    /// Interprets a parsed kubeconfig document that came from `path`.
    public init(parsing document: KValue, path: String) throws {
        let fields = KubeFields(document, file: path, path: "")
        guard !document.isNull else { return }
        try fields.map()
        let folder = KubeFields.folder(of: path)
        currentContext = try fields["current-context"].string().flatMap { $0.isEmpty ? nil : $0 }
        clusters = try Self.namedEntries(fields["clusters"], member: "cluster") { try KubeCluster($0, folder: folder) }
        users = try Self.namedEntries(fields["users"], member: "user") { try KubeUser($0, folder: folder) }
        contexts = try Self.namedEntries(fields["contexts"], member: "context") { try KubeContext($0) }
    }

    /// A `[{name: N, <member>: {...}}]` list as a dictionary. A name repeated within one file is
    /// an error (kubectl refuses it too).
    private static func namedEntries<Entry>(
        _ list: KubeFields, member: String, parse: (KubeFields) throws -> Entry
    ) throws -> [String: Entry] {
        var entries: [String: Entry] = [:]
        for item in try list.array() {
            guard let name = try item["name"].string(), !name.isEmpty else {
                throw item.error("each entry needs a name")
            }
            guard entries[name] == nil else { throw item.error("\(member) \"\(name)\" is defined twice") }
            entries[name] = try parse(item[member])
        }
        return entries
    }

    /// This configuration with `other`'s entries added where this one has none, kubectl's rule
    /// for `$KUBECONFIG` lists: the first file to define a name (or the current context) wins.
    public func merged(with other: KubeConfig) -> KubeConfig {
        var result = self
        result.clusters.merge(other.clusters) { first, _ in first }
        result.users.merge(other.users) { first, _ in first }
        result.contexts.merge(other.contexts) { first, _ in first }
        result.currentContext = currentContext ?? other.currentContext
        return result
    }
}

/// A cluster entry: where the API server is and how to trust it.
public struct KubeCluster: Sendable, Equatable {
    public var server: String
    public var certificateAuthority: CertificateSource?
    public var insecureSkipTLSVerify: Bool
    /// The name to verify the server's certificate against instead of the server's host.
    public var tlsServerName: String?
    public var proxyURL: String?
    /// Fields set together that kubectl refuses together; an error once the cluster is used.
    public var conflicts: [String] = []

    public init(
        server: String, certificateAuthority: CertificateSource? = nil, insecureSkipTLSVerify: Bool = false,
        tlsServerName: String? = nil, proxyURL: String? = nil
    ) {
        self.server = server
        self.certificateAuthority = certificateAuthority
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.proxyURL = proxyURL
    }

    init(_ fields: KubeFields, folder: String) throws {
        try fields.map()
        server = try fields["server"].string() ?? ""
        certificateAuthority = try fields.certificate(
            file: "certificate-authority", data: "certificate-authority-data", folder: folder, conflicts: &conflicts)
        insecureSkipTLSVerify = try fields["insecure-skip-tls-verify"].bool() ?? false
        tlsServerName = try fields["tls-server-name"].string()
        proxyURL = try fields["proxy-url"].string()
    }

    /// Checks what kubectl checks of the cluster a context uses.
    func validate(name: String) throws {
        if let conflict = conflicts.first { throw SimArenaError(.data, "cluster \"\(name)\": \(conflict); set one") }
        if insecureSkipTLSVerify && certificateAuthority != nil {
            throw SimArenaError(
                .data, "cluster \"\(name)\": insecure-skip-tls-verify cannot be combined with a certificate authority")
        }
    }
}

/// Certificate or key material: a file (read when the client is made) or inline PEM bytes
/// decoded from a `*-data` field.
public enum CertificateSource: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    case data(SecretBytes)

    /// The PEM bytes.
    public func load() throws -> SecretBytes {
        switch self {
        case .file(let path): return SecretBytes(try FileIO.read(path, limit: 1 << 20))
        case .data(let bytes): return bytes
        }
    }

    public var description: String {
        switch self {
        case .file(let path): return path
        case .data: return "inline data"
        }
    }
}

/// A context: a cluster, a user and a default namespace, by name.
public struct KubeContext: Sendable, Equatable {
    public var cluster: String
    public var user: String
    public var namespace: String?

    public init(cluster: String, user: String, namespace: String? = nil) {
        self.cluster = cluster
        self.user = user
        self.namespace = namespace
    }

    init(_ fields: KubeFields) throws {
        try fields.map()
        cluster = try fields["cluster"].string() ?? ""
        user = try fields["user"].string() ?? ""
        namespace = try fields["namespace"].string().flatMap { $0.isEmpty ? nil : $0 }
    }
}
