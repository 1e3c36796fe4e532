import SimArenaModel
import SimArenaSimulation

/// `observation.json`: the observation as a document, and back.
extension Observation {
    public static let format = "simarena.observation/v2"
    /// The formats a reader accepts: `v1` lacks what `v2` added (usage samples and percentiles,
    /// the largest node, whether the last action was blocked, the container count), read as
    /// none, false and 1.
    public static let readableFormats = [format, "simarena.observation/v1"]

    /// One member of the document, in the document's order: the one place that names each
    /// field and says how it is written (``value``, and the step record's `obs`).
    public enum Field: String, CaseIterable, Sendable {
        case format, workload, target, goal
        case atTarget = "at_target"
        case ready, pending, total, running, replicas, unschedulable
        case unschedulableCPU = "unschedulable_cpu"
        case unschedulableMemory = "unschedulable_memory"
        case oomKilled = "oom_killed"
        case crashLooping = "crash_looping"
        case throttled, evicted, restarts
        case cpuRequest = "cpu_request"
        case memoryRequest = "memory_request"
        case cpuLimit = "cpu_limit"
        case memoryLimit = "memory_limit"
        case requested, used
        case cpuWaste = "cpu_waste"
        case memoryWaste = "memory_waste"
        case cpuUsage = "cpu_usage"
        case memoryUsage = "memory_usage"
        case largestNode = "largest_node"
        case lastActionBlocked = "last_action_blocked"
        case containers, features, pods
    }

    /// The document (`observation.json`).
    public var value: KValue { document(Field.allCases) }

    /// A document of just `fields`, in the order given.
    public func document(_ fields: [Field]) -> KValue {
        .map(KMap(fields.map { KMap.Entry(key: .string($0.rawValue), value: self[$0]) }))
    }

    /// The value of one member of the document.
    public subscript(field: Field) -> KValue {
        func amounts(_ amounts: ResourceAmounts) -> KValue { SimulationResult.amounts(amounts) }
        switch field {
        case .format: return .string(Self.format)
        case .workload: return .string(workload)
        case .target: return .int(target)
        case .goal: return declaredGoal.map { .string($0.rawValue) } ?? .null
        case .atTarget: return .bool(atTarget)
        case .ready: return .int(ready)
        case .pending: return .int(pending)
        case .total: return .int(total)
        case .running: return .int(running)
        case .replicas: return .int(replicas)
        case .unschedulable: return .int(unschedulable)
        case .unschedulableCPU: return .int(unschedulableCPU)
        case .unschedulableMemory: return .int(unschedulableMemory)
        case .oomKilled: return .int(oomKilled)
        case .crashLooping: return .int(crashLooping)
        case .throttled: return .int(throttled)
        case .evicted: return .int(evicted)
        case .restarts: return .int(restarts)
        case .cpuRequest: return .string(cpuRequest.description)
        case .memoryRequest: return .string(memoryRequest.description)
        case .cpuLimit: return cpuLimit.map { .string($0.description) } ?? .null
        case .memoryLimit: return memoryLimit.map { .string($0.description) } ?? .null
        case .requested: return amounts(requested)
        case .used: return amounts(used)
        case .cpuWaste: return .double(Self.rounded(cpuWaste))
        case .memoryWaste: return .double(Self.rounded(memoryWaste))
        case .cpuUsage: return cpuUsage?.value ?? .null
        case .memoryUsage: return memoryUsage?.value ?? .null
        case .largestNode: return largestNode.map(amounts) ?? .null
        case .lastActionBlocked: return .bool(lastActionBlocked)
        case .containers: return .int(Int64(containers))
        case .features: return .array(features.map { .float($0) })
        case .pods:
            return .array(pods.map { pod in
                [
                    "name": .string(pod.name), "phase": .string(pod.phase), "ready": .bool(pod.ready),
                    "reason": pod.reason.map(KValue.string) ?? .null, "node": pod.node.map(KValue.string) ?? .null,
                    "restarts": .int(pod.restartCount), "requests": amounts(pod.requests), "usage": amounts(pod.usage),
                    "usage_samples": pod.usageSamples?.value ?? .null,
                ]
            })
        }
    }

