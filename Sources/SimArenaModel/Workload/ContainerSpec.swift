/// The parts of a container spec that resource decisions need.
public struct ContainerSpec: Sendable, Hashable {
    public var name: String
    public var requests: ResourceList
    public var limits: ResourceList

    public init(name: String, requests: ResourceList = ResourceList(), limits: ResourceList = ResourceList()) {
        self.name = name
        self.requests = requests
        self.limits = limits
    }

    /// Reads one entry of `containers` or `initContainers`.
    public init(_ value: KValue, at path: @autoclosure () -> String) throws {
        let map = try value.requireMap(at: path())
        name = try map["name"]?.requireString(at: "\(path()).name") ?? ""
        let resources = try map["resources"].map { try $0.requireMap(at: "\(path()).resources") } ?? KMap()
        requests = try resources["requests"].map { try ResourceList($0, at: "\(path()).resources.requests") } ?? ResourceList()
        limits = try resources["limits"].map { try ResourceList($0, at: "\(path()).resources.limits") } ?? ResourceList()
    }
}
