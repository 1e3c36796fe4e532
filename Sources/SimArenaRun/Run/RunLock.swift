import SimArenaModel
import SimArenaSimulation
import SimArenaRL

#if canImport(Glibc)
import Glibc
#endif

/// The `lock` file of a run directory: who runs it.
///
/// The file holds the pid of the live orchestrator (`bin/train.sh`, `sa-train`), for messages
/// and for the stages that check it each step. The orchestrator also *holds* the file: an
/// exclusive `flock` taken through a descriptor it keeps open (``openForHolding(_:)``). Children
/// inherit that descriptor (the shell path opens it as descriptor 9 before its stages run), and
/// the kernel keeps the flock while any copy is open, so a run whose orchestrator was killed
/// stays locked until the step it had started, and the hook inside it, have ended: a resumed run
/// never shares the step directory with a leftover.
///
/// A lock is stale, and is taken over, when nobody holds the file and its pid (with any process
/// of the group that pid leads) no longer exists. Taking, checking and releasing happen under an
/// exclusive `flock` on the run directory itself, so of any number of processes taking the lock
/// at the same moment exactly one gets it.
public enum RunLock {
    public static func path(in runDirectory: String) -> String { runDirectory + "/lock" }

    /// Whether the process, or any process of the group it leads (the stage it was running when
    /// it was killed alone), still runs. A zombie does not count: a killed process stays one until
    /// its parent (or, orphaned, init) reaps it, and a resume right after the kill must not wait
    /// for that. Read from `/proc`; where it cannot be, signal 0 probes without sending anything.
    public static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        guard let processes = ProcStat.all() else {
            return kill(pid, 0) == 0 || errno == EPERM || kill(-pid, 0) == 0 || errno == EPERM
        }
        return processes.contains { ($0.pid == pid || $0.group == pid) && !$0.isZombie }
    }

    /// Opens the lock file (creating it) for ``acquire(_:pid:holding:)``; the caller keeps the
    /// descriptor open for as long as it runs the run. It is closed on exec.
    public static func openForHolding(_ runDirectory: String) throws -> Int32 {
        let lock = path(in: runDirectory)
        let descriptor = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw SimArenaError(.cannotCreate, "\(lock): cannot open the run's lock: \(FileIO.describe(errno))")
        }
        return descriptor
    }

    /// Takes the lock for `pid`, or says who holds it. With `holding`, a descriptor of the lock
    /// file (``openForHolding(_:)``, or one a shell opened), the file's flock is taken through it
    /// and lasts while it or an inherited copy is open. Returns a note when a stale lock was
    /// taken over.
    @discardableResult
    public static func acquire(_ runDirectory: String, pid: Int32, holding: Int32? = nil) throws -> String? {
        try guarded(runDirectory) {
            let lock = path(in: runDirectory)
            if let holding { try checkDescriptor(holding, of: lock) }
            let holder = self.holder(lock)
            // Through `holding`, this takes the flock when nobody else has it.
            let held = isHeld(lock, through: holding)
            // Already ours: by pid alone when no descriptor is given (a stage checking its
            // orchestrator's lock), by pid and flock when one is (another holder of the flock with
            // the same pid, as in another container, is someone else).
            if holder == pid, holding == nil ? held || isAlive(pid) : !held {
                return nil
            }
            do {
                if holder > 0, isAlive(holder) {
                    throw SimArenaError(.temporary, "\(lock): the run is locked by process \(holder), which is still running")
                }
                if held {
                    throw SimArenaError(
                        .temporary,
                        "\(lock): the run's process \(holder > 0 ? "\(holder) " : "")is gone, but processes it started "
                            + "still hold the run; try again when they have ended")
                }
            } catch {
                if let holding, !held { flock(holding, LOCK_UN) }
                throw error
            }
            try FileIO.writeInPlace(Array("\(pid)\n".utf8), to: lock)
            return holder > 0 && holder != pid ? "took over a stale lock of process \(holder)" : nil
        }
    }

    /// Empties the lock if `pid` holds it. (A held descriptor keeps its flock until it is closed.)
    public static func release(_ runDirectory: String, pid: Int32) {
        _ = try? guarded(runDirectory) {
            let lock = path(in: runDirectory)
            if holder(lock) == pid { try FileIO.writeInPlace([], to: lock) }
        }
    }

    /// The pid in the lock file (0 when there is none or it cannot be read).
    private static func holder(_ lock: String) -> Int32 {
        let text = String(decoding: (try? FileIO.read(lock, limit: 64)) ?? [], as: UTF8.self)
        return Int32(text.split(separator: "\n").first ?? "") ?? 0
    }

    /// Refuses a descriptor that is not open on the lock file itself.
    private static func checkDescriptor(_ descriptor: Int32, of lock: String) throws {
        var held = stat()
        var file = stat()
        guard fstat(descriptor, &held) == 0 else {
            throw SimArenaError(.usage, "descriptor \(descriptor) is not open: \(FileIO.describe(errno))")
        }
        guard lstat(lock, &file) == 0, held.st_dev == file.st_dev, held.st_ino == file.st_ino else {
            throw SimArenaError(.usage, "descriptor \(descriptor) is not open on \(lock)")
        }
    }

    /// Whether a descriptor other than `own` holds the lock file's flock. When it is free and
    /// `own` is given, `own` takes it.
    private static func isHeld(_ lock: String, through own: Int32?) -> Bool {
        // Only EWOULDBLOCK means another holder: a filesystem without flock (ENOLCK, EOPNOTSUPP)
        // leaves the pid to decide.
        if let own { return flock(own, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK }
        let probe = open(lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard probe >= 0 else { return false }
        defer { close(probe) }
        guard flock(probe, LOCK_EX | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(probe, LOCK_UN)
        return false
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

/// The fields of `/proc/PID/stat` the lock needs.
private struct ProcStat {
    var pid: Int32
    var group: Int32
    var isZombie: Bool

    /// Every process's, or nil when `/proc` cannot be read.
    static func all() -> [ProcStat]? {
        guard let directory = opendir("/proc") else { return nil }
        defer { closedir(directory) }
        var found: [ProcStat] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = Int32(name), let stat = read(pid) else { continue }
            found.append(stat)
        }
        return found
    }

    /// `PID (COMMAND) STATE PPID PGRP ...`; the command may hold spaces and parentheses, so the
    /// fields are counted from its last `)`.
    private static func read(_ pid: Int32) -> ProcStat? {
        let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0, let close = buffer[..<count].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = buffer[(close + 1)..<count].split(separator: UInt8(ascii: " "))
        guard fields.count >= 3, let group = Int32(String(decoding: fields[2], as: UTF8.self)) else { return nil }
        let state = fields[0].first
        return ProcStat(pid: pid, group: group, isZombie: state == UInt8(ascii: "Z") || state == UInt8(ascii: "X"))
    }
}
