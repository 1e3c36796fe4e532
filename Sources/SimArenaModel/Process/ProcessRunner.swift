import CGuardedSpawn
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How a child process ended.
public enum ProcessTermination: Sendable, Hashable, CustomStringConvertible {
    /// It called `exit` (or returned from `main`) with this status.
    case exited(Int32)
    /// A signal killed it.
    case signaled(Int32)

    /// `exit status 3` or `signal 9 (SIGKILL)`.
    public var description: String {
        switch self {
        case .exited(let status): return "exit status \(status)"
        case .signaled(let signal): return "signal \(signal)" + (Self.signalName(signal).map { " (\($0))" } ?? "")
        }
    }

    /// The conventional name of a signal number (`SIGTERM`), for the common ones.
    public static func signalName(_ signal: Int32) -> String? {
        switch signal {
        case SIGHUP: return "SIGHUP"
        case SIGINT: return "SIGINT"
        case SIGQUIT: return "SIGQUIT"
        case SIGILL: return "SIGILL"
        case SIGTRAP: return "SIGTRAP"
        case SIGABRT: return "SIGABRT"
        case SIGBUS: return "SIGBUS"
        case SIGFPE: return "SIGFPE"
        case SIGKILL: return "SIGKILL"
        case SIGUSR1: return "SIGUSR1"
        case SIGSEGV: return "SIGSEGV"
        case SIGUSR2: return "SIGUSR2"
        case SIGPIPE: return "SIGPIPE"
        case SIGALRM: return "SIGALRM"
        case SIGTERM: return "SIGTERM"
        case SIGXCPU: return "SIGXCPU"
        case SIGXFSZ: return "SIGXFSZ"
        default: return nil
        }
    }
}

/// What a finished child process did.
public struct ProcessResult: Sendable, Hashable {
    /// The argument vector that was run (program first).
    public var arguments: [String]
    public var termination: ProcessTermination
    /// Standard output and standard error: at most the runner's `outputLimit` bytes each, the
    /// first ones written; the `…Truncated` flags say that more was written (and discarded).
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    public var stdoutTruncated: Bool
    public var stderrTruncated: Bool
    /// Whether the timeout expired before the child exited (it was then sent SIGTERM, and
    /// SIGKILL after the grace period; ``termination`` says how it actually ended).
    public var timedOut: Bool
    /// The timeout the child ran under, in seconds.
    public var timeout: Double

    public init(
        arguments: [String], termination: ProcessTermination, stdout: [UInt8] = [], stderr: [UInt8] = [],
        stdoutTruncated: Bool = false, stderrTruncated: Bool = false, timedOut: Bool = false, timeout: Double = 0
    ) {
        self.arguments = arguments
        self.termination = termination
        self.stdout = stdout
        self.stderr = stderr
        self.stdoutTruncated = stdoutTruncated
        self.stderrTruncated = stderrTruncated
        self.timedOut = timedOut
        self.timeout = timeout
    }

    /// Exited with status 0 before the timeout.
    public var succeeded: Bool { !timedOut && termination == .exited(0) }

    /// The exit status, when the child exited rather than being killed.
    public var exitStatus: Int32? {
        if case .exited(let status) = termination { return status }
        return nil
    }

    /// The signal that killed the child, if one did.
    public var signal: Int32? {
        if case .signaled(let signal) = termination { return signal }
        return nil
    }

    /// Standard output as text (invalid UTF-8 becomes U+FFFD).
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    /// Standard error as text (invalid UTF-8 becomes U+FFFD).
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    /// The first non-blank line of standard error, trimmed, for one-line error messages.
    public var firstStderrLine: String? {
        ProcessRunner.firstLine(of: stderrText)
    }

    /// How it ended, for messages: `timed out after 5 s (killed by signal 15 (SIGTERM))`,
    /// `exit status 3`, `signal 9 (SIGKILL)`.
    public var statusDescription: String {
        guard timedOut else { return termination.description }
        let how: String
        switch termination {
        case .signaled: how = "killed by \(termination)"
        case .exited: how = "then exited with \(termination)"
        }
        return "timed out after \(ProcessRunner.formatSeconds(timeout)) (\(how))"
    }
}

