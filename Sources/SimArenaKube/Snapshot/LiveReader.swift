import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// The requests a ``NamespaceSnapshot`` makes: GETs only, never a write. A required read that
/// the server refuses fails the snapshot; a 403 is worded as SimKube preflight words a missing
/// permission (who may not do what, and the fix). An optional read hands back why it was
/// refused, for a warning.
struct LiveReader {
    let client: KubeClient
    let namespace: String

    /// Fails unless the namespace exists (and may be read).
    func requireNamespace() throws {
        let path = "/api/v1/namespaces/\(namespace)"
        guard case .failure(let refusal) = try get(path) else { return }
        guard refusal.status != 404 else {
            throw SimArenaError(.temporary, "namespace \(namespace) does not exist")
                .withFix("check the name and the kubeconfig context (kubectl get namespaces)")
        }
        throw refusal.status == 403 ? permissionError(path) : refusal.error
    }

    /// The items of the list at `path`.
    func requiredItems(_ path: String) throws -> [KValue] {
        switch try get(path) {
        case .success(let list): return try KubeClient.items(of: list, at: path)
        case .failure(let refusal): throw refusal.status == 403 ? permissionError(path) : refusal.error
        }
    }

    /// The items of the list at `path`, or nil when the server refuses it, after `unread` was
    /// told why in a few words.
    func optionalItems(_ path: String, unread: (String) -> Void) throws -> [KValue]? {
        switch try get(path) {
        case .success(let list):
            return try KubeClient.items(of: list, at: path)
        case .failure(let refusal):
            unread(refusal.status == 403 ? denial(path) : refusal.error.message)
            return nil
        }
    }

    // MARK: Parts

    /// A failure status and the client's one-line message for it.
    private struct Refusal: Error {
        var status: Int
        var error: SimArenaError
    }

    /// `GET path`: the JSON of a 2xx answer, or the refusal. Network failures are thrown.
    private func get(_ path: String) throws -> Result<KValue, Refusal> {
        let request = HTTPRequest(method: "GET", path: path)
        let response = try client.send(request)
        guard (200..<300).contains(response.status) else {
            return .failure(Refusal(status: response.status, error: client.failure(response, request)))
        }
        return .success(try response.json())
    }

    /// `user "alice" may not list deployments.apps in namespace "shop"`.
    private func denial(_ path: String) -> String {
        let target = ResourcePath(path)
        return "user \"\(client.connection.userName)\" may not \(target.verb(for: "GET")) \(target.resourceDescription)"
    }

    private func permissionError(_ path: String) -> SimArenaError {
        SimArenaError(.temporary, denial(path))
            .withFix("bind a Role in \(namespace) that grants get and list on namespaces, pods, deployments.apps and statefulsets.apps (docs/namespace-snapshot.md)")
    }
}
