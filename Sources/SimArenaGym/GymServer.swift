import SimArenaModel
import SimArenaRL
import SimArenaRun

/// The `sa-env` protocol, version 1 (docs/gymnasium.md): environments made, reset, stepped in
/// batches, described and closed by request frames, each answered by one reply frame. This is
/// the part without input and output: one request payload in, one reply payload out.
public final class GymServer {
    public static let version: UInt32 = 1
    /// The longest frame accepted; a longer one cannot be skipped safely, so it ends the server.
    public static let maxFrame = 64 << 20

    /// The operations, by their first byte.
    enum Operation: UInt8 {
        case hello = 0, create, reset, step, info, close
    }

    private var environments: [UInt32: GymEnvironment] = [:]
    private var nextID: UInt32 = 1
    /// Threads a batched step may use (0: one per processor).
    public var threads: Int

    public init(threads: Int = 0) {
        self.threads = threads
    }

    /// The reply to one request payload: status 0 and the data, or an error code and message.
    public func reply(to request: [UInt8]) -> [UInt8] {
        var reader = FrameReader(request)
        var out = FrameWriter()
        do {
            guard let code = try? reader.u8(), let operation = Operation(rawValue: code) else {
                throw SimArenaError(.usage, "unknown operation \(request.first.map(String.init) ?? "(empty request)")")
            }
            out.u8(0)
            try perform(operation, reader: &reader, out: &out)
            guard reader.atEnd else { throw SimArenaError(.data, "\(operation): \(reader.remaining) bytes after the request") }
            return out.bytes
        } catch {
            let failure = error as? SimArenaError ?? SimArenaError(.data, "\(error)")
            var message = FrameWriter()
            message.u8(UInt8(truncatingIfNeeded: failure.exitCode))
            message.bytes += Array(failure.message.utf8)
            return message.bytes
        }
    }

    private func perform(_ operation: Operation, reader: inout FrameReader, out: inout FrameWriter) throws {
        switch operation {
        case .hello:
            out.u32(Self.version)
        case .create:
            let count = try reader.count(of: 4)
            let flags = try (0..<count).map { _ in try reader.text() }
            let environment = try GymEnvironment(flags: flags)
            environments[nextID] = environment
            out.u32(nextID)
            out.u32(UInt32(GymEnvironment.observationSize))
            out.u32(UInt32(environment.actionCount))
            nextID += 1
        case .reset:
            let count = try reader.count(of: 16)
            let requests = try (0..<count).map { _ in (try environment(reader.u32()), try reader.u64(), try reader.text()) }
            for (environment, seed, trace) in requests {
                let observation = try environment.reset(seed: seed, trace: trace.isEmpty ? nil : trace)
                write(observation, of: environment, to: &out)
            }
        case .step:
            let count = try reader.count(of: 8)
            var ids: [UInt32] = [], actions: [Int] = []
            for _ in 0..<count {
                ids.append(try reader.u32())
                actions.append(Int(Int32(bitPattern: try reader.u32())))
            }
            let batch = try ids.map(environment)
            for (index, result) in GymEnvironment.step(batch, actions: actions, threads: threads).enumerated() {
                switch result {
                case .success(let transition):
                    write(transition.observation, of: batch[index], to: &out)
                    out.f64(transition.reward)
                    out.u8(transition.terminated ? 1 : 0)
                    out.u8(transition.truncated ? 1 : 0)
                case .failure(let error):
                    throw SimArenaError(error.kind, "environment \(ids[index]): \(error.message)")
                }
            }
        case .info:
            let environment = try environment(reader.u32())
            guard let info = environment.info else { throw SimArenaError(.usage, "info before reset") }
            out.bytes += try JSONWriter.encode(info, pretty: false)
        case .close:
            let id = try reader.u32()
            guard environments.removeValue(forKey: id) != nil else { throw SimArenaError(.usage, "no environment \(id)") }
        }
    }

    private func environment(_ id: UInt32) throws -> GymEnvironment {
        guard let environment = environments[id] else { throw SimArenaError(.usage, "no environment \(id)") }
        return environment
    }

    private func write(_ observation: Observation, of environment: GymEnvironment, to out: inout FrameWriter) {
        for value in observation.features { out.u32(value.bitPattern) }
        for allowed in environment.mask(observation) { out.u8(allowed ? 1 : 0) }
    }
}

/// Reads little-endian numbers and length-prefixed text from a request; running short is a
/// data error.
struct FrameReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }
    var remaining: Int { bytes.count - position }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw SimArenaError(.data, "the request ends early") }
        defer { position += count }
        return bytes[position..<position + count]
    }

    private mutating func integer(_ width: Int) throws -> UInt64 {
        try take(width).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func u8() throws -> UInt8 { UInt8(try integer(1)) }
    mutating func u32() throws -> UInt32 { UInt32(try integer(4)) }
    mutating func u64() throws -> UInt64 { try integer(8) }

    /// A u32 count of items at least `size` bytes each, checked against what is left.
    mutating func count(of size: Int) throws -> Int {
        let count = Int(try u32())
        guard count <= remaining / max(1, size) else { throw SimArenaError(.data, "a count of \(count) is more than the request holds") }
        return count
    }

    /// A u32 length, then that many bytes of UTF-8.
    mutating func text() throws -> String {
        let length = Int(try u32())
        guard let text = String(validating: try take(length), as: UTF8.self) else { throw SimArenaError(.data, "text is not UTF-8") }
        return text
    }
}

/// Appends little-endian numbers to a reply.
struct FrameWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) } }
    mutating func u64(_ value: UInt64) { for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) } }
    mutating func f64(_ value: Double) { u64(value.bitPattern) }
}
