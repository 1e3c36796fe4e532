/// A Kubernetes object, or any part of one, in the data model that MessagePack and JSON share.
///
/// Integers keep their exact value: every integer that fits `Int64` is stored as ``int(_:)``;
/// only integers above `Int64.max` use ``uint(_:)``. Decoders keep that invariant, so two equal
/// numbers always compare equal whichever format they came from. Use ``integer(_:)`` to build
/// one from a `UInt64`.
///
/// Maps keep their keys in insertion order, and keys may be any value (MessagePack allows it,
/// and SimKube traces use array and integer keys in `pod_lifecycles`).
public enum KValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A signed integer; every integer in `Int64`'s range uses this case.
    case int(Int64)
    /// An integer above `Int64.max`.
    case uint(UInt64)
    /// A MessagePack float32; kept apart from doubles so that re-encoding preserves bytes.
    case float(Float)
    case double(Double)
    case string(String)
    case binary([UInt8])
    case array([KValue])
    case map(KMap)

    /// An integer value in its canonical case (``int(_:)`` when it fits, else ``uint(_:)``).
    public static func integer(_ value: UInt64) -> KValue {
        value <= UInt64(Int64.max) ? .int(Int64(value)) : .uint(value)
    }

    /// A short name for the value's type, for error messages ("a string", "a map", ...).
    public var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .uint: return "an integer"
        case .float, .double: return "a number"
        case .string: return "a string"
        case .binary: return "binary data"
        case .array: return "an array"
        case .map: return "a map"
        }
    }
}

// MARK: - Typed views

extension KValue {
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as `Int64`, when it is an integer that fits.
    public var int64Value: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The value as `UInt64`, when it is a non-negative integer.
    public var uint64Value: UInt64? {
        switch self {
        case .int(let value) where value >= 0: return UInt64(value)
        case .uint(let value): return value
        default: return nil
        }
    }

    /// Any number as a `Double` (integers may round).
    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .uint(let value): return Double(value)
        case .float(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    public var arrayValue: [KValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var mapValue: KMap? {
        if case .map(let value) = self { return value }
        return nil
    }

    /// The member named `key` when this is a map; `nil` otherwise or when absent.
    public subscript(key: String) -> KValue? {
        get { mapValue?[key] }
        set {
            guard case .map(var map) = self else { return }
            self = .null  // release the payload so the map is uniquely referenced
            map[key] = newValue
            self = .map(map)
        }
    }

    /// The element at `index` when this is an array and the index is in range.
    public subscript(index: Int) -> KValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}

// MARK: - Literals

extension KValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: KValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, KValue)...) {
        self = .map(KMap(elements.map { KMap.Entry(key: .string($0.0), value: $0.1) }))
    }
}
