import SimArenaModel

/// A pod's quality-of-service class, as the kubelet derives it from requests and limits.
public enum QoSClass: String, Sendable, Hashable {
    case guaranteed = "Guaranteed"
    case burstable = "Burstable"
    case bestEffort = "BestEffort"

    /// Kubernetes' rule (`GetPodQOS`), over cpu and memory of every container: no requests and no
    /// limits at all is BestEffort; every container limiting both cpu and memory with requests
    /// equal to limits is Guaranteed; anything else is Burstable. `containers` must already have
    /// the API server's defaulting applied (a missing request takes its limit).
    public init(containers: [ContainerModel]) {
        var anySet = false
        var guaranteed = true
        for container in containers {
            let resources = [(container.requests.cpuMillis, container.cpuLimit), (container.requests.memoryBytes, container.memoryLimit)]
            for (request, limit) in resources {
                if request > 0 || (limit ?? 0) > 0 { anySet = true }
                guard let limit, limit > 0, request == limit else {
                    guaranteed = false
                    continue
                }
            }
        }
        if !anySet {
            self = .bestEffort
        } else {
            self = guaranteed ? .guaranteed : .burstable
        }
    }
}
