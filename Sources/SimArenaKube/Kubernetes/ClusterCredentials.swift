import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

#if canImport(Glibc)
import Glibc
#endif

/// What one request carries to authenticate itself.
struct RequestAuth {
    /// The `Authorization` header's value (`Bearer ...`).
    var authorization: SecretText?
    var basicUsername: String?
    var basicPassword: SecretText?
    var clientCertificate: SecretBytes?
    var clientKey: SecretBytes?
}

/// How requests to a cluster authenticate: the kubeconfig user's (or the service account's)
/// credentials loaded into memory, with the parts that change over time kept fresh — a token
/// file is re-read when it changes (as client-go does), and an exec plugin's credential is
/// reused until it expires and fetched again after a 401.
public final class ClusterCredentials {
    /// The authentication method, as messages name it.
    public enum Method: String, Sendable {
        case none = "no credentials"
        case token = "token auth"
        case tokenFile = "token file auth"
        case clientCertificate = "client certificate auth"
        case exec = "exec plugin auth"
        case basic = "basic auth"
    }

    /// The user's name in the kubeconfig (or the service account), for messages.
    public let userName: String
    public let method: Method
    private let user: KubeUser
    private let certificate: SecretBytes?
    private let key: SecretBytes?
    private let plugin: ExecCredentialPlugin?
    private var tokenFromFile: (token: SecretText, stamp: FileStamp)?

    /// Loads `user`'s certificate files and prepares its exec plugin; `cluster` is what the
    /// plugin is told when it asks for cluster information.
    public init(
        user: KubeUser, userName: String, cluster: KubeCluster, clock: @escaping @Sendable () -> Double = RFC3339.now
    ) throws {
        try user.validate(name: userName)
        self.user = user
        self.userName = userName
        certificate = try user.clientCertificate?.load()
        key = try user.clientKey?.load()
        plugin = user.exec.map { ExecCredentialPlugin(config: $0, cluster: cluster, clock: clock) }
        method =
            if user.exec != nil { .exec }
            else if user.tokenFile != nil { .tokenFile }
            else if user.token != nil { .token }
            else if user.username != nil { .basic }
            else if user.clientCertificate != nil { .clientCertificate }
            else { .none }
    }

    /// How many times the exec plugin has run.
    public var execPluginRuns: Int { plugin?.runCount ?? 0 }

    /// The credentials for the next request.
    func current() throws -> RequestAuth {
        var auth = RequestAuth(clientCertificate: certificate, clientKey: key)
        if let plugin {
            let credential = try plugin.credential()
            if let token = credential.token { auth.authorization = SecretText("Bearer " + token.exposedValue) }
            if let certificate = credential.clientCertificate {
                auth.clientCertificate = certificate
                auth.clientKey = credential.clientKey
            }
        } else if let tokenFile = user.tokenFile {
            // client-go: a token file's last successfully read value wins over `token`.
            auth.authorization = SecretText("Bearer " + (try readTokenFile(tokenFile)).exposedValue)
        } else if let token = user.token {
            auth.authorization = SecretText("Bearer " + token.exposedValue)
        } else if let username = user.username {
            auth.basicUsername = username
            auth.basicPassword = user.password
        }
        return auth
    }

    /// Drops credentials the server refused; true when fresh ones may be accepted (an exec
    /// plugin is then run again, as kubectl does after a 401).
    func refreshAfterUnauthorized() -> Bool {
        guard let plugin else { return false }
        plugin.invalidate()
        return true
    }

    /// The token in `path`, read again only when the file changed.
    private func readTokenFile(_ path: String) throws -> SecretText {
        let stamp = FileStamp(path: path)
        if let tokenFromFile, let stamp, tokenFromFile.stamp == stamp { return tokenFromFile.token }
        let text = String(decoding: try FileIO.read(path, limit: 1 << 20), as: UTF8.self)
        let token = text.trimmingWhitespace()
        guard !token.isEmpty else { throw SimArenaError(.data, "\(path): the token file is empty") }
        let secret = SecretText(token)
        if let stamp { tokenFromFile = (secret, stamp) }
        return secret
    }
}

/// What tells that a file changed: its inode, size and modification time.
struct FileStamp: Equatable {
    let inode: UInt64
    let size: Int64
    let seconds: Int
    let nanoseconds: Int

    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        seconds = Int(status.st_mtim.tv_sec)
        nanoseconds = Int(status.st_mtim.tv_nsec)
    }
}

extension String {
    /// The text without leading and trailing white space and line breaks (`\r\n` included).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(self[first...last])
    }
}
