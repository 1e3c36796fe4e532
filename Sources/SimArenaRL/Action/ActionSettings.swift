import SimArenaModel
import SimArenaSimulation

/// Step sizes and safeguards for actions. Defaults are the original's: steps of 500m CPU, 256Mi
/// memory and one replica; CPU requests kept within 50m–16, memory within 64Mi–32Gi, replicas
/// within 1–100.
public struct ActionSettings: Sendable, Hashable {
    public var cpuStep = Quantity.millis(500)
    public var memoryStep = Quantity.bytes(256 << 20)
    public var replicaStep: Int64 = 1
    public var cpuRange = Quantity.millis(50)...Quantity.millis(16_000)
    public var memoryRange = Quantity.bytes(64 << 20)...Quantity.bytes(32 << 30)
    public var replicaRange: ClosedRange<Int64> = 1...100

    public init() {}
}

extension ActionSettings {
    /// As `run.json` records them: quantities in canonical form.
    public var value: KValue {
        [
            "cpu_step": .string(cpuStep.canonical), "mem_step": .string(memoryStep.canonical), "replica_step": .int(replicaStep),
            "cpu_min": .string(cpuRange.lowerBound.canonical), "cpu_max": .string(cpuRange.upperBound.canonical),
            "mem_min": .string(memoryRange.lowerBound.canonical), "mem_max": .string(memoryRange.upperBound.canonical),
            "replicas_min": .int(replicaRange.lowerBound), "replicas_max": .int(replicaRange.upperBound),
        ]
    }

    public init(reading fields: inout FieldReader) throws {
        func quantity(_ key: String, _ fallback: Quantity) throws -> Quantity {
            try fields.string(key).map { try Quantity(parsing: $0) } ?? fallback
        }
        self.init()
        cpuStep = try quantity("cpu_step", cpuStep)
        memoryStep = try quantity("mem_step", memoryStep)
        replicaStep = Int64(try fields.int("replica_step") ?? Int(replicaStep))
        let cpu = (try quantity("cpu_min", cpuRange.lowerBound), try quantity("cpu_max", cpuRange.upperBound))
        let memory = (try quantity("mem_min", memoryRange.lowerBound), try quantity("mem_max", memoryRange.upperBound))
        let replicas = (Int64(try fields.int("replicas_min") ?? 1), Int64(try fields.int("replicas_max") ?? 100))
        try setRanges(cpu: cpu, memory: memory, replicas: replicas)
        try validate()
    }

    /// Sets the three ranges from (minimum, maximum) pairs, refusing a minimum above its maximum
    /// (a range with its bounds the wrong way round would trap).
    public mutating func setRanges(cpu: (Quantity, Quantity), memory: (Quantity, Quantity), replicas: (Int64, Int64)) throws {
        func reversed(_ name: String, _ low: String, _ high: String) -> SimArenaError {
            SimArenaError(.usage, "--\(name)-min \(low) is above --\(name)-max \(high)")
        }
        if cpu.0 > cpu.1 { throw reversed("cpu", cpu.0.description, cpu.1.description) }
        if memory.0 > memory.1 { throw reversed("mem", memory.0.description, memory.1.description) }
        if replicas.0 > replicas.1 { throw reversed("replicas", String(replicas.0), String(replicas.1)) }
        cpuRange = cpu.0...cpu.1
        memoryRange = memory.0...memory.1
        replicaRange = replicas.0...replicas.1
    }

    /// Steps positive, each minimum at most its maximum; the message names the flags.
    public func validate() throws {
        guard cpuStep.sign > 0, memoryStep.sign > 0, replicaStep > 0 else {
            throw SimArenaError(.usage, "--cpu-step, --mem-step and --replica-step must be positive")
        }
        guard replicaRange.lowerBound >= 0 else { throw SimArenaError(.usage, "--replicas-min must not be negative") }
    }
}
