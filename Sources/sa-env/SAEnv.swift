import ArgumentParser
import SimArenaCLI
import SimArenaGym
import SimArenaModel

#if canImport(Glibc)
import Glibc
#endif

/// `sa-env`: environments served on standard input and output (docs/gymnasium.md).
@main
struct SAEnv: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa-env",
        abstract: "Serve Sim-Arena environments over standard input and output, with a batched binary protocol.",
        discussion: """
            Frames both ways are a 4-byte little-endian length and that many bytes; a request's first \
            byte is the operation (0 hello, 1 create, 2 reset, 3 step, 4 info, 5 close), a reply's the \
            status (0, or a sysexits code and a message). docs/gymnasium.md gives each operation. A bad \
            request gets an error reply; end of input between frames ends the server (exit 0), in the \
            middle of one or after a frame over 64 MiB with exit 65.
            """)

    @Option(help: "Threads a batched step may use (0: one per processor).")
    var threads: Int = 0

    static func main() {
        runAsTool()
    }

    func validate() throws {
        guard (0...1024).contains(threads) else { throw ValidationError("--threads must be between 0 and 1024") }
    }

    func run() throws {
        let server = GymServer(threads: threads)
        while let request = try Self.readFrame() {
            try Self.writeFrame(server.reply(to: request))
        }
    }

    /// The next frame's payload, or nil at the end of input between frames.
    static func readFrame() throws -> [UInt8]? {
        guard let header = try read(4) else { return nil }
        let length = header.reversed().reduce(0) { $0 << 8 | Int($1) }
        guard length <= GymServer.maxFrame else {
            try writeFrame([65] + Array("a frame of \(length) bytes is over the limit of \(GymServer.maxFrame)".utf8))
            throw SimArenaError(.data, "standard input: a frame of \(length) bytes is over the limit of \(GymServer.maxFrame)")
        }
        guard let payload = try read(length) else { throw SimArenaError(.data, "standard input: the input ends inside a frame") }
        return payload
    }

    /// Exactly `count` bytes from standard input; nil at the end of input before the first byte.
    private static func read(_ count: Int) throws -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress! + filled, count - filled) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw SimArenaError(.noInput, "standard input: \(FileIO.describe(errno))") }
            if got == 0 {
                if filled == 0 { return nil }
                throw SimArenaError(.data, "standard input: the input ends inside a frame")
            }
            filled += got
        }
        return bytes
    }

    static func writeFrame(_ payload: [UInt8]) throws {
        var frame = [UInt8]()
        frame.reserveCapacity(payload.count + 4)
        for shift in stride(from: 0, to: 32, by: 8) { frame.append(UInt8(truncatingIfNeeded: payload.count >> shift)) }
        frame += payload
        var written = 0
        while written < frame.count {
            let count = frame.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + written, frame.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw SimArenaError(.cannotCreate, "standard output: \(FileIO.describe(errno))") }
            written += count
        }
    }
}
