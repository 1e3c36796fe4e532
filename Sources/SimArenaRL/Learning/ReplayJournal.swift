import SimArenaModel
import SimArenaSimulation

#if canImport(Glibc)
import Glibc
#endif

/// The replay journal, `replay.bin` in a DQN run's directory: every transition the agent learned
/// from, appended in order, so that `sa-learn` (one process per step) can rebuild the replay
/// buffer, and a run killed at any point resumes exactly: the agent state says how many
/// transitions it has seen, and records beyond that (from a learn stage that did not finish) are
/// cut off before the next append.
///
/// Layout (little-endian; docs/run-directory.md): a 32-byte header, the magic `SAREPLAY`, format
/// version (UInt32, 2), feature count F (UInt32), the number of the first record (UInt64, nonzero
/// when the run started from a checkpoint's buffer) and 8 reserved bytes; then fixed-size records
/// of F Float32 state values, F Float32 next-state values, the action (Int32), the reward
/// (Float32), terminated (UInt8), the actions allowed in the next state (UInt8 bits) and 2
/// padding bytes.
public enum ReplayJournal {
    public static let fileName = "replay.bin"
    static let magic = Array("SAREPLAY".utf8)
    static let version: UInt32 = 2
    static let headerSize = 32

    public static func recordSize(features: Int) -> Int { 8 * features + 12 }

    /// The header: the feature count and the number of the first record.
    public static func header(_ path: String) throws -> (features: Int, first: Int) {
        let descriptor = try open(path, flags: O_RDONLY)
        defer { close(descriptor) }
        let bytes = try readExactly(descriptor, count: headerSize, at: 0, path: path, what: "its header")
        guard Array(bytes[0..<8]) == magic else { throw SimArenaError(.data, "\(path): not a replay journal (bad magic)") }
        guard load(UInt32.self, bytes, 8) == version else {
            throw SimArenaError(.data, "\(path): replay journal version \(load(UInt32.self, bytes, 8)) is not supported (expected \(version))")
        }
        let features = Int(load(UInt32.self, bytes, 12))
        let first = load(UInt64.self, bytes, 16)
        guard (1...4096).contains(features), first < UInt64(Int32.max) else {
            throw SimArenaError(.data, "\(path): replay journal header is out of range")
        }
        return (features, Int(first))
    }

    /// Creates the journal, holding `transitions` numbered from `first`.
    public static func create(_ path: String, features: Int, first: Int, transitions: [Transition] = []) throws {
        var bytes = magic
        append(version, to: &bytes)
        append(UInt32(features), to: &bytes)
        append(UInt64(first), to: &bytes)
        bytes += [UInt8](repeating: 0, count: 8)
        for transition in transitions { encode(transition, features: features, into: &bytes) }
        try FileIO.writeAtomically(bytes, to: path)
    }

    /// Transitions numbered `range` (all must be in the journal).
    public static func read(_ path: String, range: Range<Int>) throws -> [Transition] {
        let (features, first) = try header(path)
        guard range.lowerBound >= first else {
            throw SimArenaError(.data, "\(path): transition \(range.lowerBound) is before the journal's first (\(first))")
        }
        guard !range.isEmpty else { return [] }
        let size = recordSize(features: features)
        let descriptor = try open(path, flags: O_RDONLY)
        defer { close(descriptor) }
        let bytes = try readExactly(descriptor, count: range.count * size, at: headerSize + (range.lowerBound - first) * size,
                                    path: path, what: "transitions \(range.lowerBound)..<\(range.upperBound)")
        return (0..<range.count).map { decode(bytes, at: $0 * size, features: features) }
    }

