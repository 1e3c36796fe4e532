import ArgumentParser
import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

extension Quantity: ExpressibleByArgument {
    public init?(argument: String) {
        try? self.init(parsing: argument)
    }
}

extension DataFormat: ExpressibleByArgument {}
extension RewardFunction: ExpressibleByArgument {}
extension EpisodeGoal: ExpressibleByArgument {}
extension HandCodedPolicy: ExpressibleByArgument {}

/// The action step sizes and safeguards, as flags; unset ones keep the run's (or the defaults
/// of ``ActionSettings``).
public struct ActionSettingsOptions: ParsableArguments {
    @Option(name: .customLong("cpu-step"), help: "CPU added or removed by a CPU action (default 500m).")
    var cpuStep: Quantity?

    @Option(name: .customLong("mem-step"), help: "Memory added or removed by a memory action (default 256Mi).")
    var memoryStep: Quantity?

    @Option(name: .customLong("replica-step"), help: "Replicas added or removed by a scaling action (default 1).")
    var replicaStep: Int64?

    @Option(name: .customLong("cpu-min"), help: "Lowest CPU request a reduction may reach (default 50m).")
    var cpuMin: Quantity?

    @Option(name: .customLong("cpu-max"), help: "Highest CPU request an increase may reach (default 16).")
    var cpuMax: Quantity?

    @Option(name: .customLong("mem-min"), help: "Lowest memory request a reduction may reach (default 64Mi).")
    var memoryMin: Quantity?

    @Option(name: .customLong("mem-max"), help: "Highest memory request an increase may reach (default 32Gi).")
    var memoryMax: Quantity?

    @Option(name: .customLong("replicas-min"), help: "Fewest replicas a scale-down may reach (default 1).")
    var replicasMin: Int64?

    @Option(name: .customLong("replicas-max"), help: "Most replicas a scale-up may reach (default 100).")
    var replicasMax: Int64?

    public init() {}

    /// `base` with the flags given applied; refuses steps that are not positive and minima above maxima.
    public func applied(to base: ActionSettings) throws -> ActionSettings {
        var settings = base
        settings.cpuStep = cpuStep ?? base.cpuStep
        settings.memoryStep = memoryStep ?? base.memoryStep
        settings.replicaStep = replicaStep ?? base.replicaStep
        let cpu = (cpuMin ?? base.cpuRange.lowerBound, cpuMax ?? base.cpuRange.upperBound)
        let memory = (memoryMin ?? base.memoryRange.lowerBound, memoryMax ?? base.memoryRange.upperBound)
        let replicas = (replicasMin ?? base.replicaRange.lowerBound, replicasMax ?? base.replicaRange.upperBound)
        try settings.setRanges(cpu: cpu, memory: memory, replicas: replicas)
        try settings.validate()
        return settings
    }
}

/// The target workload, as flags shared by the stages that look it up in a trace.
public struct WorkloadOptions: ParsableArguments {
    @Option(help: "The target workload's name.")
    public var deploy: String?

    @Option(help: "The target workload's namespace (default: the first workload of that name).")
    public var namespace: String?

    public init() {}

    /// `configuration` with the flags given applied.
    public func apply(to configuration: inout RunConfiguration) {
        configuration.workload = deploy ?? configuration.workload
        configuration.namespace = namespace ?? configuration.namespace
    }
}
