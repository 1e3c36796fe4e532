import SimArenaModel
import SimArenaSimulation
import SimArenaRL

#if canImport(Glibc)
import Glibc
#endif

/// The `lock` file of a run directory: the pid of the live orchestrator. A lock whose process
/// no longer exists (a run killed with SIGKILL) is stale and is taken over. Taking, checking and
/// releasing happen under an exclusive `flock` on the run directory itself, so of any number of
/// processes taking the lock at the same moment exactly one gets it; the kernel drops that
/// guard when its holder dies, so a killed taker leaves nothing behind but the pid file.
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
        try guarded(runDirectory) {
            let lock = path(in: runDirectory)
            var note: String?
            if FileIO.exists(lock) {
                let holder = self.holder(lock)
                if holder == pid { return nil }
                if isAlive(holder) {
                    throw SimArenaError(.temporary, "\(lock): the run is locked by process \(holder), which is still running")
                }
                note = "took over a stale lock of process \(holder)"
            }
            try FileIO.writeAtomically(Array("\(pid)\n".utf8), to: lock)
            return note
        }
    }

    /// Removes the lock if `pid` holds it.
    public static func release(_ runDirectory: String, pid: Int32) {
        _ = try? guarded(runDirectory) {
            let lock = path(in: runDirectory)
            if holder(lock) == pid { unlink(lock) }
        }
    }

    /// The pid in the lock file (0 when there is none or it cannot be read).
    private static func holder(_ lock: String) -> Int32 {
        let text = String(decoding: (try? FileIO.read(lock, limit: 64)) ?? [], as: UTF8.self)
        return Int32(text.split(separator: "\n").first ?? "") ?? 0
    }

    /// Runs `body` holding an exclusive `flock` on the run directory.
    private static func guarded<T>(_ runDirectory: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(runDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SimArenaError(.noInput, "\(runDirectory): cannot open the run directory: \(FileIO.describe(errno))")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw SimArenaError(.cannotCreate, "\(runDirectory): cannot lock the run directory: \(FileIO.describe(errno))")
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
