/// A pod template (or a bare Pod): its metadata, its spec as a value, and its containers.
public struct PodTemplate: Sendable, Hashable {
    /// `metadata.labels`, in order.
    public var labels: [(key: String, value: String)]
    /// `metadata.annotations`, in order.
    public var annotations: [(key: String, value: String)]
    /// `spec`, whole, for the parts that only the simulator reads.
    public var spec: KValue
    public var containers: [ContainerSpec]
    public var initContainers: [ContainerSpec]

    /// Reads a template: a map with `metadata` and `spec`.
    public init(_ value: KValue, at path: @autoclosure () -> String) throws {
        let map = try value.requireMap(at: path())
        let metadata = try map["metadata"].map { try $0.requireMap(at: "\(path()).metadata") } ?? KMap()
        labels = try Self.stringMap(metadata["labels"], at: "\(path()).metadata.labels")
        annotations = try Self.stringMap(metadata["annotations"], at: "\(path()).metadata.annotations")
        guard let spec = map["spec"] else { throw SimArenaError(.data, "\(path()): missing \"spec\"") }
        let specMap = try spec.requireMap(at: "\(path()).spec")
        self.spec = spec
        containers = try Self.containers(specMap["containers"], at: "\(path()).spec.containers")
        initContainers = try Self.containers(specMap["initContainers"], at: "\(path()).spec.initContainers")
    }

    public func label(_ key: String) -> String? { labels.first { $0.key == key }?.value }
    public func annotation(_ key: String) -> String? { annotations.first { $0.key == key }?.value }

    private static func containers(_ list: KValue?, at path: @autoclosure () -> String) throws -> [ContainerSpec] {
        guard let list, !list.isNull else { return [] }
        return try list.requireArray(at: path()).enumerated().map { try ContainerSpec($0.element, at: "\(path())[\($0.offset)]") }
    }

    private static func stringMap(_ value: KValue?, at path: @autoclosure () -> String) throws -> [(key: String, value: String)] {
        guard let value, !value.isNull else { return [] }
        return try value.requireMap(at: path()).entries.map { entry in
            let key = try entry.key.requireString(at: "\(path()) key")
            return (key, try entry.value.requireString(at: "\(path()).\(key)"))
        }
    }

    public static func == (lhs: PodTemplate, rhs: PodTemplate) -> Bool {
        lhs.spec == rhs.spec && lhs.containers == rhs.containers && lhs.initContainers == rhs.initContainers
            && lhs.labels.elementsEqual(rhs.labels) { $0 == $1 }
            && lhs.annotations.elementsEqual(rhs.annotations) { $0 == $1 }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(spec)
    }
}
