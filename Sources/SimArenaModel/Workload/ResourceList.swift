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
    public init(_ value: KValue, at path: @autoclosure () -> String) throws {
        entries = try value.requireMap(at: path()).entries.map { entry in
            let name = try entry.key.requireString(at: "\(path()) key")
            return (name, try Quantity(entry.value, at: "\(path()).\(name)"))
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

extension Quantity {
    /// Reads a quantity from an object field: a string (`"500m"`) or a number (`2`), as the
    /// Kubernetes API accepts both. Errors name `path`.
    public init(_ value: KValue, at path: @autoclosure () -> String) throws {
        let text: String
        switch value {
        case .string(let string): text = string
        case .int(let number): text = String(number)
        case .uint(let number): text = String(number)
        case .double(let number): text = String(number)
        case .float(let number): text = String(number)
        default:
            throw SimArenaError(.data, "\(path()): expected a quantity, found \(value.typeDescription)")
        }
        do {
            self = try Quantity(parsing: text)
        } catch let error as SimArenaError {
            throw error.prefixed(path())
        }
    }
}
