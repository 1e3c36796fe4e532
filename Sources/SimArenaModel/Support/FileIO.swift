#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reading and writing whole files with the project's error conventions: errors name the file,
/// reads are bounded, writes are atomic (a temporary file in the same folder, then `rename`),
/// and appended lines are written with one `write` call on an `O_APPEND` descriptor so that a
/// reader never sees half a line from a finished write.
public enum FileIO {
    /// Inputs larger than this are refused rather than read (1 GiB).
    public static let maxInputSize = 1 << 30

    /// The whole contents of `path`: a regular file, or a pipe (`<(command)`). The file is opened
    /// without waiting, so a FIFO nobody writes to reads as empty instead of blocking forever in
    /// `open`; devices (`/dev/zero`, a terminal) and sockets are refused.
    public static func read(_ path: String, limit: Int = maxInputSize) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw openError(path, errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SimArenaError(.noInput, "\(path): \(describe(errno))") }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: throw SimArenaError(.noInput, "\(path): is a directory, not a file")
        case S_IFCHR, S_IFBLK, S_IFSOCK: throw SimArenaError(.noInput, "\(path): is a device or socket, not a file")
        default: break
        }
        // Reads wait for a pipe's writer as usual; with no writer left, a pipe reads as ended.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        let expected = Int(status.st_size)
        guard expected <= limit else {
            throw SimArenaError(.data, "\(path): file is \(expected) bytes, over the \(limit)-byte limit")
        }
        var bytes = [UInt8](repeating: 0, count: max(expected, 4096))
        var filled = 0
        while true {
            if filled == bytes.count {
                guard bytes.count < limit else {
                    throw SimArenaError(.data, "\(path): file is over the \(limit)-byte limit")
                }
                bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, limit - bytes.count + 1)))
            }
            let count = bytes.withUnsafeMutableBytes { raw in
                Glibc.read(descriptor, raw.baseAddress! + filled, raw.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw SimArenaError(.noInput, "\(path): \(describe(errno))")
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// Replaces `path` with `bytes` atomically: readers see the old file or the new one, never a
    /// partial file, even if the process is killed mid-write. The temporary file's name is unique
    /// (`mkstemp`), so writers in other processes, containers or hosts sharing the folder never
    /// write into each other's.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        var template = Array("\(path).tmp.XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw SimArenaError(.cannotCreate, "\(path): cannot create: \(describe(errno))")
        }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        fchmod(descriptor, 0o644)
        do {
            try writeAll(bytes, to: descriptor, path: path)
            close(descriptor)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw SimArenaError(.cannotCreate, "\(path): cannot replace: \(describe(code))")
        }
    }

    /// Overwrites `path` in place with `bytes`, creating it if needed: the same file, so a `flock`
    /// on it survives (unlike ``writeAtomically(_:to:)``), but not atomic; serialize writers and
    /// readers with a lock of your own.
    public static func writeInPlace(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw SimArenaError(.cannotCreate, "\(path): cannot open for writing: \(describe(errno))")
        }
        defer { close(descriptor) }
        guard ftruncate(descriptor, 0) == 0 else {
            throw SimArenaError(.cannotCreate, "\(path): cannot truncate: \(describe(errno))")
        }
        try writeAll(bytes, to: descriptor, path: path)
    }

    /// Appends one line (a newline is added) to `path`, creating it if needed. A write that fails
    /// part-way (a full disk) is cut back off, so the file is as it was: whole lines only.
    public static func appendLine(_ line: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SimArenaError(.cannotCreate, "\(path): cannot open for appending: \(describe(errno))")
        }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        do {
            try writeAll(line + [0x0A], to: descriptor, path: path)
        } catch {
            if size >= 0 { _ = ftruncate(descriptor, size) }
            throw error
        }
    }

    /// The last complete line of a text file (without its newline), or nil when there is none.
    /// Reads at most the file's last `window` bytes.
    public static func lastLine(of path: String, window: Int = 1 << 20) throws -> [UInt8]? {
        guard exists(path) else { return nil }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw openError(path, errno) }
        defer { close(descriptor) }
        let size = Int(lseek(descriptor, 0, SEEK_END))
        let start = max(0, size - window)
        var bytes = [UInt8](repeating: 0, count: size - start)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(start)) }
        guard count == bytes.count else { throw SimArenaError(.noInput, "\(path): short read") }
        guard let end = bytes.lastIndex(of: 0x0A) else { return nil }
        let begin = bytes[..<end].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        guard begin > 0 || start == 0 else {
            throw SimArenaError(.data, "\(path): last line is longer than \(window) bytes")
        }
        return Array(bytes[begin..<end])
    }

    /// Creates a directory and any missing parents (as `mkdir -p`).
    public static func createDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if isDirectory(current) { continue }
            guard mkdir(current, 0o755) == 0 || errno == EEXIST else {
                throw SimArenaError(.cannotCreate, "\(current): cannot create the directory: \(describe(errno))")
            }
        }
    }

    /// The names in a directory, but `.` and `..`, in no particular order.
    public static func list(_ path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw openError(path, errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0
    }

    /// Whether `path` is a directory.
    public static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                write(descriptor, raw.baseAddress! + written, raw.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw SimArenaError(.cannotCreate, "\(path): write failed: \(describe(errno))")
            }
            written += count
        }
    }

    private static func openError(_ path: String, _ code: Int32) -> SimArenaError {
        switch code {
        case ENOENT: return SimArenaError(.noInput, "\(path): no such file")
        case EACCES: return SimArenaError(.noInput, "\(path): permission denied")
        default: return SimArenaError(.noInput, "\(path): cannot open: \(describe(code))")
        }
    }

    /// The C library's text for an `errno` value.
    public static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
