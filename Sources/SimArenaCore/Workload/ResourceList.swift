/// A container's `requests` or `limits`: resource names (`cpu`, `memory`, ...) with quantities,
/// in the order the object lists them.
public struct ResourceList: Sendable, Hashable {
    public var entries: [(name: String, quantity: Quantity)]

    public init(_ entries: [(name: String, quantity: Quantity)] = []) {
        self.entries = entries
    }

    public var isEmpty: Bool { entries.isEmpty }

    public subscript(name: String) -> Quantity? {
        entries.first { $0.name == name }?.quantity
    }

    /// Reads a `requests` or `limits` map. Quantities may be strings (`"500m"`) or numbers
    /// (`2`), as the Kubernetes API accepts both.
    public init(_ value: KValue, at path: String) throws {
        entries = try value.requireMap(at: path).entries.map { entry in
            let name = try entry.key.requireString(at: "\(path) key")
            let fieldPath = "\(path).\(name)"
            let text: String
            switch entry.value {
            case .string(let string): text = string
            case .int(let number): text = String(number)
            case .uint(let number): text = String(number)
            case .double(let number): text = String(number)
            case .float(let number): text = String(number)
            default:
                throw SimArenaError(.data, "\(fieldPath): expected a quantity, found \(entry.value.typeDescription)")
            }
            do {
                return (name, try Quantity(parsing: text))
            } catch let error as SimArenaError {
                throw error.prefixed(fieldPath)
            }
        }
    }

    public static func == (lhs: ResourceList, rhs: ResourceList) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.name == $1.name && $0.quantity == $1.quantity }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.name)
            hasher.combine(entry.quantity)
        }
    }
}
