/// A SimKube trace (format version 2), or the original Python project's simplified trace (an
/// object with `events` and possibly empty `config`, `index` and `pod_lifecycles`).
///
/// The decoded ``document`` is the source of truth and is written back as it was read: typed
/// properties are views of it, checked when the trace is decoded, and edits go through
/// ``updateAppliedObjects(_:)`` so that only what an edit changes differs on output.
public struct Trace: Sendable {
    /// The trace format version this project reads.
    public static let supportedVersion: Int64 = 2

    /// The whole document, exactly as decoded (plus edits).
    public private(set) var document: KValue
    /// `version`, or `nil` for a simplified trace without one.
    public private(set) var version: Int64?
    /// `config.trackedObjects`, in file order.
    public private(set) var trackedObjects: [(gvk: GroupVersionKind, config: TrackedObjectConfig)]
    /// `events`, in file order (not necessarily sorted by time).
    public private(set) var events: [TraceEvent]
    /// `index`: the pod-spec hash recorded for each tracked object, in file order.
    public private(set) var index: [(gvk: GroupVersionKind, key: String, hash: UInt64)]
    /// `pod_lifecycles`, in file order.
    public private(set) var podLifecycles: [PodLifecycleRecord]
    /// The applied objects read as workloads, once, when first asked for (``workloads()``);
    /// shared by copies of the trace and kept current by its edits.
    var decoded = DecodedWorkloads()

    /// Checks the document's structure and builds the typed views.
    public init(document: KValue) throws {
        let parts = try TraceDecoder.decode(document)
        self.document = document
        self.version = parts.version
        self.trackedObjects = parts.trackedObjects
        self.events = parts.events
        self.index = parts.index
        self.podLifecycles = parts.podLifecycles
    }

    /// Reads a trace file (JSON or MessagePack); errors name the file.
    public static func load(_ path: String, as format: DataFormat? = nil) throws -> Trace {
        let document = try Document.read(path, as: format)
        do {
            return try Trace(document: document)
        } catch let error as SimArenaError {
            throw error.prefixed(path)
        }
    }

    /// Writes the trace (JSON or MessagePack, by extension unless given), atomically.
    public func write(to path: String, as format: DataFormat? = nil) throws {
        try Document.write(document, to: path, as: format)
    }

    /// The tracked-object settings for a kind, if the trace's config names it.
    public func trackedConfig(for gvk: GroupVersionKind) -> TrackedObjectConfig? {
        trackedObjects.first { $0.gvk == gvk }?.config
    }

    /// Applies `body` to every applied object of every event. Objects that `body` leaves
    /// unchanged stay byte-identical on output; a changed one must still be a map. When `body`
    /// throws, or leaves an object that is not a map, the trace is left as it was.
    public mutating func updateAppliedObjects(_ body: (_ object: inout KValue) throws -> Void) throws {
        var edited = self
        for eventIndex in events.indices {
            for objectIndex in events[eventIndex].applied.indices {
                var object = events[eventIndex].applied[objectIndex]
                try body(&object)
                guard object != events[eventIndex].applied[objectIndex] else { continue }
                try edited.replaceAppliedObject(event: eventIndex, object: objectIndex, with: object)
            }
        }
        self = edited
    }

    /// Applies `body` to every applied object that reads as a workload `matching` (with the
    /// workload it reads as); the other objects are not visited. The same rules as
    /// ``updateAppliedObjects(_:)``; an object that does not read (a malformed workload) is an
    /// error, as in ``workloads()``. Each visited object is taken as changed (it is read again)
    /// without comparing it with what it was: `body` is an edit.
    public mutating func updateWorkloads(
        matching matches: (Workload) -> Bool, _ body: (_ object: inout KValue, _ workload: Workload) throws -> Void
    ) throws {
        var edited = self
        for (eventIndex, objects) in try decoded.applied(of: self).enumerated() {
            for (objectIndex, workload) in objects.enumerated() {
                guard let workload = try workload.get(), matches(workload) else { continue }
                var object = events[eventIndex].applied[objectIndex]
                try body(&object, workload)
                try edited.replaceAppliedObject(event: eventIndex, object: objectIndex, with: object)
            }
        }
        self = edited
    }

    /// Puts `object` in place of an applied object, in the document and the typed views.
    private mutating func replaceAppliedObject(event eventIndex: Int, object objectIndex: Int, with object: KValue) throws {
        _ = try object.requireMap(at: Self.appliedObjectPath(event: eventIndex, object: objectIndex))
        let pointer = JSONPointer(tokens: ["events", String(eventIndex), "applied_objs", String(objectIndex)])
        document.modify(at: pointer) { $0 = object }
        events[eventIndex].applied[objectIndex] = object
        decoded = decoded.replacing(event: eventIndex, object: objectIndex, in: self)
    }
}
