import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun


/// A credential (token, password, key or certificate material) that prints as `<redacted>`, so
/// that it cannot reach an error message, a log line or a debug dump by accident. Only the
/// code that hands it to libcurl or a child process reads ``exposedValue``.
public struct Secret<Value: Sendable & Equatable>: Sendable, Equatable, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    /// The credential itself; never interpolate it into text meant for people.
    public let exposedValue: Value

    public init(_ value: Value) { exposedValue = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}

/// A secret string: a token or a password.
public typealias SecretText = Secret<String>
/// Secret bytes: a private key or client certificate in PEM.
public typealias SecretBytes = Secret<[UInt8]>
