import SimArenaModel
import SimArenaSimulation

/// The right-sizing rules users run today, as policies in the gym's action space: the Vertical
/// Pod Autoscaler recommender's and Robusta KRR's `simple` strategy. Each computes a target
/// request for the container actions change from the usage the observation reports
/// (``Observation/cpuUsage``, ``Observation/memoryUsage``), then steps toward it. docs/benchmark.md
/// cites the sources and says what does not carry over.
public enum UsageRecommender: Sendable {
    case vpa
    case krr

    /// Target requests; nil for a resource with no usage to base one on.
    public struct Targets: Sendable, Hashable {
        public var cpuMillis: Int64?
        public var memoryBytes: Int64?

        public init(cpuMillis: Int64?, memoryBytes: Int64?) {
            (self.cpuMillis, self.memoryBytes) = (cpuMillis, memoryBytes)
        }
    }

    static let mebibyte: Int64 = 1 << 20

    /// What the rules recommend for `observation`.
    public func targets(_ observation: Observation) -> Targets {
        let containers = Int64(max(observation.containers, 1))
        let cpu = observation.cpuUsage.map { Double($0.p90.milliValue) }
        switch self {
        case .vpa:
            // kubernetes/autoscaler vertical-pod-autoscaler/pkg/recommender/logic/recommender.go: the
            // P90 of usage plus a 15% safety margin, at least 25m CPU and 250Mi memory per pod,
            // split evenly across its containers.
            var targets = Targets(
                cpuMillis: cpu.map { max(Self.up($0 * 1.15), Self.up(25 / Double(containers))) },
                memoryBytes: observation.memoryUsage.map {
                    max(Self.up(Double($0.p90.value) * 1.15), Self.up(Double(250 * Self.mebibyte) / Double(containers)))
                })
            // …/model/container.go RecordOOM: after an OOM kill, at least max(used + 100Mi,
            // used × 1.2), used being the larger of the request and the observed peak.
            if observation.oomKilled > 0 {
                let used = max(observation.memoryRequest.value, observation.memoryUsage?.max.value ?? 0)
                let needed = max(used + 100 * Self.mebibyte, Self.up(Double(used) * 1.2))
                targets.memoryBytes = max(targets.memoryBytes ?? 0, needed)
            }
            return targets
        case .krr:
            // robusta-dev/krr robusta_krr/strategies/simple.py: CPU at the P95 of usage, memory at
            // the peak plus a 15% buffer; at least 10m CPU and 100Mi memory (its --cpu-min and
            // --mem-min defaults). OOM kills are not read (--use-oomkill-data is off by default).
            return Targets(
                cpuMillis: observation.cpuUsage.map { max($0.p95.milliValue, 10) },
                memoryBytes: observation.memoryUsage.map { max(Self.up(Double($0.max.value) * 1.15), 100 * Self.mebibyte) })
        }
    }

    /// One step toward the targets: a request below its target goes up a step, one at least a
    /// step above it comes down a step (so it settles within a step above: the target is a
    /// floor). CPU first, memory first after an OOM kill. Noop when both are in place or
    /// there is no usage to go by. Replicas are never changed.
    public func action(_ observation: Observation, settings: ActionSettings) -> AgentAction {
        let targets = targets(observation)
        let cpu = Self.move(observation.cpuRequest.milliValue, toward: targets.cpuMillis, step: settings.cpuStep.milliValue,
                            up: .bumpCPUSmall, down: .reduceCPUSmall)
        let memory = Self.move(observation.memoryRequest.value, toward: targets.memoryBytes, step: settings.memoryStep.value,
                               up: .bumpMemorySmall, down: .reduceMemorySmall)
        let order = observation.oomKilled > 0 ? [memory, cpu] : [cpu, memory]
        return order.compactMap { $0 }.first ?? .noop
    }

    private static func move(_ request: Int64, toward target: Int64?, step: Int64, up: AgentAction, down: AgentAction) -> AgentAction? {
        guard let target else { return nil }
        if request < target { return up }
        if request - step >= target { return down }
        return nil
    }

    /// Rounded up to a whole unit (millicore or byte), as the recommender rounds.
    private static func up(_ value: Double) -> Int64 {
        Int64(value.rounded(.up))
    }
}