/// Runs a child process without a shell.
///
/// - The program is `arguments[0]`, looked up on the caller's `PATH` when it contains no `/`
///   (as `posix_spawnp` looks: a `PATH` in ``environment`` does not change the lookup, and a
///   script without a `#!` line is not handed to `/bin/sh`). A relative path
///   with a `/` is resolved in ``workingDirectory``. No shell is involved: no globbing, quoting,
///   variable expansion or redirection.
/// - ``input`` is written to the child's standard input, which is then closed (a child that
///   exits without reading it is fine). Standard output and standard error are captured through
///   pipes; at most ``outputLimit`` bytes of each are kept (the first ones) and the rest is read
///   and discarded, so a chatty child never blocks on a full pipe.
/// - The environment is the caller's, with ``environment`` added (replacing variables of the same
///   name). It is read from `environ` at spawn time, so do not `setenv` concurrently.
/// - The child runs in its own process group, led by a small guardian process
///   (`simarena_guarded_spawn`, C): the guardian waits for the program and ends as it ended, so
///   the result describes the program. When ``timeout`` expires the group gets SIGTERM, then
///   SIGKILL after ``killGracePeriod`` if the child is still alive; the result says
///   ``ProcessResult/timedOut``. When the child has exited, whatever is left of its group (its
///   own children, a hook's background job) gets SIGKILL. When the caller dies, even of SIGKILL,
///   the kernel tells the guardian (`PR_SET_PDEATHSIG`), which kills the group: nothing outlives
///   a run. (A descendant that leaves the group with `setsid` or `setpgid` escapes this.)
/// - In a tool that catches SIGINT and SIGTERM (``InterruptSignals/install()``), either signal
///   stops the child's group the same way, and `run()` then throws ``ProcessInterrupted``.
/// - One thread, no signal handlers: the pipes are watched with `poll`, the child with
///   `waitpid(WNOHANG)`. SIGPIPE from writing to a child that closed its input is blocked and
///   consumed on the calling thread only. Pipes are `O_CLOEXEC` and the child closes every
///   descriptor above 2, so no
///   descriptor leaks either way; the child is always reaped.
/// - A child that exits while a grandchild keeps its output pipes open is not waited for beyond
///   ``drainPeriod`` after its exit.
/// - Because the child has its own process group, a terminal's Ctrl-C reaches only the parent;
///   a child left behind then gets SIGPIPE when it next writes output. A child that opens
///   `/dev/tty` to prompt is stopped (SIGTTIN) and ends at its timeout.
/// - A child still alive 10 s after SIGKILL (stuck in the kernel) is given up on with an error
///   (`NAME: did not exit 10 s after SIGKILL`); it may then remain a zombie.
///
/// Errors: a program that cannot be started (`cannot run NAME: no such program on PATH`,
/// `... permission denied`, `... not an executable`) is a ``SimArenaError`` of kind `.noInput`;
/// bad arguments (empty, NUL bytes, bad timeout, missing working directory) are `.usage`. A child
/// that runs and fails is not an error: look at the result.
public struct ProcessRunner: Sendable {
    public static let defaultOutputLimit = 1 << 20
    public static let defaultTimeout: Double = 60
    public static let defaultKillGracePeriod: Double = 2
    public static let defaultDrainPeriod: Double = 1

    public var arguments: [String]
    public var input: [UInt8]
    /// Added to the inherited environment.
    public var environment: [String: String]
    public var workingDirectory: String?
    /// Seconds before SIGTERM; `.infinity` for none.
    public var timeout: Double
    /// Seconds between SIGTERM and SIGKILL.
    public var killGracePeriod: Double
    /// Bytes kept of standard output and of standard error, each.
    public var outputLimit: Int
    /// Seconds to keep reading output after the child exited, for pipes a grandchild holds.
    public var drainPeriod: Double

    public init(
        _ arguments: [String], input: [UInt8] = [], environment: [String: String] = [:],
        workingDirectory: String? = nil, timeout: Double = defaultTimeout,
        killGracePeriod: Double = defaultKillGracePeriod, outputLimit: Int = defaultOutputLimit,
        drainPeriod: Double = defaultDrainPeriod
    ) {
        self.arguments = arguments
        self.input = input
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.killGracePeriod = killGracePeriod
        self.outputLimit = outputLimit
        self.drainPeriod = drainPeriod
    }

