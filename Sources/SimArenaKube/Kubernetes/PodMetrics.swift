import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// The resource metrics API's PodMetrics (`metrics.k8s.io/v1beta1`, served by metrics-server, or
/// by KWOK when it simulates usage): what each container of a pod uses now.
enum PodMetrics {
    /// The PodMetrics list of a namespace.
    static func path(namespace: String) -> String {
        "/apis/metrics.k8s.io/v1beta1/namespaces/\(namespace)/pods"
    }

    /// Pod name → its containers' usage, in the order listed.
    static func containerUsage(_ items: [KValue]) throws -> [String: [(container: String, usage: ResourceAmounts)]] {
        var usage: [String: [(container: String, usage: ResourceAmounts)]] = [:]
        for (index, item) in items.enumerated() {
            let name = try item["metadata"]?["name"]?.requireString(at: "PodMetrics items[\(index)].metadata.name") ?? ""
            usage[name] = try (item["containers"]?.arrayValue ?? []).map { container in
                let list = try container["usage"].map { try ResourceList($0, at: "PodMetrics \(name): containers[].usage") } ?? ResourceList()
                return (container["name"]?.stringValue ?? "",
                        ResourceAmounts(cpuMillis: list["cpu"]?.milliValue ?? 0, memoryBytes: list["memory"]?.value ?? 0))
            }
        }
        return usage
    }
}
