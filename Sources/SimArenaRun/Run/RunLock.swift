import SimArenaModel
import SimArenaSimulation
import SimArenaRL

#if canImport(Glibc)
import Glibc
#endif

/// The `lock` file of a run directory: the pid of the live orchestrator. A lock whose process
/// no longer exists (a run killed with SIGKILL) is stale and is taken over.
public enum RunLock {
    public static func path(in runDirectory: String) -> String { runDirectory + "/lock" }

    /// Whether the process, or any process of the group it leads (the stage it was running when
    /// it was killed alone), still exists. Signal 0 probes without sending anything.
    public static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM || kill(-pid, 0) == 0 || errno == EPERM
    }

    /// Takes the lock for `pid`, or says who holds it. Returns a note when a stale lock was
    /// taken over.
    @discardableResult
    public static func acquire(_ runDirectory: String, pid: Int32) throws -> String? {
        let lock = path(in: runDirectory)
        var note: String?
        if FileIO.exists(lock) {
            let text = String(decoding: (try? FileIO.read(lock, limit: 64)) ?? [], as: UTF8.self)
            let holder = Int32(text.split(separator: "\n").first ?? "") ?? 0
            if holder == pid { return nil }
            if isAlive(holder) {
                throw SimArenaError(.temporary, "\(lock): the run is locked by process \(holder), which is still running")
            }
            note = "took over a stale lock of process \(holder)"
        }
        try FileIO.writeAtomically(Array("\(pid)\n".utf8), to: lock)
        return note
    }

    /// Removes the lock if `pid` holds it.
    public static func release(_ runDirectory: String, pid: Int32) {
        let lock = path(in: runDirectory)
        let text = String(decoding: (try? FileIO.read(lock, limit: 64)) ?? [], as: UTF8.self)
        if Int32(text.split(separator: "\n").first ?? "") == pid { unlink(lock) }
    }
}
