import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// The `exec` section of a kubeconfig user: a program that prints an ExecCredential.
public struct ExecConfig: Sendable, Equatable {
    /// An environment variable given to the plugin.
    public struct Variable: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// The program: a name looked up on PATH, or a path (made absolute against the kubeconfig's
    /// folder when it is relative and contains a slash, as kubectl does).
    public var command: String
    public var args: [String]
    public var env: [Variable]
    /// `client.authentication.k8s.io/v1` or `.../v1beta1`.
    public var apiVersion: String
    public var installHint: String?
    public var provideClusterInfo: Bool
    /// `Never`, `IfAvailable` or `Always`; required with `v1`. Sim-Arena never has a terminal
    /// to offer, so `Always` is refused.
    public var interactiveMode: String?

    public static let supportedVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    public init(
        command: String, args: [String] = [], env: [Variable] = [], apiVersion: String = supportedVersions[0],
        interactiveMode: String? = "Never"
    ) {
        self.command = command
        self.args = args
        self.env = env
        self.apiVersion = apiVersion
        self.interactiveMode = interactiveMode
        self.provideClusterInfo = false
    }

    /// Checks the interactive mode as kubectl does: `v1` needs one (`v1beta1` defaults to
    /// `IfAvailable`), and it must be a known one.
    func validate(user: String) throws {
        guard let mode = interactiveMode else {
            if apiVersion == Self.supportedVersions[0] {
                throw SimArenaError(
                    .data, "user \"\(user)\": an exec plugin with \(apiVersion) needs interactiveMode (Never, IfAvailable or Always)")
            }
            return
        }
        switch mode {
        case "Never", "IfAvailable": return
        case "Always":
            throw SimArenaError(
                .usage, "user \"\(user)\": the exec plugin needs a terminal (interactiveMode: Always), which Sim-Arena cannot give it")
        default:
            throw SimArenaError(
                .data, "user \"\(user)\": invalid exec interactiveMode \"\(mode)\" (Never, IfAvailable or Always)")
        }
    }

    init(_ fields: KubeFields, folder: String) throws {
        guard let command = try fields["command"].string(), !command.isEmpty else {
            throw fields.error("exec needs a command")
        }
        self.command = command.contains("/") ? KubeFields.resolve(command, against: folder) : command
        args = try fields["args"].array().map { try $0.string() ?? "" }
        env = try fields["env"].array().map { item in
            guard let name = try item["name"].string(), !name.isEmpty else { throw item.error("needs a name") }
            return Variable(name: name, value: try item["value"].string() ?? "")
        }
        apiVersion = try fields["apiVersion"].string() ?? ""
        guard Self.supportedVersions.contains(apiVersion) else {
            let supported = Self.supportedVersions.joined(separator: " or ")
            throw fields["apiVersion"].error("exec plugin apiVersion \"\(apiVersion)\" is not supported (use \(supported))")
        }
        installHint = try fields["installHint"].string()
        provideClusterInfo = try fields["provideClusterInfo"].bool() ?? false
        interactiveMode = try fields["interactiveMode"].string()
    }
}

/// What an exec plugin returned: a bearer token or a client certificate and key, valid until
/// ``expiration`` (seconds since the epoch) when the plugin says so.
public struct ExecCredential: Sendable, Equatable {
    public var token: SecretText?
    public var clientCertificate: SecretBytes?
    public var clientKey: SecretBytes?
    public var expiration: Double?

