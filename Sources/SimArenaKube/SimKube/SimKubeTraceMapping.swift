import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

#if canImport(Glibc)
import Glibc
#endif

extension SimKubeSettings {
    /// Makes `trace` (MessagePack) readable by the driver as `name` and returns the URL the
    /// Simulation's `tracePath` names: with ``traceDirectory`` the trace is copied there
    /// atomically; without it the user keeps ``traceURL`` in sync and the URL is only named.
    public func publishTrace(_ trace: [UInt8], as name: String) throws -> String {
        if let traceDirectory {
            try FileIO.writeAtomically(trace, to: "\(traceDirectory)/\(name)")
        }
        return "\(traceURL)/\(name)"
    }

    /// Removes a trace ``publishTrace(_:as:)`` copied, once its simulation is gone.
    public func withdrawTrace(_ name: String) {
        guard let traceDirectory else { return }
        _ = unlink("\(traceDirectory)/\(name)")
    }
}
