import SimArenaModel

/// The pod-template annotation that declares what each container really uses, which SimKube
/// cannot express: `simarena.io/usage`, a JSON object from container name to
/// `{"cpu": <usage>, "memory": <usage>}` (either may be left out; the key `"*"` covers
/// containers not named). A usage is a quantity string (constant) or an array of 1 to 1440 of
/// them (a ``UsageSeries``: one sample every 15 s from the container's start, cycling). Without
/// it, a container uses exactly its requests and never fails.
public struct UsageAnnotation: Sendable, Hashable {
    public static let key = "simarena.io/usage"

    /// Declared usage of one container; `nil` fields mean "its request".
    public struct Usage: Sendable, Hashable {
        /// Millicores.
        public var cpu: UsageSeries?
        /// Bytes.
        public var memory: UsageSeries?
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
                switch resource {
                case "cpu": usage.cpu = try Self.series(field.value, at: fieldPath, \.milliValue)
                case "memory": usage.memory = try Self.series(field.value, at: fieldPath, \.value)
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

    /// A quantity string, or an array of 1 to ``UsageSeries/maxSamples`` of them, in the units
    /// `unit` takes from each quantity.
    private static func series(_ value: KValue, at path: String, _ unit: (Quantity) -> Int64) throws -> UsageSeries {
        let items: [KValue]
        switch value {
        case .string: return UsageSeries(constant: unit(try sample(value, at: path)))
        case .array(let list): items = list
        default: throw SimArenaError(.data, "\(path): expected a quantity string or an array of them, found \(value.typeDescription)")
        }
        guard !items.isEmpty else { throw SimArenaError(.data, "\(path): a usage series needs at least one sample") }
        guard items.count <= UsageSeries.maxSamples else {
            throw SimArenaError(.data, "\(path): a usage series holds at most \(UsageSeries.maxSamples) samples (6 hours at 15 s), not \(items.count)")
        }
        return UsageSeries(try items.enumerated().map { index, item in unit(try sample(item, at: "\(path)[\(index)]")) })
    }

    /// One non-negative quantity string.
    private static func sample(_ value: KValue, at path: String) throws -> Quantity {
        let text = try value.requireString(at: path)
        let quantity: Quantity
        do {
            quantity = try Quantity(parsing: text)
        } catch let error as SimArenaError {
            throw error.prefixed(path)
        }
        guard quantity.sign >= 0 else { throw SimArenaError(.data, "\(path): usage cannot be negative") }
        return quantity
    }
}