    /// Parses the plugin's standard output. Messages never quote the output: it holds secrets.
    static func parse(_ output: [UInt8], expectedVersion: String, plugin: String) throws -> ExecCredential {
        let source = "exec plugin \(plugin)"
        guard let document = try? JSONReader.parse(output) else {
            throw SimArenaError(.data, "\(source) did not print an ExecCredential as JSON")
        }
        let fields = KubeFields(document, file: source, path: "")
        let version = try fields["apiVersion"].string() ?? ""
        guard version == expectedVersion else {
            throw fields.error("printed apiVersion \"\(version)\", expected \"\(expectedVersion)\"")
        }
        guard try fields["kind"].string() == "ExecCredential" else { throw fields.error("printed no ExecCredential kind") }
        let status = fields["status"]
        guard try status.map() != nil else { throw fields.error("printed an ExecCredential without a status") }
        var credential = ExecCredential()
        credential.token = try status["token"].string().flatMap { $0.isEmpty ? nil : SecretText($0) }
        credential.clientCertificate = try status["clientCertificateData"].string().map { SecretBytes(Array($0.utf8)) }
        credential.clientKey = try status["clientKeyData"].string().map { SecretBytes(Array($0.utf8)) }
        if (credential.clientCertificate == nil) != (credential.clientKey == nil) {
            throw status.error("clientCertificateData and clientKeyData must be given together")
        }
        guard credential.token != nil || credential.clientCertificate != nil else {
            throw status.error("holds neither a token nor a client certificate")
        }
        // An empty timestamp reads as none, as Kubernetes' time type reads it.
        if let stamp = try status["expirationTimestamp"].string(), !stamp.isEmpty {
            guard let seconds = RFC3339.parse(stamp) else {
                throw status["expirationTimestamp"].error("is not an RFC 3339 time")
            }
            credential.expiration = seconds
        }
        return credential
    }
}

/// Runs an exec credential plugin the way kubectl does and caches what it prints until it
/// expires. The plugin gets `KUBERNETES_EXEC_INFO` (an ExecCredential with `spec.interactive`
/// false, and `spec.cluster` when `provideClusterInfo` is set) and the configured variables.
final class ExecCredentialPlugin {
    let config: ExecConfig
    let cluster: KubeCluster
    let clock: @Sendable () -> Double
    let timeout: Double
    private var cached: ExecCredential?
    /// How many times the plugin has been run (for tests and diagnostics).
    private(set) var runCount = 0

    init(config: ExecConfig, cluster: KubeCluster, clock: @escaping @Sendable () -> Double, timeout: Double = 60) {
        self.config = config
        self.cluster = cluster
        self.clock = clock
        self.timeout = timeout
    }

    /// The cached credential while it has not expired, else a freshly printed one.
    func credential() throws -> ExecCredential {
        if let cached, cached.expiration.map({ clock() < $0 }) ?? true { return cached }
        let fresh = try run()
        cached = fresh
        return fresh
    }

    /// Forgets the cached credential (after the server answered 401 to it).
    func invalidate() { cached = nil }

    private var name: String { "\"\(config.command)\"" }

    private func run() throws -> ExecCredential {
        var environment: [String: String] = [:]
        for variable in config.env { environment[variable.name] = variable.value }
        let info = try JSONWriter.encode(try execInfo(), pretty: false)
        environment["KUBERNETES_EXEC_INFO"] = String(decoding: info, as: UTF8.self)
        runCount += 1
        let result: ProcessResult
        do {
            result = try ProcessRunner([config.command] + config.args, environment: environment, timeout: timeout).run()
        } catch let error as SimArenaError {
            let hint = config.installHint.map { " (\($0.split(separator: "\n").joined(separator: " ")))" } ?? ""
            throw SimArenaError(error.kind, "exec plugin: \(error.message)\(hint)")
        }
        guard result.succeeded else {
            let detail = result.firstStderrLine.map { ": \($0)" } ?? ""
            throw SimArenaError(.temporary, "exec plugin \(name) failed (\(result.statusDescription))\(detail)")
        }
        return try ExecCredential.parse(result.stdout, expectedVersion: config.apiVersion, plugin: name)
    }

    /// The `KUBERNETES_EXEC_INFO` document.
    private func execInfo() throws -> KValue {
        var spec: KValue = ["interactive": false]
        if config.provideClusterInfo {
            var info: KValue = ["server": .string(cluster.server)]
            if let authority = cluster.certificateAuthority {
                info["certificate-authority-data"] = .binary(try authority.load().exposedValue)
            }
            if let name = cluster.tlsServerName { info["tls-server-name"] = .string(name) }
            if cluster.insecureSkipTLSVerify { info["insecure-skip-tls-verify"] = true }
            if let proxy = cluster.proxyURL { info["proxy-url"] = .string(proxy) }
            spec["cluster"] = info
        }
        return ["apiVersion": .string(config.apiVersion), "kind": "ExecCredential", "spec": spec]
    }
}
