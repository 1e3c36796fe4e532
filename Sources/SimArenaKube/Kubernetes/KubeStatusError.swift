import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// Turns a Kubernetes error response into one line that says what failed, for whom and why:
///
///     401 Unauthorized for user "alice" (token auth) on GET /api/v1/namespaces: <message>
///     403 Forbidden: user "alice" cannot create simulations.simkube.io: <message>
///     404 Not Found on GET /apis/simkube.io/v1/simulations/x: <message>
///
/// `<message>` is the `message` of the `Status` object the API server sends with errors.
enum KubeStatusError {
    static func make(
        status: Int, body: [UInt8], method: String, path: String, credentials: ClusterCredentials, attempts: Int
    ) -> SimArenaError {
        let title = reasonPhrase(status).map { "\(status) \($0)" } ?? "HTTP \(status)"
        let route = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        var text: String
        switch status {
        case 401:
            text = "\(title) for user \"\(credentials.userName)\" (\(credentials.method.rawValue)) on \(method) \(route)"
        case 403:
            let target = ResourcePath(route)
            let action = "\(target.verb(for: method)) \(target.resourceDescription)"
            text = "\(title): user \"\(credentials.userName)\" cannot \(action)"
        default:
            text = "\(title) on \(method) \(route)"
        }
        if let message = statusMessage(body) { text += ": \(message)" }
        if attempts > 1 { text += " (after \(attempts) attempts)" }
        return SimArenaError(.temporary, text)
    }

    /// The `message` of a `Status` body, or a short non-JSON body's first line.
    static func statusMessage(_ body: [UInt8]) -> String? {
        if let document = try? JSONReader.parse(body), document["kind"]?.stringValue == "Status" {
            return document["message"]?.stringValue.flatMap { $0.isEmpty ? nil : oneLine($0) }
        }
        guard !body.isEmpty, body.count <= 1024, body.first != UInt8(ascii: "{") else { return nil }
        return oneLine(String(decoding: body, as: UTF8.self))
    }

    private static func oneLine(_ text: String) -> String? {
        let line = text.split(whereSeparator: \.isNewline).first.map { String($0).trimmingWhitespace() } ?? ""
        guard !line.isEmpty else { return nil }
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

    static func reasonPhrase(_ status: Int) -> String? {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 413: return "Request Entity Too Large"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return nil
        }
    }
}

/// What an API path names: `/api/v1/namespaces/NS/pods/NAME` or
/// `/apis/GROUP/VERSION/RESOURCE/NAME`, in the form `kubectl auth can-i` uses (`pods`,
/// `simulations.simkube.io`).
struct ResourcePath {
    var group = ""
    var resource = ""
    var namespace: String?
    var name: String?

    init(_ path: String) {
        var parts = path.split(separator: "/").map(String.init)
        if parts.first == "api", parts.count >= 2 {
            parts.removeFirst(2)
        } else if parts.first == "apis", parts.count >= 3 {
            group = parts[1]
            parts.removeFirst(3)
        } else {
            resource = path
            return
        }
        if parts.first == "namespaces", parts.count >= 3 {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        resource = parts.first ?? ""
        name = parts.count >= 2 ? parts[1] : nil
    }

    /// The RBAC verb for an HTTP method on this path.
    func verb(for method: String) -> String {
        switch method {
        case "GET": return name == nil ? "list" : "get"
        case "POST": return "create"
        case "PUT": return "update"
        case "PATCH": return "patch"
        case "DELETE": return name == nil ? "deletecollection" : "delete"
        default: return method.lowercased()
        }
    }

    /// `simulations.simkube.io`, `pods in namespace "ns"`.
    var resourceDescription: String {
        var text = group.isEmpty ? resource : "\(resource).\(group)"
        if let namespace { text += " in namespace \"\(namespace)\"" }
        return text
    }
}
