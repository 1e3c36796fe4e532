import SimArenaModel

/// The resources NodeResourcesFit checks besides cpu, memory and pods, by name: ephemeral-storage
/// and kube-scheduler's scalar resources (extended resources such as `nvidia.com/gpu`, hugepages,
/// `kubernetes.io/`-prefixed names, attachable volumes), as integers (`Quantity.value`: bytes
/// for storage and hugepages, counts otherwise).
///
/// Kept sorted by name, so equal amounts compare equal and iterate in one order. Most pods and
/// nodes have none, and then this is an empty array: the scheduler's checks cost nothing. Sums
/// saturate at the `Int64` bounds, as ``ResourceAmounts`` does.
public struct NamedResourceAmounts: Sendable, Hashable {
    /// One resource's amount.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var amount: Int64
    }

    /// Sorted by name, names unique.
    public private(set) var entries: [Entry]

    public init() { entries = [] }

    /// Amounts by name; zero amounts are kept (a pod's explicit `0` is skipped by the checks).
    public init(_ amounts: [String: Int64]) {
        entries = amounts.map { Entry(name: $0.key, amount: $0.value) }.sorted { $0.name < $1.name }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The amount of `name`; 0 when absent (a node that does not offer a resource has none).
    public subscript(name: String) -> Int64 {
        guard let index = index(of: name) else { return 0 }
        return entries[index].amount
    }

    public static func + (lhs: NamedResourceAmounts, rhs: NamedResourceAmounts) -> NamedResourceAmounts {
        lhs.combined(with: rhs, ResourceAmounts.saturatingAdd)
    }

    public static func - (lhs: NamedResourceAmounts, rhs: NamedResourceAmounts) -> NamedResourceAmounts {
        lhs.combined(with: rhs, ResourceAmounts.saturatingSubtract)
    }

    public static func += (lhs: inout NamedResourceAmounts, rhs: NamedResourceAmounts) {
        if !rhs.isEmpty { lhs = lhs + rhs }
    }

    public static func -= (lhs: inout NamedResourceAmounts, rhs: NamedResourceAmounts) {
        if !rhs.isEmpty { lhs = lhs - rhs }
    }

    private func index(of name: String) -> Int? {
        entries.firstIndex { $0.name == name }
    }

    /// Every name of either side, with `operation(left, right)` of their amounts.
    private func combined(with other: NamedResourceAmounts, _ operation: (Int64, Int64) -> Int64) -> NamedResourceAmounts {
        var result = NamedResourceAmounts()
        var names = Set(entries.map(\.name))
        names.formUnion(other.entries.map(\.name))
        result.entries = names.sorted().map { Entry(name: $0, amount: operation(self[$0], other[$0])) }
        return result
    }
}
