#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM, caught instead of ending the process, so that a long step (a SimKube
/// Simulation, a run of many steps) can finish or clean up before exiting.
public enum InterruptSignals {
    nonisolated(unsafe) private static var caught: Int32 = 0
    nonisolated(unsafe) private static var installed = false

    /// Catches SIGINT and SIGTERM from now on.
    public static func install() {
        installed = true
        for number in [SIGINT, SIGTERM] {
            _ = signal(number) { number in InterruptSignals.caught = number }
        }
    }

    /// Whether this process catches them (then outside programs it runs are stopped on either).
    public static var isInstalled: Bool { installed }

    /// The signal caught, if any.
    public static func received() -> Int32? {
        caught == 0 ? nil : caught
    }
}

/// A signal arrived while a Simulation ran; it has been deleted.
public struct SimKubeInterrupted: Error, Sendable {
    public var signal: Int32
    public var simulation: String

    public init(signal: Int32, simulation: String) {
        self.signal = signal
        self.simulation = simulation
    }
}
