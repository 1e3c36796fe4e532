import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// A response from the API server, with how many attempts it took.
public struct KubeResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    public var attempts: Int

    /// The body as JSON.
    public func json() throws -> KValue {
        do {
            return try JSONReader.parse(body)
        } catch let error as SimArenaError {
            throw error.prefixed("the API server's response")
        }
    }
}

/// A Kubernetes API client over libcurl: requests with the resolved connection's credentials,
/// retried by the ``RetryPolicy``, with error responses turned into one-line messages that never
/// contain a credential. Errors are ``SimArenaError``s (kind `.temporary` for API and network
/// failures). A client keeps one connection and mutable credential state: use it from one
/// thread at a time.
public final class KubeClient {
    public let connection: KubeConnection
    public let credentials: ClusterCredentials
    public var retryPolicy: RetryPolicy
    private let transport: HTTPTransport

    public init(
        connection: KubeConnection, timeouts: HTTPTransport.Timeouts = HTTPTransport.Timeouts(),
        retryPolicy: RetryPolicy = RetryPolicy(), maxResponseBytes: Int = HTTPTransport.defaultMaxResponseBytes,
        warn: (String) -> Void = HTTPTransport.warnOnStandardError,
        clock: @escaping @Sendable () -> Double = RFC3339.now
    ) throws {
        self.connection = connection
        self.retryPolicy = retryPolicy
        credentials = try ClusterCredentials(
            user: connection.user, userName: connection.userName, cluster: connection.cluster, clock: clock)
        transport = try HTTPTransport(
            cluster: connection.cluster, timeouts: timeouts, maxResponseBytes: maxResponseBytes, warn: warn)
    }

    /// A client for the connection that kubectl's rules select from `options`.
    public convenience init(options: KubeConfigOptions, timeouts: HTTPTransport.Timeouts = HTTPTransport.Timeouts()) throws {
        try self.init(connection: try KubeConfigLoader.resolve(options), timeouts: timeouts)
    }

    // MARK: Requests

    /// Sends `request`, retrying as the policy says, and returns the final response whatever its
    /// status. After a 401, an exec plugin's credential is fetched again once.
    public func send(_ request: HTTPRequest) throws -> KubeResponse {
        var attempt = 0
        var refreshedCredentials = false
        while true {
            attempt += 1
            let auth = try credentials.current()
            let response: HTTPResponse
            do {
                response = try transport.perform(request, auth: auth)
            } catch let failure as TransportFailure {
                guard failure.isRetryable(method: request.method), attempt < retryPolicy.maxAttempts else {
                    let tries = attempt > 1 ? " (after \(attempt) attempts)" : ""
                    let url = connection.cluster.server + request.path
                    throw SimArenaError(.temporary, "\(request.method) \(url): \(failure.message)\(tries)")
                }
                retryPolicy.sleep(retryPolicy.delay(afterAttempt: attempt, retryAfter: nil))
                continue
            }
            if response.status == 401 && !refreshedCredentials && credentials.refreshAfterUnauthorized() {
                refreshedCredentials = true
                attempt -= 1  // the request again with a fresh credential is not a retry
                continue
            }
            if RetryPolicy.isRetryable(status: response.status) && attempt < retryPolicy.maxAttempts {
                let retryAfter = RetryPolicy.parseRetryAfter(response.retryAfter)
                retryPolicy.sleep(retryPolicy.delay(afterAttempt: attempt, retryAfter: retryAfter))
                continue
            }
            return KubeResponse(status: response.status, body: response.body, attempts: attempt)
        }
    }

    /// Sends `request` and returns the JSON body of a 2xx response, or throws the error's message.
    public func call(_ request: HTTPRequest) throws -> KValue {
        let response = try send(request)
        guard (200..<300).contains(response.status) else { throw failure(response, request) }
        return response.body.isEmpty ? .null : try response.json()
    }

    /// `GET path`.
    public func get(_ path: String) throws -> KValue {
        try call(HTTPRequest(method: "GET", path: path))
    }

    /// `GET path`, or nil when it does not exist (404).
    public func getIfPresent(_ path: String) throws -> KValue? {
        let request = HTTPRequest(method: "GET", path: path)
        let response = try send(request)
        if response.status == 404 { return nil }
        guard (200..<300).contains(response.status) else { throw failure(response, request) }
        return try response.json()
    }

    /// The `items` of a list (`/api/v1/namespaces/NS/pods`), optionally narrowed by a label
    /// selector (`app.kubernetes.io/managed-by=sim-arena`).
    public func list(_ path: String, labelSelector: String? = nil) throws -> [KValue] {
        let fullPath = labelSelector.map { path + "?labelSelector=" + Self.percentEncoded($0) } ?? path
        return try Self.items(of: try get(fullPath), at: path)
    }

    /// The `items` of a list the server sent for `GET path`.
    static func items(of list: KValue, at path: String) throws -> [KValue] {
        guard let items = list["items"] else { throw SimArenaError(.data, "GET \(path): the response is not a list") }
        return items.isNull ? [] : try items.requireArray(at: "GET \(path): items")
    }

    /// `text` with every byte but RFC 3986's unreserved characters percent-encoded, for a query
    /// value.
    public static func percentEncoded(_ text: String) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `POST collectionPath` with `object`; returns the created object.
    public func create(_ collectionPath: String, _ object: KValue) throws -> KValue {
        try call(HTTPRequest(method: "POST", path: collectionPath, body: try JSONWriter.encode(object, pretty: false)))
    }

    /// `POST collectionPath` with `object`; the created object, or nil when one of that name
    /// already exists (409).
    public func createIfAbsent(_ collectionPath: String, _ object: KValue) throws -> KValue? {
        let request = HTTPRequest(method: "POST", path: collectionPath, body: try JSONWriter.encode(object, pretty: false))
        let response = try send(request)
        if response.status == 409 { return nil }
        guard (200..<300).contains(response.status) else { throw failure(response, request) }
        return try response.json()
    }

    /// A JSON merge patch (RFC 7386) of the object at `path`; returns the patched object.
    public func mergePatch(_ path: String, _ patch: KValue) throws -> KValue {
        try call(HTTPRequest(
            method: "PATCH", path: path, body: try JSONWriter.encode(patch, pretty: false),
            contentType: "application/merge-patch+json"))
    }

    /// `DELETE path`; false when it was already gone (404).
    @discardableResult
    public func delete(_ path: String) throws -> Bool {
        let request = HTTPRequest(method: "DELETE", path: path)
        let response = try send(request)
        if response.status == 404 { return false }
        guard (200..<300).contains(response.status) else { throw failure(response, request) }
        return true
    }

    /// The server's `/version` document.
    public func version() throws -> KValue {
        try get("/version")
    }

    /// The one-line error for a failure status (``KubeStatusError``).
    func failure(_ response: KubeResponse, _ request: HTTPRequest) -> SimArenaError {
        KubeStatusError.make(
            status: response.status, body: response.body, method: request.method, path: request.path,
            credentials: credentials, attempts: response.attempts)
    }
}
