/// How a scenario of the shifted suite (``ShiftedSuite``) differs from the generator's: each
/// family changes one thing an agent trained on the generator's scenarios never saw. Its
/// `metadata.scenario.failure_mode` is `shifted_<family>`; the generator's mode the problem
/// corresponds to is `base_failure_mode`. docs/scenarios.md describes each family.
public enum ScenarioShift: String, Sendable, Hashable, CaseIterable {
    /// Other workload names, namespaces, container names and images, and StatefulSets.
    case names
    /// Other cluster shapes: smaller or larger nodes, fewer or more, several pools; requests
    /// too high for those nodes.
    case cluster
    /// A sidecar container whose requests add to the pod's.
    case sidecar
    /// Another workload already holding much of every node.
    case neighbours
    /// Many replicas (20 to 60) of large pods on a larger cluster.
    case wide
    /// OOM kills and CPU starvation with larger limits and usage than the generator's.
    case limits
    /// Right-sizing larger requests against larger declared usage, sometimes with limits.
    case rightSizing = "right_sizing"
    /// Scheduling rules beyond the requests: pod anti-affinity and a zone spread that leave
    /// replicas Pending (fixed by scaling down), and a GPU request on a cluster without GPUs
    /// (unsolvable).
    case placement

    /// `metadata.scenario.failure_mode`: `shifted_names`, `shifted_right_sizing`, …
    public var failureMode: String { "shifted_" + rawValue }

    /// The file-name prefix of the family's scenarios: `names`, `right-sizing`, …
    public var filePrefix: String { String(rawValue.map { $0 == "_" ? "-" : $0 }) }
}
