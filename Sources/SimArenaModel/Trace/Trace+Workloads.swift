import Synchronization

extension Trace {
    /// Every workload the trace applies, in the order first seen, each in its last applied state
    /// and marked deleted when a later event deletes it.
    public func workloads() throws -> [Workload] {
        try decoded.workloads(of: self)
    }

    /// The workloads named `name` (any kind, any namespace unless given).
    public func workloads(named name: String, namespace: String? = nil) throws -> [Workload] {
        try workloads().filter { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }

    /// `events[event].applied_objs[object]` read as a workload (nil: its kind makes no pods),
    /// from the trace's decoding; an error names the object's path.
    public func appliedWorkload(event: Int, object: Int) throws -> Workload? {
        try decoded.applied(of: self)[event][object].get()
    }

    /// Where the applied object `object` of event `event` is, for messages:
    /// `events[3].applied_objs[1]`. Messages build it only when they are written.
    public static func appliedObjectPath(event: Int, object: Int) -> String {
        "events[\(event)].applied_objs[\(object)]"
    }

    /// The applied object at `events[event].applied_objs[object]` read as a workload: nil for
    /// an object that makes no pods, an error for a malformed one (naming its path).
    static func readWorkload(_ object: KValue, event: Int, object position: Int, tracked: (GroupVersionKind) -> TrackedObjectConfig?)
        -> AppliedObjectReading {
        func path() -> String { appliedObjectPath(event: event, object: position) }
        do {
            let gvk = try ObjectReference(object: object, at: path()).gvk
            return try Workload(object: object, at: path(), tracked: tracked(gvk)).map(AppliedObjectReading.workload) ?? .noPods
        } catch let error as SimArenaError {
            return .malformed(error)
        } catch {
            return .malformed(SimArenaError(.data, "\(path()): \(error)"))
        }
    }
}

/// An applied object as a trace reads it: a workload, an object that makes no pods (a
/// ConfigMap, a PriorityClass), or the error reading it gave. (Not a `Result`: a process that
/// simulates once paid more for the runtime to build that generic type than for the reading.)
enum AppliedObjectReading: Sendable {
    case workload(Workload)
    case noPods
    case malformed(SimArenaError)

    /// The workload; nil for an object that makes no pods; the error for a malformed one.
    func get() throws -> Workload? {
        switch self {
        case .workload(let workload): return workload
        case .noPods: return nil
        case .malformed(let error): throw error
        }
    }
}

/// A trace's applied objects read as workloads, and the workload list made from them: read on
/// first use and shared by the trace's copies (a trace is decoded once per episode, then edited
/// one workload at a time). An edit makes a new one from the old, reading only the objects it
/// changed, and changing only their entries of the list.
final class DecodedWorkloads: Sendable {
    private struct State {
        /// Per event, per applied object: the workload it reads as.
        var applied: [[AppliedObjectReading]]?
        var workloads: Result<[Workload], SimArenaError>?
        /// For each workload of the list, the applied object it was last read from.
        var sources: [Position] = []
    }

    /// An applied object's place: `events[event].applied_objs[object]`.
    private struct Position: Equatable {
        var event: Int
        var object: Int
    }

    private let state: Mutex<State>

    init() {
        state = Mutex(State())
    }

    private init(_ initial: State) {
        state = Mutex(initial)
    }

    /// Each applied object of `trace` (whose decoding this is) read as a workload.
    func applied(of trace: Trace) throws -> [[AppliedObjectReading]] {
        if let applied = state.withLock({ $0.applied }) { return applied }
        let applied = trace.events.enumerated().map { eventIndex, event in
            event.applied.enumerated().map { objectIndex, object in
                Trace.readWorkload(object, event: eventIndex, object: objectIndex, tracked: trace.trackedConfig(for:))
            }
        }
        state.withLock { $0.applied = applied }
        return applied
    }

    /// The workloads of `trace`, each in its last applied state.
    func workloads(of trace: Trace) throws -> [Workload] {
        if let workloads = state.withLock({ $0.workloads }) { return try workloads.get() }
        let result: Result<[Workload], SimArenaError>
        var sources: [Position] = []
        do {
            let collected = try Self.collect(applied(of: trace), events: trace.events)
            result = .success(collected.map(\.workload))
            sources = collected.map(\.source)
        } catch let error as SimArenaError {
            result = .failure(error)
        }
        state.withLock {
            $0.workloads = result
            $0.sources = sources
        }
        return try result.get()
    }

    /// The decoding of `trace` after its object at (`event`, `object`) changed: that object read
    /// again. When it still reads as the same workload, the list keeps its entries, the one read
    /// from that object replaced; otherwise the list is made again when next asked for.
    func replacing(event: Int, object: Int, in trace: Trace) -> DecodedWorkloads {
        let old = state.withLock { $0 }
        guard var applied = old.applied else { return DecodedWorkloads() }
        let reading = Trace.readWorkload(trace.events[event].applied[object], event: event, object: object,
                                         tracked: trace.trackedConfig(for:))
        var next = State(applied: nil, workloads: nil)
        if case .success(var list)? = old.workloads, case .workload(let was) = applied[event][object],
           case .workload(var now) = reading, now.reference == was.reference {
            if let index = old.sources.firstIndex(of: Position(event: event, object: object)) {
                now.deleted = list[index].deleted
                list[index] = now
            }
            (next.workloads, next.sources) = (.success(list), old.sources)
        }
        applied[event][object] = reading
        next.applied = applied
        return DecodedWorkloads(next)
    }

    /// Each workload in its last applied state, in the order first seen, with the object it was
    /// last read from.
    private static func collect(_ applied: [[AppliedObjectReading]], events: [TraceEvent]) throws
        -> [(workload: Workload, source: Position)] {
        var order: [ObjectReference] = []
        var latest: [ObjectReference: (workload: Workload, source: Position)] = [:]
        for (eventIndex, event) in events.enumerated() {
            for (objectIndex, read) in applied[eventIndex].enumerated() {
                guard let workload = try read.get() else { continue }
                if latest[workload.reference] == nil { order.append(workload.reference) }
                latest[workload.reference] = (workload, Position(event: eventIndex, object: objectIndex))
            }
            for (objectIndex, object) in event.deleted.enumerated() {
                let reference = try ObjectReference(object: object, at: "events[\(eventIndex)].deleted_objs[\(objectIndex)]")
                latest[reference]?.workload.deleted = true
            }
        }
        return order.compactMap { latest[$0] }
    }
}