    /// Runs the child to the end (or to its timeout) and returns what it did.
    public func run() throws -> ProcessResult {
        try validate()
        let environmentLines = Self.mergedEnvironment(adding: environment)

        // Pipes: [read, write]. The parent keeps stdin's write end and the outputs' read ends.
        var opened: [Int32] = []
        defer { for descriptor in opened where descriptor >= 0 { close(descriptor) } }
        let stdinPipe = try Self.makePipe(program: arguments[0])
        opened += [stdinPipe.read, stdinPipe.write]
        let stdoutPipe = try Self.makePipe(program: arguments[0])
        opened += [stdoutPipe.read, stdoutPipe.write]
        let stderrPipe = try Self.makePipe(program: arguments[0])
        opened += [stderrPipe.read, stderrPipe.write]

        let pid = try spawn(
            environmentLines: environmentLines, stdin: stdinPipe.read, stdout: stdoutPipe.write,
            stderr: stderrPipe.write)

        // The child's ends belong to the child now.
        for descriptor in [stdinPipe.read, stdoutPipe.write, stderrPipe.write] {
            close(descriptor)
            if let index = opened.firstIndex(of: descriptor) { opened[index] = -1 }
        }
        // From here on the parent's ends are owned by the session, which closes them.
        for descriptor in [stdinPipe.write, stdoutPipe.read, stderrPipe.read] {
            if let index = opened.firstIndex(of: descriptor) { opened[index] = -1 }
        }
        var session = Session(
            pid: pid, input: input, stdinFD: stdinPipe.write, stdoutFD: stdoutPipe.read,
            stderrFD: stderrPipe.read, outputLimit: outputLimit)
        defer { session.closeAll() }
        let termination = try session.superviseUntilDone(
            timeout: timeout, killGracePeriod: killGracePeriod, drainPeriod: drainPeriod,
            program: arguments[0])
        return ProcessResult(
            arguments: arguments, termination: termination, stdout: session.stdout.bytes,
            stderr: session.stderr.bytes, stdoutTruncated: session.stdout.truncated,
            stderrTruncated: session.stderr.truncated, timedOut: session.timedOut, timeout: timeout)
    }

    // MARK: Checks

    private func validate() throws {
        guard let program = arguments.first, !program.isEmpty else {
            throw SimArenaError(.usage, "cannot run an empty command")
        }
        if let bad = arguments.first(where: { $0.utf8.contains(0) }) {
            throw SimArenaError(.usage, "cannot run \(program): argument \(Self.quote(bad)) contains a NUL byte")
        }
        for (key, value) in environment {
            guard !key.isEmpty, !key.utf8.contains(UInt8(ascii: "=")), !key.utf8.contains(0) else {
                throw SimArenaError(.usage, "cannot run \(program): bad environment variable name \(Self.quote(key))")
            }
            guard !value.utf8.contains(0) else {
                throw SimArenaError(.usage, "cannot run \(program): environment variable \(key) contains a NUL byte")
            }
        }
        guard timeout > 0, !timeout.isNaN else {
            throw SimArenaError(.usage, "cannot run \(program): timeout must be positive, not \(timeout)")
        }
        guard killGracePeriod >= 0, killGracePeriod.isFinite, drainPeriod >= 0, drainPeriod.isFinite else {
            throw SimArenaError(.usage, "cannot run \(program): grace and drain periods must be finite and not negative")
        }
        guard outputLimit >= 0 else {
            throw SimArenaError(.usage, "cannot run \(program): output limit must not be negative")
        }
        if let directory = workingDirectory {
            guard FileIO.isDirectory(directory) else {
                throw SimArenaError(.usage, "cannot run \(program): working directory \(directory) does not exist")
            }
        }
    }

    // MARK: Spawning

