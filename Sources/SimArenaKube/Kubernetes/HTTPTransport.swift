import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

import CCurlLoader

#if canImport(Glibc)
import Glibc
#endif

/// One request to the API server.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path and query from the server's root (`/api/v1/namespaces/default/pods?limit=5`).
    public var path: String
    public var body: [UInt8]?
    /// The body's media type: `application/json`, or `application/merge-patch+json` for a patch.
    public var contentType: String

    public init(method: String, path: String, body: [UInt8]? = nil, contentType: String = "application/json") {
        self.method = method
        self.path = path
        self.body = body
        self.contentType = contentType
    }
}

/// The server's answer: status, the `Retry-After` header when sent, and the body.
struct HTTPResponse {
    var status: Int
    var retryAfter: String?
    var body: [UInt8]
}

/// A request that got no HTTP response, and whether trying again may help.
struct TransportFailure: Error {
    enum Reason {
        /// The server was never reached (name not resolved, connection refused): safe to retry.
        case unreachable
        /// The connection broke after the request may have been sent.
        case dropped
        case timedOut
        case other
    }

    var reason: Reason
    var message: String

    /// Whether another attempt is reasonable: always when the server was not reached, and for
    /// a broken connection only when repeating the request cannot do anything twice.
    func isRetryable(method: String) -> Bool {
        switch reason {
        case .unreachable: return true
        case .dropped: return ["GET", "HEAD", "PUT", "DELETE"].contains(method)
        case .timedOut, .other: return false
        }
    }
}

/// HTTP(S) to one API server over libcurl (loaded through `CCurlLoader` and initialised on first use).
/// TLS is verified against the cluster's CA (file or data) or the system's store, unless the
/// kubeconfig says `insecure-skip-tls-verify`; `tls-server-name` is what the certificate is
/// checked against when set. Certificates and keys are handed to libcurl from memory, never
/// written to disk. One connection is kept alive across requests.
public final class HTTPTransport {
    /// Limits on waiting, in seconds.
    public struct Timeouts: Sendable {
        public var connect: Double
        /// The whole exchange, connection included.
        public var total: Double

        public init(connect: Double = 10, total: Double = 30) {
            self.connect = connect
            self.total = total
        }
    }

    /// Responses larger than this are refused by default (64 MiB).
    public static let defaultMaxResponseBytes = 64 << 20

    let server: ServerAddress
    let cluster: KubeCluster
    let timeouts: Timeouts
    let maxResponseBytes: Int
    private let authority: SecretBytes?
    private let handle: UnsafeMutableRawPointer

    /// Prepares a connection to `cluster`. `warn` receives the one-line warning printed when
    /// certificate verification is off.
    public init(
        cluster: KubeCluster, timeouts: Timeouts = Timeouts(), maxResponseBytes: Int = defaultMaxResponseBytes,
        warn: (String) -> Void = HTTPTransport.warnOnStandardError
    ) throws {
        guard timeouts.connect > 0, timeouts.total > 0, timeouts.connect < 1e6, timeouts.total < 1e6 else {
            throw SimArenaError(.usage, "timeouts must be positive numbers of seconds below a million")
        }
        if let problem = Self.libraryProblem { throw SimArenaError(.noInput, problem) }
        guard let handle = sa_curl_easy_init() else { throw SimArenaError(.temporary, "libcurl could not make a handle") }
        self.handle = handle
        self.cluster = cluster
        self.timeouts = timeouts
        self.maxResponseBytes = maxResponseBytes
        server = try ServerAddress(cluster.server)
        authority = try cluster.certificateAuthority?.load()
        if cluster.insecureSkipTLSVerify && server.isTLS {
            warn("warning: insecure-skip-tls-verify is set for \(cluster.server): its certificate is not verified")
        }
    }

    deinit { sa_curl_cleanup(handle) }

    /// Why libcurl cannot serve us (missing, built without TLS, or failed to initialise), or nil
    /// when it can. Computed once, which also loads libcurl and runs `curl_global_init` once,
    /// before any handle exists.
    static let libraryProblem: String? = {
        if let problem = sa_curl_load() { return String(cString: problem) }
        guard let info = sa_curl_version_info(SA_CURLVERSION_NOW) else { return "libcurl gave no version information" }
        let version = String(cString: info.pointee.version)
        guard info.pointee.ssl_version != nil else { return "libcurl \(version) was built without TLS support" }
        let code = sa_curl_global_init(SA_CURL_GLOBAL_DEFAULT)
        guard code == CURLE_OK else { return "libcurl failed to initialise: \(String(cString: sa_curl_easy_strerror(code)))" }
        return nil
    }()

    /// Hosts that a proxy from the environment (`https_proxy`) is not used for: `no_proxy`'s,
    /// and loopback addresses, which Go's proxy rules (and so kubectl) never send to a proxy.
    /// libcurl's NOPROXY option replaces `no_proxy`, so its entries are carried over.
    static let noProxyList: String = {
        let names = ["no_proxy", "NO_PROXY"]
        let fromEnvironment = names.compactMap { name in getenv(name).map { String(cString: $0) } }
        return (fromEnvironment.filter { !$0.isEmpty } + ["localhost", "127.0.0.1", "::1"]).joined(separator: ",")
    }()

