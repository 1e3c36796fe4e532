import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// The configuration of a process running in a pod: the API server from
/// `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT`, and the service account's token,
/// CA certificate and namespace from its mounted folder.
public enum InClusterConfig {
    public static let defaultServiceAccountFolder = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The in-cluster connection, or nil when not running in a pod. The token is read from its
    /// file on each change, since the kubelet rotates it.
    public static func load(environment: (String) -> String?, folder: String) throws -> KubeConnection? {
        guard let host = environment("KUBERNETES_SERVICE_HOST"), !host.isEmpty,
            let port = environment("KUBERNETES_SERVICE_PORT"), !port.isEmpty
        else { return nil }
        let tokenFile = folder + "/token"
        guard FileIO.exists(tokenFile) else {
            throw SimArenaError(.noInput, "\(tokenFile): no service-account token, though KUBERNETES_SERVICE_HOST is set")
        }
        let authorityFile = folder + "/ca.crt"
        let namespaceFile = folder + "/namespace"
        var namespace = "default"
        if FileIO.exists(namespaceFile) {
            let text = String(decoding: try FileIO.read(namespaceFile, limit: 4096), as: UTF8.self).trimmingWhitespace()
            if !text.isEmpty { namespace = text }
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let cluster = KubeCluster(
            server: "https://\(hostPart):\(port)",
            certificateAuthority: FileIO.exists(authorityFile) ? .file(authorityFile) : nil)
        return KubeConnection(
            cluster: cluster, user: KubeUser(tokenFile: tokenFile), userName: "service account (in-cluster)",
            namespace: namespace)
    }
}