    /// Six decimals: enough for any decision, and stable text in files.
    public static func rounded(_ value: Double) -> Double {
        (value * 1_000_000).rounded() / 1_000_000
    }

    /// Reads `observation.json` (``readableFormats``).
    public init(document: KValue) throws {
        let map = try document.requireMap(at: "observation")
        guard let format = map[Field.format.rawValue]?.stringValue, Self.readableFormats.contains(format) else {
            throw SimArenaError(.data, "observation: \"format\" is not \"\(Self.format)\" (or \"\(Self.readableFormats[1])\")")
        }
        func int(_ field: Field) throws -> Int64 {
            let key = field.rawValue
            guard let value = map[key] else { throw SimArenaError(.data, "observation: missing \"\(key)\"") }
            let count = try value.requireInt64(at: key)
            guard Self.countRange.contains(count) else {
                throw SimArenaError(.data, "observation: \(key): \(count) is not a count from 0 to \(Self.countRange.upperBound)")
            }
            return count
        }
        func quantity(_ field: Field) throws -> Quantity? {
            guard let value = map[field.rawValue], !value.isNull else { return nil }
            return try Quantity(value, at: field.rawValue)
        }
        func present(_ value: KValue?) -> KValue? {
            guard let value, !value.isNull else { return nil }
            return value
        }
        workload = try map[Field.workload.rawValue]?.requireString(at: Field.workload.rawValue) ?? ""
        target = try int(.target)
        declaredGoal = map[Field.goal.rawValue]?.stringValue.flatMap(EpisodeGoal.init(rawValue:))
        ready = try int(.ready)
        pending = try int(.pending)
        total = try int(.total)
        running = try int(.running)
        replicas = try int(.replicas)
        unschedulable = try int(.unschedulable)
        unschedulableCPU = try int(.unschedulableCPU)
        unschedulableMemory = try int(.unschedulableMemory)
        oomKilled = try int(.oomKilled)
        crashLooping = try int(.crashLooping)
        throttled = try int(.throttled)
        evicted = try int(.evicted)
        restarts = try int(.restarts)
        cpuRequest = try quantity(.cpuRequest) ?? .millis(0)
        memoryRequest = try quantity(.memoryRequest) ?? .bytes(0)
        cpuLimit = try quantity(.cpuLimit)
        memoryLimit = try quantity(.memoryLimit)
        requested = try Self.amounts(map[Field.requested.rawValue], at: Field.requested.rawValue)
        used = try Self.amounts(map[Field.used.rawValue], at: Field.used.rawValue)
        largestNode = try present(map[Field.largestNode.rawValue]).map { try Self.amounts($0, at: Field.largestNode.rawValue) }
        lastActionBlocked = try map[Field.lastActionBlocked.rawValue]?.requireBool(at: Field.lastActionBlocked.rawValue) ?? false
        containers = Int(try map[Field.containers.rawValue]?.requireInt64(at: Field.containers.rawValue) ?? 1)
        (declaredCPUUsage, declaredMemoryUsage) = (present(map[Field.cpuUsage.rawValue]) != nil,
                                                   present(map[Field.memoryUsage.rawValue]) != nil)
        pods = try (map[Field.pods.rawValue] ?? .array([])).requireArray(at: Field.pods.rawValue).enumerated().map { index, item in
            let path = "pods[\(index)]"
            return Pod(
                name: try item["name"]?.requireString(at: "\(path).name") ?? "",
                phase: try item["phase"]?.requireString(at: "\(path).phase") ?? "Pending",
                ready: try item["ready"]?.requireBool(at: "\(path).ready") ?? false,
                reason: item["reason"]?.stringValue, node: item["node"]?.stringValue,
                restartCount: try item["restarts"]?.requireInt64(at: "\(path).restarts") ?? 0,
                requests: try Self.amounts(item["requests"], at: "\(path).requests"),
                usage: try Self.amounts(item["usage"], at: "\(path).usage"),
                usageSamples: try present(item["usage_samples"]).map { try UsageSamples($0, at: "\(path).usage_samples") })
        }
    }
}