    /// Writes a warning line to standard error.
    public static func warnOnStandardError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// Sends `request` once.
    func perform(_ request: HTTPRequest, auth: RequestAuth) throws -> HTTPResponse {
        let sink = ResponseSink(limit: maxResponseBytes)
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        var connectTo: UnsafeMutablePointer<curl_slist>? = nil
        defer {
            sa_curl_slist_free_all(headers)
            sa_curl_slist_free_all(connectTo)
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let (code, status) = try errorBuffer.withUnsafeMutableBufferPointer { errorText in
            // Leave the handle without pointers into this call's memory and without credentials.
            defer { sa_curl_easy_reset(handle) }
            var lines = ["Accept: application/json", "User-Agent: sim-arena", "Expect:"]
            if request.body != nil { lines.append("Content-Type: \(request.contentType)") }
            if let authorization = auth.authorization { lines.append("Authorization: \(authorization.exposedValue)") }
            for line in lines { headers = sa_curl_slist_append(headers, line) }
            try set(CURLOPT_URL, server.url(for: request.path, serverName: cluster.tlsServerName))
            try set(CURLOPT_HTTPHEADER, list: headers)
            try set(CURLOPT_NOSIGNAL, 1)
            try set(CURLOPT_CONNECTTIMEOUT_MS, Int(timeouts.connect * 1000))
            try set(CURLOPT_TIMEOUT_MS, Int(timeouts.total * 1000))
            try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorText.baseAddress!))
            try setMethod(request)
            connectTo = try setTLS(auth)
            if let proxy = cluster.proxyURL {
                try set(CURLOPT_PROXY, proxy)
            } else {
                try set(CURLOPT_NOPROXY, Self.noProxyList)
            }
            if let username = auth.basicUsername, let password = auth.basicPassword {
                try set(CURLOPT_HTTPAUTH, SA_CURLAUTH_BASIC)
                try set(CURLOPT_USERNAME, username)
                try set(CURLOPT_PASSWORD, password.exposedValue)
            }
            let context = Unmanaged.passUnretained(sink).toOpaque()
            try check(sa_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, receiveBody), CURLOPT_WRITEFUNCTION)
            try set(CURLOPT_WRITEDATA, pointer: context)
            try check(sa_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, receiveHeader), CURLOPT_HEADERFUNCTION)
            try set(CURLOPT_HEADERDATA, pointer: context)
            let code = withExtendedLifetime(sink) { sa_curl_perform(handle) }
            var status = 0
            _ = sa_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            return (code, status)
        }
        guard code == CURLE_OK else {
            let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw failure(code, detail: detail, tooLarge: sink.overLimit)
        }
        return HTTPResponse(status: status, retryAfter: sink.retryAfter, body: sink.body)
    }

    private func setMethod(_ request: HTTPRequest) throws {
        switch (request.method, request.body) {
        case ("GET", nil): try set(CURLOPT_HTTPGET, 1)
        case (let method, let body?):
            // libcurl copies the body (COPYPOSTFIELDS), taking its size from POSTFIELDSIZE.
            try set(CURLOPT_POSTFIELDSIZE, body.count)
            if body.isEmpty {
                try set(CURLOPT_COPYPOSTFIELDS, "")
            } else {
                try body.withUnsafeBytes { bytes in
                    try set(CURLOPT_COPYPOSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: bytes.baseAddress!))
                }
            }
            if method != "POST" { try set(CURLOPT_CUSTOMREQUEST, method) }
        case (let method, nil):
            try set(CURLOPT_CUSTOMREQUEST, method)
            if method == "HEAD" { try set(CURLOPT_NOBODY, 1) }
        }
    }

    /// Sets the TLS options; returns the CONNECT_TO list, which must outlive the transfer.
    private func setTLS(_ auth: RequestAuth) throws -> UnsafeMutablePointer<curl_slist>? {
        guard server.isTLS else { return nil }
        var connectTo: UnsafeMutablePointer<curl_slist>? = nil
        if cluster.insecureSkipTLSVerify {
            try set(CURLOPT_SSL_VERIFYPEER, 0)
            try set(CURLOPT_SSL_VERIFYHOST, 0)
        } else if let authority {
            try setBlob(CURLOPT_CAINFO_BLOB, authority)
        }
        if let serverName = cluster.tlsServerName {
            // libcurl checks the certificate against the URL's host, so the URL names the
            // server name and CONNECT_TO sends the connection to the real address.
            connectTo = sa_curl_slist_append(nil, "\(serverName):\(server.port):\(server.host):\(server.port)")
            try set(CURLOPT_CONNECT_TO, list: connectTo)
        }
        if let certificate = auth.clientCertificate, let key = auth.clientKey {
            try set(CURLOPT_SSLCERTTYPE, "PEM")
            try setBlob(CURLOPT_SSLCERT_BLOB, certificate)
            try set(CURLOPT_SSLKEYTYPE, "PEM")
            try setBlob(CURLOPT_SSLKEY_BLOB, key)
        }
        return connectTo
    }

    // MARK: libcurl options

    private func set(_ option: CURLoption, _ value: Int) throws {
        try check(sa_curl_setopt_long(handle, option, value), option)
    }

    private func set(_ option: CURLoption, _ value: String) throws {
        try check(sa_curl_setopt_str(handle, option, value), option)
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer) throws {
        try check(sa_curl_setopt_ptr(handle, option, pointer), option)
    }

    private func set(_ option: CURLoption, list: UnsafeMutablePointer<curl_slist>?) throws {
        try check(sa_curl_setopt_slist(handle, option, list), option)
    }

    private func setBlob(_ option: CURLoption, _ bytes: SecretBytes) throws {
        let code = bytes.exposedValue.withUnsafeBytes { sa_curl_setopt_blob(handle, option, $0.baseAddress, $0.count) }
        try check(code, option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws {
        guard code == CURLE_OK else {
            let reason = String(cString: sa_curl_easy_strerror(code))
            throw SimArenaError(.temporary, "libcurl refused option \(option.rawValue): \(reason)")
        }
    }

    /// A failed exchange, described without the request's headers (they hold credentials).
    private func failure(_ code: CURLcode, detail: String, tooLarge: Bool) -> TransportFailure {
        let text = detail.isEmpty ? String(cString: sa_curl_easy_strerror(code)) : detail.trimmingWhitespace()
        switch code {
        case CURLE_WRITE_ERROR where tooLarge:
            return TransportFailure(
                reason: .other, message: "the response is larger than the \(maxResponseBytes)-byte limit")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return TransportFailure(reason: .unreachable, message: "cannot connect: \(text)")
        case CURLE_OPERATION_TIMEDOUT:
            let limits = "connect timeout \(Self.seconds(timeouts.connect)), total timeout \(Self.seconds(timeouts.total))"
            return TransportFailure(reason: .timedOut, message: "timed out (\(limits)): \(text)")
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE:
            return TransportFailure(reason: .dropped, message: "the connection was dropped: \(text)")
        case CURLE_PEER_FAILED_VERIFICATION:
            return TransportFailure(
                reason: .other,
                message: "TLS failed: \(text) (check the cluster's certificate-authority and tls-server-name)")
        case CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CONNECT_ERROR:
            return TransportFailure(reason: .other, message: "TLS failed: \(text)")
        default:
            return TransportFailure(reason: .other, message: text)
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}

/// The scheme, host, port and path prefix of a kubeconfig `server` URL.
struct ServerAddress {
    var isTLS: Bool
    /// The host as it appears in a URL (an IPv6 address keeps its brackets).
    var host: String
    var port: Int
    /// A path the API lives under, without a trailing slash (usually empty).
    var prefix: String

    init(_ url: String) throws {
        let invalid = SimArenaError(.data, "server \"\(url)\" is not an http:// or https:// URL with a host")
        let rest: Substring
        if url.hasPrefix("https://") {
            isTLS = true
            rest = url.dropFirst(8)
        } else if url.hasPrefix("http://") {
            isTLS = false
            rest = url.dropFirst(7)
        } else {
            throw invalid
        }
        let authority = rest.prefix { $0 != "/" }
        prefix = String(rest.dropFirst(authority.count))
        while prefix.hasSuffix("/") { prefix.removeLast() }
        var portText: Substring? = nil
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid }
            host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw invalid }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            host = String(authority)
        }
        guard !host.isEmpty, !host.contains("@") else { throw invalid }
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else { throw invalid }
            port = number
        } else {
            port = isTLS ? 443 : 80
        }
    }

    /// The URL of `path`, naming `serverName` instead of the host when one is given.
    func url(for path: String, serverName: String?) -> String {
        "\(isTLS ? "https" : "http")://\(isTLS ? serverName ?? host : host):\(port)\(prefix)\(path)"
    }
}

/// Collects a response for libcurl's callbacks, refusing bodies over the limit.
private final class ResponseSink {
    let limit: Int
    var body: [UInt8] = []
    var retryAfter: String?
    var overLimit = false

    init(limit: Int) { self.limit = limit }
}

private func receiveBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    guard sink.body.count + length <= sink.limit else {
        sink.overLimit = true
        return 0
    }
    if let data { sink.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length)) }
    return length
}

private func receiveHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    guard let data else { return length }
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    if line.hasPrefix("HTTP/") {
        sink.retryAfter = nil  // a new response (after a redirect or 100 Continue)
    } else if line.lowercased().hasPrefix("retry-after:") {
        sink.retryAfter = String(line.dropFirst("retry-after:".count)).trimmingWhitespace()
    }
    return length
}
