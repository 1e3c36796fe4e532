/// An error a person can act on: one line saying what is wrong and where, and the kind of
/// failure, which decides the process exit status (the BSD `sysexits.h` convention).
public struct SimArenaError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What class of failure this is.
    public enum Kind: Sendable, Equatable {
        /// Bad flags or arguments (exit 64, `EX_USAGE`).
        case usage
        /// Input that was read but is malformed or inconsistent (exit 65, `EX_DATAERR`).
        case data
        /// Input that cannot be opened or read (exit 66, `EX_NOINPUT`).
        case noInput
        /// Output that cannot be created or written (exit 73, `EX_CANTCREAT`).
        case cannotCreate
        /// A failed check or a resource held by someone else (exit 75, `EX_TEMPFAIL`).
        case temporary
    }

    public var kind: Kind
    /// The message, without a trailing newline.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// The exit status for this kind of failure.
    public var exitCode: Int32 {
        switch kind {
        case .usage: return 64
        case .data: return 65
        case .noInput: return 66
        case .cannotCreate: return 73
        case .temporary: return 75
        }
    }

    /// The same error with `context` (usually a file name) in front of the message.
    public func prefixed(_ context: String) -> SimArenaError {
        SimArenaError(kind, "\(context): \(message)")
    }
}