    private func spawn(environmentLines: [String], stdin: Int32, stdout: Int32, stderr: Int32) throws -> pid_t {
        let program = arguments[0]
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environmentLines.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        let pid = argv.withUnsafeBufferPointer { argv in
            envp.withUnsafeBufferPointer { envp in
                withOptionalCString(workingDirectory) { directory in
                    simarena_guarded_spawn(
                        program, argv.baseAddress, envp.baseAddress, stdin, stdout, stderr, directory)
                }
            }
        }
        guard pid > 0 else { throw Self.spawnError(program: program, code: -pid) }
        return pid
    }

    private func withOptionalCString<Result>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> Result) -> Result {
        guard let text else { return body(nil) }
        return text.withCString(body)
    }

    static func spawnError(program: String, code: Int32) -> SimArenaError {
        switch code {
        case ENOENT:
            return SimArenaError(
                .noInput, "cannot run \(program): no such program" + (program.contains("/") ? "" : " on PATH"))
        case EACCES: return SimArenaError(.noInput, "cannot run \(program): permission denied")
        case ENOEXEC: return SimArenaError(.noInput, "cannot run \(program): not an executable (no #! line?)")
        case ENOTDIR: return SimArenaError(.noInput, "cannot run \(program): a path component is not a directory")
        default: return SimArenaError(.noInput, "cannot run \(program): \(FileIO.describe(code))")
        }
    }

    /// A pipe with both ends `O_CLOEXEC` and numbered above 2.
    private static func makePipe(program: String) throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        let status = ends.withUnsafeMutableBufferPointer { simarena_pipe_cloexec($0.baseAddress) }
        guard status == 0 else {
            throw SimArenaError(.temporary, "cannot run \(program): cannot create a pipe: \(FileIO.describe(errno))")
        }
        for index in 0..<2 where ends[index] <= 2 {
            // Descriptors 0-2 were closed in this process; keep the pipes clear of them so the
            // child's dup2s cannot collide.
            let moved = fcntl(ends[index], F_DUPFD_CLOEXEC, Int32(3))
            let code = errno
            close(ends[index])
            ends[index] = moved
            guard moved >= 0 else {
                for descriptor in ends where descriptor >= 0 { close(descriptor) }
                throw SimArenaError(.temporary, "cannot run \(program): cannot create a pipe: \(FileIO.describe(code))")
            }
        }
        return (ends[0], ends[1])
    }

    /// The caller's environment (`environ`) with `extra` added, extras last and sorted by name.
    static func mergedEnvironment(adding extra: [String: String]) -> [String] {
        var lines: [String] = []
        let inherited = environ
        var index = 0
        while let entry = inherited[index] {
            let line = String(cString: entry)
            let name = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            if let name, extra[name] == nil { lines.append(line) }
            index += 1
        }
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) { lines.append("\(name)=\(value)") }
        return lines
    }

    // MARK: Text for messages

    /// `arguments` as one line a person could paste into a shell: words that need it are
    /// single-quoted (`sh -c 'echo hi'`).
    public static func commandLine(_ arguments: [String]) -> String {
        arguments.map(quote).joined(separator: " ")
    }

    /// `word`, single-quoted unless it is made only of characters no shell treats specially.
    public static func quote(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".", "/", ",", ":", "=", "+", "@", "%": return true
            default: return false
            }
        }
        if plain { return word }
        let escaped = word.replacingAll("'", with: "'\\''")
        return "'" + oneLine(escaped) + "'"
    }

    /// `text` with control characters (newlines included) shown as `\n`, `\t`, `\u{1B}`.
    public static func oneLine(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0}"..."\u{1F}", "\u{7F}":
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The first non-blank line of `text`, trimmed and made printable.
    static func firstLine(of text: String) -> String? {
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let trimmed = trimmed(String(line))
            if !trimmed.isEmpty { return oneLine(trimmed) }
        }
        return nil
    }

    /// `text` without leading and trailing whitespace (spaces, tabs, newlines).
    public static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }

    /// `5 s`, `0.5 s`.
    public static func formatSeconds(_ seconds: Double) -> String {
        if seconds.isInfinite { return "forever" }
        if seconds == seconds.rounded(), abs(seconds) < 1e15 { return "\(Int64(seconds)) s" }
        return "\(seconds) s"
    }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement` (Foundation-free).
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}

// MARK: - The running child

/// One output stream: the bytes kept, and whether any were dropped.
private struct Capture {
    var descriptor: Int32
    var bytes: [UInt8] = []
    var truncated = false
    let limit: Int

    init(descriptor: Int32, limit: Int) {
        self.descriptor = descriptor
        self.limit = limit
    }

    var isOpen: Bool { descriptor >= 0 }

    /// Reads what is available; closes the descriptor at end of file or on an error.
    mutating func readAvailable(into scratch: inout [UInt8]) {
        while descriptor >= 0 {
            let count = scratch.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                let room = max(0, limit - bytes.count)
                if count > room { truncated = true }
                if room > 0 { bytes.append(contentsOf: scratch[0..<min(room, count)]) }
                if count < scratch.count { return }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            shut()
        }
    }

    mutating func shut() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }
}

/// The parent's side of one child: its pipes, its timers, and its exit status.
private struct Session {
    let pid: pid_t
    let input: [UInt8]
    var written = 0
    var stdinFD: Int32
    var stdout: Capture
    var stderr: Capture
    var timedOut = false
    var reaped = false
    var scratch = [UInt8](repeating: 0, count: 1 << 16)

    init(pid: pid_t, input: [UInt8], stdinFD: Int32, stdoutFD: Int32, stderrFD: Int32, outputLimit: Int) {
        self.pid = pid
        self.input = input
        self.stdinFD = stdinFD
        stdout = Capture(descriptor: stdoutFD, limit: outputLimit)
        stderr = Capture(descriptor: stderrFD, limit: outputLimit)
        for descriptor in [stdinFD, stdoutFD, stderrFD] {
            let flags = fcntl(descriptor, F_GETFL)
            _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        }
        if input.isEmpty { closeStdin() }
    }

    mutating func closeStdin() {
        if stdinFD >= 0 { close(stdinFD) }
        stdinFD = -1
    }

    mutating func closeAll() {
        closeStdin()
        stdout.shut()
        stderr.shut()
        if !reaped {
            // Only reached when supervision failed: kill the child and reap it, waiting at most a
            // second (a process stuck in the kernel even after SIGKILL stays a zombie).
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            var status: Int32 = 0
            for _ in 0..<100 {
                let result = waitpid(pid, &status, WNOHANG)
                if result == pid || (result < 0 && errno != EINTR) { break }
                usleep(10_000)
            }
            reaped = true
        }
    }

    /// Feeds input, collects output and enforces the timeout until the child has exited and its
    /// pipes are drained (or the drain period after its exit is over).
    mutating func superviseUntilDone(
        timeout: Double, killGracePeriod: Double, drainPeriod: Double, program: String
    ) throws -> ProcessTermination {
        let start = Self.now()
        var termAt = start + timeout
        var stopping = false
        var interruption: Int32?
        var killAt = Double.infinity
        var giveUpAt = Double.infinity
        var drainUntil = Double.infinity
        var termination: ProcessTermination?
        var idleWait = 0.001

        while true {
            if termination == nil, let ended = try reap(program: program) {
                termination = ended
                drainUntil = Self.now() + drainPeriod
            }
            let pipesOpen = stdout.isOpen || stderr.isOpen
            let now = Self.now()
            if let termination, !pipesOpen || now >= drainUntil {
                // The child's own children end with it: a group outlives its leader only as orphans.
                kill(-pid, SIGKILL)
                if let interruption { throw ProcessInterrupted(signal: interruption, program: program) }
                return termination
            }
            if termination == nil {
                // SIGINT or SIGTERM to a tool that catches them: the child's group is stopped as at a
                // timeout, and the tool hears of it when the child has gone.
                if interruption == nil, !stopping, InterruptSignals.isInstalled, let signal = InterruptSignals.received() {
                    interruption = signal
                    termAt = now
                }
                if !stopping && now >= termAt {
                    timedOut = interruption == nil
                    stopping = true
                    kill(-pid, SIGTERM)
                    kill(pid, SIGTERM)
                    closeStdin()
                    killAt = now + killGracePeriod
                }
                if stopping && now >= killAt && giveUpAt == .infinity {
                    kill(-pid, SIGKILL)
                    kill(pid, SIGKILL)
                    giveUpAt = now + 10
                }
                if now >= giveUpAt {
                    throw SimArenaError(.temporary, "\(program): did not exit 10 s after SIGKILL")
                }
            }

            // How long poll may sleep: until the next deadline, and briefly when only the exit
            // itself is awaited (it does not wake poll).
            let nextDeadline = !stopping ? termAt : giveUpAt == .infinity ? killAt : giveUpAt
            var wakeAt = termination == nil ? min(nextDeadline, now + 0.1) : drainUntil
            if termination == nil && !pipesOpen && stdinFD < 0 {
                wakeAt = min(wakeAt, now + idleWait)
                idleWait = min(idleWait * 2, 0.05)
            }
            var descriptors: [pollfd] = []
            if stdinFD >= 0 { descriptors.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
            if stdout.isOpen { descriptors.append(pollfd(fd: stdout.descriptor, events: Int16(POLLIN), revents: 0)) }
            if stderr.isOpen { descriptors.append(pollfd(fd: stderr.descriptor, events: Int16(POLLIN), revents: 0)) }
            let milliseconds = Int32(max(0, min(Double(Int32.max), ((wakeAt - now) * 1000).rounded(.up))))
            let ready = descriptors.withUnsafeMutableBufferPointer {
                poll($0.baseAddress, nfds_t($0.count), milliseconds)
            }
            if ready < 0 {
                if errno == EINTR { continue }
                throw SimArenaError(.temporary, "\(program): poll failed: \(FileIO.describe(errno))")
            }
            if ready == 0 { continue }
            for entry in descriptors where entry.revents != 0 {
                if entry.fd == stdinFD {
                    writeInput()
                } else if entry.fd == stdout.descriptor {
                    stdout.readAvailable(into: &scratch)
                } else if entry.fd == stderr.descriptor {
                    stderr.readAvailable(into: &scratch)
                }
            }
        }
    }

    /// The child's end, once it has exited; nil while it runs.
    mutating func reap(program: String) throws -> ProcessTermination? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            reaped = true  // someone else reaped it (SIGCHLD ignored?): nothing left to wait for
            throw SimArenaError(.temporary, "\(program): lost track of the child process: \(FileIO.describe(errno))")
        }
        reaped = true
        let low = status & 0x7F
        if low == 0 { return .exited((status >> 8) & 0xFF) }
        return .signaled(low)
    }

    /// Writes as much input as the pipe takes; closes standard input when all is written or the
    /// child has closed its end.
    mutating func writeInput() {
        while stdinFD >= 0 && written < input.count {
            let (count, code) = input.withUnsafeBytes { raw in
                Self.writeWithoutSIGPIPE(stdinFD, raw.baseAddress! + written, raw.count - written)
            }
            if count > 0 {
                written += count
            } else if count < 0 && code == EINTR {
                continue
            } else if count < 0 && (code == EAGAIN || code == EWOULDBLOCK) {
                return
            } else {
                closeStdin()  // EPIPE: the child does not want (the rest of) its input
            }
        }
        if written >= input.count { closeStdin() }
    }

    /// `write`, with SIGPIPE blocked on this thread and a SIGPIPE it raised consumed, so that a
    /// child closing its input cannot kill the parent.
    static func writeWithoutSIGPIPE(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> (Int, Int32) {
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        var pending = sigset_t()
        sigpending(&pending)
        let alreadyPending = sigismember(&pending, SIGPIPE) == 1
        let count = write(descriptor, bytes, count)
        let code = count < 0 ? errno : 0
        if count < 0 && code == EPIPE && !alreadyPending {
            var zero = timespec(tv_sec: 0, tv_nsec: 0)
            while sigtimedwait(&pipeSignal, nil, &zero) < 0 && errno == EINTR {}
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        return (count, code)
    }

    /// Seconds on the monotonic clock.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// SIGINT or SIGTERM reached a tool that catches them while an outside program ran; the
/// program's process group has been stopped.
public struct ProcessInterrupted: Error, Sendable {
    public var signal: Int32
    public var program: String
}
