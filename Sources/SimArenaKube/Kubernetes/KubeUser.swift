import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// A user entry of a kubeconfig (`users[].user`): how to authenticate. Secrets print redacted.
public struct KubeUser: Sendable, Equatable {
    public var token: SecretText?
    /// A file holding the bearer token; re-read when it changes.
    public var tokenFile: String?
    public var clientCertificate: CertificateSource?
    public var clientKey: CertificateSource?
    public var username: String?
    public var password: SecretText?
    public var exec: ExecConfig?
    /// The name of a legacy `auth-provider` plugin, which Sim-Arena does not support.
    public var authProvider: String?
    /// Fields set together that kubectl refuses together; an error once the user is used.
    public var conflicts: [String] = []

    public init(
        token: SecretText? = nil, tokenFile: String? = nil, clientCertificate: CertificateSource? = nil,
        clientKey: CertificateSource? = nil, username: String? = nil, password: SecretText? = nil,
        exec: ExecConfig? = nil
    ) {
        self.token = token
        self.tokenFile = tokenFile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.username = username
        self.password = password
        self.exec = exec
    }

    init(_ fields: KubeFields, folder: String) throws {
        try fields.map()
        token = try fields["token"].string().flatMap { $0.isEmpty ? nil : SecretText($0) }
        tokenFile = try fields["tokenFile"].string().flatMap { $0.isEmpty ? nil : KubeFields.resolve($0, against: folder) }
        clientCertificate = try fields.certificate(
            file: "client-certificate", data: "client-certificate-data", folder: folder, conflicts: &conflicts)
        clientKey = try fields.certificate(
            file: "client-key", data: "client-key-data", folder: folder, conflicts: &conflicts)
        username = try fields["username"].string().flatMap { $0.isEmpty ? nil : $0 }
        password = try fields["password"].string().flatMap { $0.isEmpty ? nil : SecretText($0) }
        exec = try fields["exec"].map() == nil ? nil : try ExecConfig(fields["exec"], folder: folder)
        if try fields["auth-provider"].map() != nil {
            authProvider = try fields["auth-provider"]["name"].string() ?? "unnamed"
        }
    }

    /// Checks the combination of methods as client-go does: a bearer token and basic auth
    /// exclude each other, exec and auth-provider too, and a certificate needs its key.
    func validate(name: String) throws {
        if let conflict = conflicts.first { throw SimArenaError(.data, "user \"\(name)\": \(conflict); set one") }
        var methods: [String] = []
        if token != nil || tokenFile != nil { methods.append("token") }
        if username != nil || password != nil { methods.append("basic auth") }
        if methods.count > 1 {
            let found = methods.joined(separator: ", ")
            throw SimArenaError(.data, "user \"\(name)\": more than one authentication method (\(found)); only one is allowed")
        }
        if let authProvider {
            throw SimArenaError(
                .usage, "user \"\(name)\": auth-provider \"\(authProvider)\" is not supported; use an exec credential plugin")
        }
        if (clientCertificate == nil) != (clientKey == nil) {
            throw SimArenaError(.data, "user \"\(name)\": client-certificate and client-key must be given together")
        }
        try exec?.validate(user: name)
        if username != nil && password == nil {
            throw SimArenaError(.data, "user \"\(name)\": username without a password")
        }
    }
}
