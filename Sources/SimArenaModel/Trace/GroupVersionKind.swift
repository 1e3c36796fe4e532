/// A Kubernetes group, version and kind, written as SimKube writes it: `apps/v1.Deployment`,
/// or `v1.Pod` for the core group.
public struct GroupVersionKind: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    /// Parses `group/version.Kind` or `version.Kind`.
    public init(parsing text: String) throws {
        guard let dot = text.lastIndex(of: "."), text.index(after: dot) < text.endIndex else {
            throw SimArenaError(.data, "invalid GVK \"\(text)\": expected group/version.Kind or version.Kind")
        }
        self.init(apiVersion: String(text[..<dot]), kind: String(text[text.index(after: dot)...]))
        guard !version.isEmpty, !version.contains("/"), !kind.isEmpty else {
            throw SimArenaError(.data, "invalid GVK \"\(text)\": expected group/version.Kind or version.Kind")
        }
    }

    /// From an object's `apiVersion` (`apps/v1` or `v1`) and `kind`.
    public init(apiVersion: String, kind: String) {
        if let slash = apiVersion.firstIndex(of: "/") {
            group = String(apiVersion[..<slash])
            version = String(apiVersion[apiVersion.index(after: slash)...])
        } else {
            group = ""
            version = apiVersion
        }
        self.kind = kind
    }

    /// `apps/v1`, or `v1` for the core group.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    public var description: String { "\(apiVersion).\(kind)" }
}
