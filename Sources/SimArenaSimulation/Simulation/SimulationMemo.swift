import SimArenaModel
import Synchronization

/// What simulations of the same workloads can reuse: the nodes and priority classes of the last
/// cluster spec, pod blueprints by template, and FailedScheduling messages by the failures they
/// describe.
///
/// An environment simulates the same workloads step after step, each time with at most one
/// template changed by the agent's action; the backend keeps one memo across its simulations so
/// that an unchanged template is not read again, and a message already built is not built again.
/// Each entry depends on its key alone, so a kept one is the one making it again would give.
/// Each store holds at most ``capacity`` entries and starts over when full.
///
/// Blueprints are kept from the second simulation on: a process that simulates once (a stage
/// tool) would pay more for the runtime's first use of their dictionary than keeping them could
/// save it. Messages are kept from the first, as pods that wait alike share one, and so is the
/// cluster.
public final class SimulationMemo: Sendable {
    /// The most entries each store keeps.
    public static let capacity = 256

    /// A template (its MessagePack encoding, which the simulator makes anyway for
    /// `pod-template-hash`), namespace and default restart policy. Hashed by the template's
    /// `pod-template-hash` instead of its bytes, which are compared only on a match.
    private struct BlueprintKey: Hashable {
        var template: [UInt8]
        var templateHash: UInt32
        var namespace: String
        var defaultRestartPolicy: PodBlueprint.RestartPolicy

        func hash(into hasher: inout Hasher) {
            hasher.combine(templateHash)
            hasher.combine(namespace)
            hasher.combine(defaultRestartPolicy)
        }
    }

    /// A cluster as every simulation on it starts: its nodes, and the priority classes pods may
    /// name before the trace declares any.
    struct ClusterStart: Sendable {
        var nodes: [SchedulerNode]
        var priorityClasses: [String: PriorityClass]
    }

    private struct State {
        var simulations = 0
        var cluster: (spec: ClusterSpec, start: ClusterStart)?
        var blueprints: [BlueprintKey: PodBlueprint] = [:]
        var unschedulableMessages: [ClusterSimulator.UnschedulableKey: String] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts a simulation that starts using the memo.
    func simulationStarted() {
        state.withLock { $0.simulations += 1 }
    }

    /// How a simulation on `spec` starts, from `make` unless it is the spec of the last one.
    func start(on spec: ClusterSpec, make: () -> ClusterStart) -> ClusterStart {
        if let kept = state.withLock({ $0.cluster }), kept.spec == spec { return kept.start }
        let start = make()
        state.withLock { $0.cluster = (spec, start) }
        return start
    }

    /// The blueprint for `template` (encoded; `hash` is its FNV-1a hash) in `namespace`, from
    /// `read` when not kept yet.
    func blueprint(template: [UInt8], hash: UInt32, namespace: String, defaultRestartPolicy: PodBlueprint.RestartPolicy,
                   read: () throws -> PodBlueprint) throws -> PodBlueprint {
        guard state.withLock({ $0.simulations > 1 }) else { return try read() }
        let key = BlueprintKey(template: template, templateHash: hash, namespace: namespace, defaultRestartPolicy: defaultRestartPolicy)
        if let kept = state.withLock({ $0.blueprints[key] }) { return kept }
        let blueprint = try read()
        state.withLock { Self.keep(blueprint, for: key, in: &$0.blueprints) }
        return blueprint
    }

    /// The FailedScheduling message for `key`, from `make` when not kept yet.
    func unschedulableMessage(for key: ClusterSimulator.UnschedulableKey, make: () -> String) -> String {
        if let kept = state.withLock({ $0.unschedulableMessages[key] }) { return kept }
        let message = make()
        state.withLock { Self.keep(message, for: key, in: &$0.unschedulableMessages) }
        return message
    }

    private static func keep<Key: Hashable, Value>(_ value: Value, for key: Key, in store: inout [Key: Value]) {
        if store.count >= capacity { store.removeAll(keepingCapacity: true) }
        store[key] = value
    }
}
