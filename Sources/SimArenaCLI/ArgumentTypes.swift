import ArgumentParser
import SimArenaCore

extension Quantity: ExpressibleByArgument {
    public init?(argument: String) {
        try? self.init(parsing: argument)
    }
}

extension DataFormat: ExpressibleByArgument {}
extension RewardFunction: ExpressibleByArgument {}
extension EpisodeGoal: ExpressibleByArgument {}
extension HandCodedPolicy: ExpressibleByArgument {}

/// The action step sizes and safeguards, as flags shared by the stages that need them.
public struct ActionSettingsOptions: ParsableArguments {
    @Option(name: .customLong("cpu-step"), help: "CPU added or removed by a CPU action.")
    var cpuStep: Quantity = ActionSettings().cpuStep

    @Option(name: .customLong("mem-step"), help: "Memory added or removed by a memory action.")
    var memoryStep: Quantity = ActionSettings().memoryStep

    @Option(name: .customLong("replica-step"), help: "Replicas added or removed by a scaling action.")
    var replicaStep: Int64 = ActionSettings().replicaStep

    @Option(name: .customLong("cpu-min"), help: "Lowest CPU request a reduction may reach.")
    var cpuMin: Quantity = ActionSettings().cpuRange.lowerBound

    @Option(name: .customLong("cpu-max"), help: "Highest CPU request an increase may reach.")
    var cpuMax: Quantity = ActionSettings().cpuRange.upperBound

    @Option(name: .customLong("mem-min"), help: "Lowest memory request a reduction may reach.")
    var memoryMin: Quantity = ActionSettings().memoryRange.lowerBound

    @Option(name: .customLong("mem-max"), help: "Highest memory request an increase may reach.")
    var memoryMax: Quantity = ActionSettings().memoryRange.upperBound

    @Option(name: .customLong("replicas-min"), help: "Fewest replicas a scale-down may reach.")
    var replicasMin: Int64 = ActionSettings().replicaRange.lowerBound

    @Option(name: .customLong("replicas-max"), help: "Most replicas a scale-up may reach.")
    var replicasMax: Int64 = ActionSettings().replicaRange.upperBound

    public init() {}

    public func validate() throws {
        guard cpuStep.sign > 0, memoryStep.sign > 0, replicaStep > 0 else {
            throw ValidationError("--cpu-step, --mem-step and --replica-step must be positive")
        }
        guard cpuMin <= cpuMax, memoryMin <= memoryMax, replicasMin <= replicasMax, replicasMin >= 0 else {
            throw ValidationError("each --*-min must be at most its --*-max (and replicas not negative)")
        }
    }

    public var settings: ActionSettings {
        var settings = ActionSettings()
        settings.cpuStep = cpuStep
        settings.memoryStep = memoryStep
        settings.replicaStep = replicaStep
        settings.cpuRange = cpuMin...cpuMax
        settings.memoryRange = memoryMin...memoryMax
        settings.replicaRange = replicasMin...replicasMax
        return settings
    }
}

/// The target workload, as flags shared by the stages that look it up in a trace.
public struct WorkloadOptions: ParsableArguments {
    @Option(help: "The target workload's name.")
    public var deploy: String

    @Option(help: "The target workload's namespace (default: the first workload of that name).")
    public var namespace: String?

    public init() {}
}
