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
