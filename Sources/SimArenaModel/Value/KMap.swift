/// A map whose entries keep their insertion order, with keys of any ``KValue`` type.
///
/// Kubernetes objects are small maps, so lookups scan the entries; this keeps decoding cheap and
/// the order exactly as read, which is what lets a trace round-trip byte for byte.
public struct KMap: Sendable, Hashable {
    /// One key and its value.
    public struct Entry: Sendable, Hashable {
        public var key: KValue
        public var value: KValue

        public init(key: KValue, value: KValue) {
            self.key = key
            self.value = value
        }
    }

    /// The entries in insertion order. Keys are expected to be distinct.
    public var entries: [Entry]

    public init(_ entries: [Entry] = []) {
        self.entries = entries
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// The keys that are strings, in order.
    public var stringKeys: [String] { entries.compactMap { $0.key.stringValue } }

    /// Whether every key is a string (the map can then be a JSON object).
    public var hasOnlyStringKeys: Bool {
        entries.allSatisfy { if case .string = $0.key { return true } else { return false } }
    }

    /// The position of the entry whose key is `key`.
    public func index(of key: KValue) -> Int? {
        entries.firstIndex { $0.key == key }
    }

    /// The position of the entry whose key is the string `key`.
    public func index(of key: String) -> Int? {
        entries.firstIndex {
            if case .string(let candidate) = $0.key { return candidate == key }
            return false
        }
    }

    /// The value under a string key. Setting a value replaces it in place (keeping the entry's
    /// position) or appends a new entry; setting `nil` removes the entry.
    public subscript(key: String) -> KValue? {
        get { index(of: key).map { entries[$0].value } }
        set { set(.string(key), at: index(of: key), to: newValue) }
    }

    /// The value under a key of any type, with the same update rules as the string subscript.
    public subscript(key: KValue) -> KValue? {
        get { index(of: key).map { entries[$0].value } }
        set { set(key, at: index(of: key), to: newValue) }
    }

    private mutating func set(_ key: KValue, at position: Int?, to newValue: KValue?) {
        switch (position, newValue) {
        case (let position?, let value?): entries[position].value = value
        case (let position?, nil): entries.remove(at: position)
        case (nil, let value?): entries.append(Entry(key: key, value: value))
        case (nil, nil): break
        }
    }
}