    /// Writes `transitions` as numbers `index...`, first cutting off any record from `index` on.
    public static func write(_ transitions: [Transition], at index: Int, to path: String) throws {
        let (features, first) = try header(path)
        guard index >= first else { throw SimArenaError(.data, "\(path): cannot write transition \(index) before the first (\(first))") }
        let offset = headerSize + (index - first) * recordSize(features: features)
        let descriptor = try open(path, flags: O_WRONLY)
        defer { close(descriptor) }
        var status = lseek(descriptor, 0, SEEK_END)
        guard status >= offset else {
            throw SimArenaError(.data, "\(path): the journal ends before transition \(index); the run directory is inconsistent")
        }
        guard ftruncate(descriptor, off_t(offset)) == 0 else { throw failure(path, "cannot truncate") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(transitions.count * recordSize(features: features))
        for transition in transitions { encode(transition, features: features, into: &bytes) }
        status = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
        guard status == bytes.count else { throw failure(path, "cannot append transitions") }
    }

    private static func encode(_ transition: Transition, features: Int, into bytes: inout [UInt8]) {
        precondition(transition.state.count == features && transition.next.count == features, "transition has the wrong width")
        for value in transition.state { append(value.bitPattern, to: &bytes) }
        for value in transition.next { append(value.bitPattern, to: &bytes) }
        append(UInt32(bitPattern: Int32(transition.action)), to: &bytes)
        append(transition.reward.bitPattern, to: &bytes)
        bytes += [transition.terminated ? 1 : 0, transition.nextAllowed, 0, 0]
    }

    private static func decode(_ bytes: [UInt8], at offset: Int, features: Int) -> Transition {
        func float(_ index: Int) -> Float { Float(bitPattern: load(UInt32.self, bytes, offset + 4 * index)) }
        return Transition(
            state: (0..<features).map(float), action: Int(Int32(bitPattern: load(UInt32.self, bytes, offset + 8 * features))),
            reward: float(2 * features + 1), next: (features..<2 * features).map(float),
            terminated: bytes[offset + 8 * features + 8] != 0, nextAllowed: bytes[offset + 8 * features + 9])
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    private static func load<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], _ offset: Int) -> T {
        var value = T.zero
        for index in (0..<MemoryLayout<T>.size).reversed() { value = value << 8 | T(bytes[offset + index]) }
        return value
    }

    private static func open(_ path: String, flags: Int32) throws -> Int32 {
        let descriptor = Glibc.open(path, flags | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(path, "cannot open the replay journal", kind: .noInput) }
        return descriptor
    }

    private static func readExactly(_ descriptor: Int32, count: Int, at offset: Int, path: String, what: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            guard got > 0 else { throw SimArenaError(.data, "\(path): the replay journal is too short for \(what)") }
            done += got
        }
        return bytes
    }

    private static func failure(_ path: String, _ message: String, kind: SimArenaError.Kind = .cannotCreate) -> SimArenaError {
        SimArenaError(kind, "\(path): \(message): \(FileIO.describe(errno))")
    }
}

extension ReplayJournal {
    /// Starts a run's journal at `path` from the replay buffer saved beside checkpoint `load`
    /// (when there is one, and the journal does not exist yet), so a run that loads a DQN
    /// checkpoint carries on with its experience, as an uninterrupted run would.
    public static func start(_ path: String, fromCheckpoint load: String) throws {
        let replay = ReplayBuffer.checkpointPath(beside: load)
        guard !FileIO.exists(path), FileIO.exists(replay), case .dqn(let agent) = try LearningAgent.load(load) else { return }
        let saved: (transitions: [Transition], total: Int)
        do {
            saved = try ReplayBuffer.transitions(checkpoint: try FileIO.read(replay))
        } catch let error as SimArenaError where error.kind == .data {
            throw error.prefixed(replay)
        }
        guard saved.total == agent.steps else {
            throw SimArenaError(.data, "\(replay): holds transitions up to \(saved.total), but the checkpoint's agent has learned from \(agent.steps); they do not belong together")
        }
        try create(path, features: Observation.featureNames.count, first: saved.total - saved.transitions.count,
                   transitions: saved.transitions)
    }
}
