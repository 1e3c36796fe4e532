import SimArenaModel
import Synchronization

/// Pod blueprints already read, by the template's bytes (its MessagePack encoding, which the
/// simulator makes anyway for `pod-template-hash`), namespace and default restart policy.
///
/// An environment simulates the same workloads step after step, each time with at most one
/// template changed by the agent's action; the backend keeps one of these across its
/// simulations so that an unchanged template is not read again. A blueprint depends on nothing
/// else, so a cached one is the one reading would give. Holds at most ``capacity`` entries and
/// starts over when full. It keeps nothing during the first simulation it serves: a process
/// that simulates once (a stage tool) would pay more for the runtime's first use of the
/// dictionary than the cache could save it.
public final class PodBlueprintCache: Sendable {
    /// The most blueprints kept.
    public static let capacity = 256

    private struct Key: Hashable {
        var template: [UInt8]
        var namespace: String
        var defaultRestartPolicy: PodBlueprint.RestartPolicy
    }

    private struct State {
        var simulations = 0
        var entries: [Key: PodBlueprint] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts a simulation that starts using the cache.
    func simulationStarted() {
        state.withLock { $0.simulations += 1 }
    }

    /// The blueprint for `template` (encoded) in `namespace`, from `read` when not kept yet.
    func blueprint(template: [UInt8], namespace: String, defaultRestartPolicy: PodBlueprint.RestartPolicy,
                   read: () throws -> PodBlueprint) throws -> PodBlueprint {
        guard state.withLock({ $0.simulations > 1 }) else { return try read() }
        let key = Key(template: template, namespace: namespace, defaultRestartPolicy: defaultRestartPolicy)
        if let kept = state.withLock({ $0.entries[key] }) { return kept }
        let blueprint = try read()
        state.withLock { state in
            if state.entries.count >= Self.capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = blueprint
        }
        return blueprint
    }
}
