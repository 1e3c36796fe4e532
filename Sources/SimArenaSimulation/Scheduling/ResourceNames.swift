import SimArenaModel

/// Which resource names kube-scheduler's NodeResourcesFit tracks, by its rules
/// (`schedutil.IsScalarResourceName` and `v1helper`'s name classes).
public enum ResourceNames {
    public static let cpu = "cpu"
    public static let memory = "memory"
    public static let pods = "pods"
    public static let ephemeralStorage = "ephemeral-storage"
    static let hugePagesPrefix = "hugepages-"
    static let attachableVolumesPrefix = "attachable-volumes-"

    /// Whether the scheduler counts `name` in ``NamedResourceAmounts``: ephemeral-storage, an
    /// extended resource, hugepages, a `kubernetes.io/`-prefixed name or attachable volumes.
    /// Anything else in a container's requests (an unqualified name such as `gpu`) is ignored,
    /// as kube-scheduler ignores it.
    public static func isNamedForScheduling(_ name: String) -> Bool {
        name == ephemeralStorage || isExtended(name) || name.hasPrefix(hugePagesPrefix)
            || isPrefixedNative(name) || name.hasPrefix(attachableVolumesPrefix)
    }

    /// A domain-qualified name outside `kubernetes.io` (`nvidia.com/gpu`, `example.com/aaa`).
    public static func isExtended(_ name: String) -> Bool {
        name.containsBytes("/") && !isPrefixedNative(name) && !name.hasPrefix("requests.") && isQualifiedName(name)
    }

    /// `kubernetes.io/x` or `sub.kubernetes.io/x`.
    static func isPrefixedNative(_ name: String) -> Bool {
        name.containsBytes("kubernetes.io/")
    }

    /// Kubernetes' qualified name: an optional DNS-subdomain prefix and `/`, then a name of at most
    /// 63 characters, alphanumeric at both ends, with `-`, `_` and `.` inside.
    static func isQualifiedName(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let last = parts.last else { return false }
        if parts.count == 2 {
            let prefix = parts[0]
            guard !prefix.isEmpty, prefix.utf8.count <= 253,
                prefix.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isDNSLabel)
            else { return false }
        }
        guard !last.isEmpty, last.utf8.count <= 63, let first = last.utf8.first, let end = last.utf8.last,
            isAlphanumeric(first), isAlphanumeric(end)
        else { return false }
        return last.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    private static func isDNSLabel(_ label: Substring) -> Bool {
        guard !label.isEmpty, label.utf8.count <= 63, let first = label.utf8.first, let end = label.utf8.last,
            isLowerAlphanumeric(first), isLowerAlphanumeric(end)
        else { return false }
        return label.utf8.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
