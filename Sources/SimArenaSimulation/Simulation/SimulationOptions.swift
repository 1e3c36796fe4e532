import SimArenaModel

/// How long to simulate and with which seed.
public struct SimulationOptions: Sendable, Hashable {
    /// The most simulated time one run may cover (one day).
    public static let maxDuration: Int64 = 86_400_000

    /// Simulated milliseconds from the first trace event (the original's step waited 90 s).
    public var duration: Int64
    /// Seeds the KWOK-style delay jitter and generated pod names.
    public var seed: UInt64

    public init(duration: Int64 = 90_000, seed: UInt64 = 0) {
        self.duration = duration
        self.seed = seed
    }
}
