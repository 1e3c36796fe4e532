import SimArenaModel
import SimArenaSimulation
import SimArenaRL

/// What one simulation of a step produced, whichever backend ran it: the pods and nodes an
/// observation is made from, and the result document a step directory keeps as
/// `simulation.json` (format `simarena.simulation/v1`, docs/simulation-format.md).
public protocol SimulationOutcome: Sendable {
    /// The pods and the largest node, as an observation needs them.
    func snapshot() throws -> Observation.Snapshot
    /// The result document.
    var document: KValue { get }
    /// Writes the document atomically: JSON, or MessagePack for a `.msgpack` path.
    func write(to path: String) throws
}

extension SimulationOutcome {
    public func write(to path: String) throws {
        try Document.write(document, to: path)
    }
}

/// A result document read back from a file (`simulation.json` of a step directory).
public struct SimulationDocument: SimulationOutcome {
    public var document: KValue

    public init(_ document: KValue) {
        self.document = document
    }

    public func snapshot() throws -> Observation.Snapshot {
        try Observation.Snapshot(simulation: document)
    }
}

extension SimulationResult: SimulationOutcome {
    public var document: KValue { value }

    public func write(to path: String) throws {
        if DataFormat(path: path) == .msgpack {
            // Streamed: the same bytes as encoding the document, without building it.
            try FileIO.writeAtomically(messagePack, to: path)
        } else {
            try Document.write(value, to: path)
        }
    }
}
