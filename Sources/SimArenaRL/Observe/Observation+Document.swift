import SimArenaModel
import SimArenaSimulation

/// `observation.json`: the observation as a document, and back.
extension Observation {
    public static let format = "simarena.observation/v2"
    /// The formats a reader accepts: `v1` lacks what `v2` added (usage samples and percentiles,
    /// the largest node, whether the last action was blocked, the container count), read as
    /// none, false and 1.
    public static let readableFormats = [format, "simarena.observation/v1"]

    public var value: KValue {
        func amounts(_ amounts: ResourceAmounts) -> KValue { SimulationResult.amounts(amounts) }
        var map = KMap()
        map["format"] = .string(Self.format)
        map["workload"] = .string(workload)
        map["target"] = .int(target)
        map["goal"] = declaredGoal.map { .string($0.rawValue) } ?? .null
        map["at_target"] = .bool(atTarget)
        map["ready"] = .int(ready)
        map["pending"] = .int(pending)
        map["total"] = .int(total)
        map["running"] = .int(running)
        map["replicas"] = .int(replicas)
        map["unschedulable"] = .int(unschedulable)
        map["unschedulable_cpu"] = .int(unschedulableCPU)
        map["unschedulable_memory"] = .int(unschedulableMemory)
        map["oom_killed"] = .int(oomKilled)
        map["crash_looping"] = .int(crashLooping)
        map["throttled"] = .int(throttled)
        map["evicted"] = .int(evicted)
        map["restarts"] = .int(restarts)
        map["cpu_request"] = .string(cpuRequest.description)
        map["memory_request"] = .string(memoryRequest.description)
        map["cpu_limit"] = cpuLimit.map { .string($0.description) } ?? .null
        map["memory_limit"] = memoryLimit.map { .string($0.description) } ?? .null
        map["requested"] = amounts(requested)
        map["used"] = amounts(used)
        map["cpu_waste"] = .double(Self.rounded(cpuWaste))
        map["memory_waste"] = .double(Self.rounded(memoryWaste))
        map["cpu_usage"] = cpuUsage?.value ?? .null
        map["memory_usage"] = memoryUsage?.value ?? .null
        map["largest_node"] = largestNode.map(amounts) ?? .null
        map["last_action_blocked"] = .bool(lastActionBlocked)
        map["containers"] = .int(Int64(containers))
        map["features"] = .array(features.map { .float($0) })
        map["pods"] = .array(pods.map { pod in
            [
                "name": .string(pod.name), "phase": .string(pod.phase), "ready": .bool(pod.ready),
                "reason": pod.reason.map(KValue.string) ?? .null, "node": pod.node.map(KValue.string) ?? .null,
                "restarts": .int(pod.restartCount), "requests": amounts(pod.requests), "usage": amounts(pod.usage),
                "usage_samples": pod.usageSamples?.value ?? .null,
            ]
        })
        return .map(map)
    }

    /// Six decimals: enough for any decision, and stable text in files.
    public static func rounded(_ value: Double) -> Double {
        (value * 1_000_000).rounded() / 1_000_000
    }

    /// Reads `observation.json` (``readableFormats``).
    public init(document: KValue) throws {
        let map = try document.requireMap(at: "observation")
        guard let format = map["format"]?.stringValue, Self.readableFormats.contains(format) else {
            throw SimArenaError(.data, "observation: \"format\" is not \"\(Self.format)\" (or \"\(Self.readableFormats[1])\")")
        }
        func int(_ key: String) throws -> Int64 {
            guard let value = map[key] else { throw SimArenaError(.data, "observation: missing \"\(key)\"") }
            let count = try value.requireInt64(at: key)
            guard Self.countRange.contains(count) else {
                throw SimArenaError(.data, "observation: \(key): \(count) is not a count from 0 to \(Self.countRange.upperBound)")
            }
            return count
        }
        func quantity(_ key: String) throws -> Quantity? {
            guard let value = map[key], !value.isNull else { return nil }
            return try Quantity(value, at: key)
        }
        func present(_ value: KValue?) -> KValue? {
            guard let value, !value.isNull else { return nil }
            return value
        }
        workload = try map["workload"]?.requireString(at: "workload") ?? ""
        target = try int("target")
        declaredGoal = map["goal"]?.stringValue.flatMap(EpisodeGoal.init(rawValue:))
        ready = try int("ready")
        pending = try int("pending")
        total = try int("total")
        running = try int("running")
        replicas = try int("replicas")
        unschedulable = try int("unschedulable")
        unschedulableCPU = try int("unschedulable_cpu")
        unschedulableMemory = try int("unschedulable_memory")
        oomKilled = try int("oom_killed")
        crashLooping = try int("crash_looping")
        throttled = try int("throttled")
        evicted = try int("evicted")
        restarts = try int("restarts")
        cpuRequest = try quantity("cpu_request") ?? .millis(0)
        memoryRequest = try quantity("memory_request") ?? .bytes(0)
        cpuLimit = try quantity("cpu_limit")
        memoryLimit = try quantity("memory_limit")
        requested = try Self.amounts(map["requested"], at: "requested")
        used = try Self.amounts(map["used"], at: "used")
        largestNode = try present(map["largest_node"]).map { try Self.amounts($0, at: "largest_node") }
        lastActionBlocked = try map["last_action_blocked"]?.requireBool(at: "last_action_blocked") ?? false
        containers = Int(try map["containers"]?.requireInt64(at: "containers") ?? 1)
        (declaredCPUUsage, declaredMemoryUsage) = (present(map["cpu_usage"]) != nil, present(map["memory_usage"]) != nil)
        pods = try (map["pods"] ?? .array([])).requireArray(at: "pods").enumerated().map { index, item in
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
