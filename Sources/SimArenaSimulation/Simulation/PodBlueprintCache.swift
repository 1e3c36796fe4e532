import SimArenaModel
import Synchronization

/// Pod blueprints already read, by the template's bytes (its MessagePack encoding, which the
/// simulator makes anyway for `pod-template-hash`), namespace and default restart policy.
///
/// An environment simulates the same workloads step after step, each time with at most one
/// template changed by the agent's action; the backend keeps one of these across its
/// simulations so that an unchanged template is not read again. A blueprint depends on nothing
/// else, so a cached one is the one reading would give. Holds at most ``capacity`` entries and
/// starts over when full.
public final class PodBlueprintCache: Sendable {
    /// The most blueprints kept.
    public static let capacity = 256

    private struct Key: Hashable {
        var template: [UInt8]
        var namespace: String
        var defaultRestartPolicy: PodBlueprint.RestartPolicy
    }

    private let entries = Mutex<[Key: PodBlueprint]>([:])

    public init() {}

    /// The blueprint for `template` (encoded) in `namespace`, from `read` when not kept yet.
    func blueprint(template: [UInt8], namespace: String, defaultRestartPolicy: PodBlueprint.RestartPolicy,
                   read: () throws -> PodBlueprint) throws -> PodBlueprint {
        let key = Key(template: template, namespace: namespace, defaultRestartPolicy: defaultRestartPolicy)
        if let kept = entries.withLock({ $0[key] }) { return kept }
        let blueprint = try read()
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = blueprint
        }
        return blueprint
    }
}
