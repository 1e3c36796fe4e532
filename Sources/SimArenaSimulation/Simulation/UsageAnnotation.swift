import SimArenaModel

/// The pod-template annotation that declares what each container really uses, which SimKube
/// cannot express: `simarena.io/usage`, a JSON object from container name to
/// `{"cpu": "<quantity>", "memory": "<quantity>"}` (either may be left out; the key `"*"` covers
/// containers not named). Without it, a container uses exactly its requests and never fails.
public struct UsageAnnotation: Sendable, Hashable {
    public static let key = "simarena.io/usage"

    /// Declared usage of one container; `nil` fields mean "its request".
    public struct Usage: Sendable, Hashable {
        public var cpuMillis: Int64?
        public var memoryBytes: Int64?
    }

    public var containers: [String: Usage]

    /// Parses the annotation's text; `path` names it in errors.
    public init(_ text: String, at path: String) throws {
        let document: KValue
        do {
            document = try JSONReader.parse(Array(text.utf8))
        } catch let error as SimArenaError {
            throw error.prefixed("\(path) (\(Self.key) must be a JSON object)")
        }
        containers = [:]
        for entry in try document.requireMap(at: path).entries {
            let name = try entry.key.requireString(at: "\(path) key")
            let fields = try entry.value.requireMap(at: "\(path).\(name)")
            var usage = Usage()
            for field in fields.entries {
                let resource = try field.key.requireString(at: "\(path).\(name) key")
                let fieldPath = "\(path).\(name).\(resource)"
                let quantity: Quantity
                do {
                    quantity = try Quantity(parsing: try field.value.requireString(at: fieldPath))
                } catch let error as SimArenaError {
                    throw error.prefixed(fieldPath)
                }
                guard quantity.sign >= 0 else { throw SimArenaError(.data, "\(fieldPath): usage cannot be negative") }
                switch resource {
                case "cpu": usage.cpuMillis = quantity.milliValue
                case "memory": usage.memoryBytes = quantity.value
                default: throw SimArenaError(.data, "\(fieldPath): unknown resource (use cpu or memory)")
                }
            }
            containers[name] = usage
        }
    }

    /// The declared usage for a container, if any.
    public func usage(of container: String) -> Usage? {
        containers[container] ?? containers["*"]
    }
}
