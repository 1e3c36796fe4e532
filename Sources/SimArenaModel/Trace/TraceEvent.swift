/// One entry of a trace's `events`: the objects applied and deleted at time `ts`.
public struct TraceEvent: Sendable, Hashable {
    /// Timestamps a trace file may hold: within ±2^53 seconds, so that differences between
    /// them (time spans, offsets from the first event) cannot overflow.
    public static let tsRange: ClosedRange<Int64> = -(1 << 53)...(1 << 53)

    /// Unix seconds. Several events may share a timestamp.
    public var ts: Int64
    /// Objects created or updated (full Kubernetes objects).
    public var applied: [KValue]
    /// Objects deleted (full objects, or stubs with kind, apiVersion and metadata).
    public var deleted: [KValue]

    public init(ts: Int64, applied: [KValue] = [], deleted: [KValue] = []) {
        self.ts = ts
        self.applied = applied
        self.deleted = deleted
    }
}
