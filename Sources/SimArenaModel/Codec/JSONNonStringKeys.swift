/// The `"$kmap"` convention that lets JSON carry maps whose keys are not all strings; see
/// ``JSONWriter`` for the rule. Both directions live here so that they cannot drift apart.
enum JSONNonStringKeys {
    /// The name of the single member that holds a map as `[key, value]` pairs.
    static let member = "$kmap"

    /// Whether `map` must be written in the pairs form: it has a key that is not a string, or
    /// its only key is the string `"$kmap"` (which would otherwise read back as the pairs form).
    static func needsPairs(_ map: KMap) -> Bool {
        !map.hasOnlyStringKeys || isPairsForm(map.entries)
    }

    /// Whether parsed object members are the pairs form: exactly one member, named `"$kmap"`.
    static func isPairsForm(_ members: [KMap.Entry]) -> Bool {
        members.count == 1 && members[0].key == .string(member)
    }

    /// The single object member that stands for `map` in the pairs form.
    static func pairsMember(_ map: KMap) -> KMap.Entry {
        KMap.Entry(key: .string(member), value: .array(map.entries.map { .array([$0.key, $0.value]) }))
    }

    /// Why a `"$kmap"` member's value does not stand for a map.
    enum Problem: Error {
        /// The value is not an array of 2-element arrays.
        case shape
        /// Two pairs have equal keys.
        case duplicateKey(KValue)
    }

    /// The map that the value of a `"$kmap"` member stands for.
    static func map(fromPairs value: KValue) -> Result<KMap, Problem> {
        guard case .array(let pairs) = value else { return .failure(.shape) }
        var entries: [KMap.Entry] = []
        entries.reserveCapacity(pairs.count)
        var keys = KeyIndex()
        for pair in pairs {
            guard case .array(let keyAndValue) = pair, keyAndValue.count == 2 else {
                return .failure(.shape)
            }
            guard keys.isNew(keyAndValue[0], among: entries) else {
                return .failure(.duplicateKey(keyAndValue[0]))
            }
            entries.append(KMap.Entry(key: keyAndValue[0], value: keyAndValue[1]))
        }
        return .success(KMap(entries))
    }
}

/// Detects a repeated key while a map is being built: it compares with the entries while the
/// map is small (Kubernetes objects are) and switches to hashing once the map grows.
struct KeyIndex {
    private static let hashingThreshold = 16
    private var hashed: Set<KValue>?

    /// Whether `key` differs from every key in `entries`, the entries built so far; the caller
    /// appends the entry for `key` after asking.
    /// A key as it appears in compact JSON, for error messages.
    static func describe(_ key: KValue) -> String {
        // Decoded keys hold no NaN or infinity, so writing them cannot fail.
        (try? JSONWriter.encode(key, pretty: false)).map { String(decoding: $0, as: UTF8.self) } ?? key.typeDescription
    }

    mutating func isNew(_ key: KValue, among entries: [KMap.Entry]) -> Bool {
        if hashed == nil {
            if entries.count < Self.hashingThreshold { return !entries.contains { $0.key == key } }
            hashed = Set(entries.lazy.map(\.key))
        }
        return hashed!.insert(key).inserted
    }
}
