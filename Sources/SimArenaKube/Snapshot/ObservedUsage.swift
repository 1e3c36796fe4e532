import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// What a workload's containers were seen using, as its pod template's `simarena.io/usage`
/// annotation declares it to the simulator (``UsageAnnotation``), per container in template
/// order:
///
/// - from PodMetrics, the largest CPU and the largest memory any of the workload's pods reported,
///   as constants: the pods ran side by side, so their values are no time series, and the
///   largest is what every replica must be sized for;
/// - for a container OOM-killed in some pod (its current or last state `terminated` with reason
///   `OOMKilled`), memory of at least ``oomMemory(limit:)``, above its memory limit, so that the
///   simulator kills it too. Without a memory limit the kill is not reproduced (a warning).
struct ObservedUsage {
    struct Container {
        var name: String
        var cpuMillis: Int64?
        var memoryBytes: Int64?
    }

    /// The containers with an observed usage.
    private(set) var containers: [Container] = []
    private(set) var warnings: [String] = []

    /// `pods` are the workload's, sorted by name; `metrics` the namespace's PodMetrics by pod
    /// name, nil when not read.
    init(_ workload: TracedWorkload, pods: [KValue], metrics: [String: [(container: String, usage: ResourceAmounts)]]?) {
        let names = pods.compactMap { $0["metadata"]?["name"]?.stringValue }
        let oomKilled = Self.oomKilledContainers(pods)
        for spec in workload.template.containers {
            var container = Container(name: spec.name)
            for name in names {
                guard let usage = metrics?[name]?.first(where: { $0.container == spec.name })?.usage else { continue }
                container.cpuMillis = max(container.cpuMillis ?? 0, usage.cpuMillis)
                container.memoryBytes = max(container.memoryBytes ?? 0, usage.memoryBytes)
            }
            if let pod = oomKilled[spec.name] {
                if let limit = spec.limits["memory"]?.value {
                    container.memoryBytes = max(container.memoryBytes ?? 0, Self.oomMemory(limit: limit))
                } else {
                    warnings.append("\(workload.title): container \(spec.name) was OOMKilled in pod \(pod) without a memory limit; the simulator does not reproduce that kill")
                }
            }
            if container.cpuMillis != nil || container.memoryBytes != nil { containers.append(container) }
        }
    }

    /// The annotation's text, compact JSON (`{"web":{"cpu":"300m","memory":"282Mi"}}`), or nil
    /// when nothing was observed.
    var annotation: String? {
        guard !containers.isEmpty else { return nil }
        var json = KMap()
        for container in containers {
            var usage = KMap()
            if let cpu = container.cpuMillis { usage["cpu"] = .string(ScenarioRules.formatCPU(cpu)) }
            if let memory = container.memoryBytes { usage["memory"] = .string(ScenarioRules.formatMemory(memory)) }
            json[container.name] = .map(usage)
        }
        // Encoding strings and maps cannot fail (only NaN and infinity can).
        return String(decoding: (try? JSONWriter.encode(.map(json), pretty: false)) ?? [], as: UTF8.self)
    }

    /// The memory usage that reproduces an OOM kill under a memory limit of `limit` bytes: 10%
    /// above it, rounded up to a whole MiB.
    static func oomMemory(limit: Int64) -> Int64 {
        let raised = limit + (limit + 9) / 10
        return (raised + ScenarioRules.mebibyte - 1) / ScenarioRules.mebibyte * ScenarioRules.mebibyte
    }

    /// Container name → the first of `pods` in which it was OOM-killed.
    private static func oomKilledContainers(_ pods: [KValue]) -> [String: String] {
        var found: [String: String] = [:]
        for pod in pods {
            let name = pod["metadata"]?["name"]?.stringValue ?? ""
            for status in pod["status"]?["containerStatuses"]?.arrayValue ?? [] {
                let states = [status["state"], status["lastState"]].compactMap { $0?["terminated"]?["reason"]?.stringValue }
                guard states.contains("OOMKilled"), let container = status["name"]?.stringValue else { continue }
                if found[container] == nil { found[container] = name }
            }
        }
        return found
    }
}
