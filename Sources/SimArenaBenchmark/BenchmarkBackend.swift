import SimArenaModel
import SimArenaRun

/// Where a benchmark's simulations run: the embedded simulator, or SimKube clusters reached
/// through kubeconfig contexts. SimKube runs one Simulation at a time per cluster, so with `N`
/// contexts the cells are dealt into `N` lanes, lane `k` running its cells one after another on
/// context `k` (``BenchmarkPlan/laneCount``): N clusters run N simulations at once and never two
/// on one cluster.
public struct BenchmarkBackend: Sendable, Hashable {
    public var kind: SimulationBackend = .embedded
    /// One per SimKube cluster; empty: the kubeconfig's current context (one lane).
    public var contexts: [String] = []
    /// nil: `$KUBECONFIG`, else `~/.kube/config` (as kubectl).
    public var kubeconfig: String?
    /// SimKube's settings file (docs/simkube-backend.md).
    public var simKubeConfig: String?

    public init() {}

    /// The lanes SimKube's one-simulation-per-cluster rule allows; nil: no limit (embedded).
    var lanes: Int? { kind == .simkube ? max(1, contexts.count) : nil }

    /// The backend setting of the cells of lane `lane`.
    public func setting(lane: Int) -> BackendSetting {
        var setting = BackendSetting()
        setting.kind = kind
        guard kind == .simkube else { return setting }
        setting.kubeconfig = kubeconfig
        setting.simKubeConfig = simKubeConfig
        setting.context = contexts.isEmpty ? nil : contexts[lane % contexts.count]
        return setting
    }

    func validate() throws {
        guard kind == .simkube || (contexts.isEmpty && kubeconfig == nil && simKubeConfig == nil) else {
            throw SimArenaError(.usage, "the backend's contexts, kubeconfig and simkube_config are for the simkube backend")
        }
        var seen: Set<String> = []
        for context in contexts {
            guard !context.isEmpty else { throw SimArenaError(.usage, "a SimKube context name is empty") }
            guard seen.insert(context).inserted else {
                throw SimArenaError(.usage, "the context \"\(context)\" is listed twice; one lane per SimKube cluster")
            }
        }
    }

    // MARK: plan.json

    public var value: KValue {
        guard kind == .simkube else { return ["kind": .string(kind.rawValue)] }
        return ["kind": .string(kind.rawValue), "contexts": .array(contexts.map(KValue.string)),
                "kubeconfig": kubeconfig.map(KValue.string) ?? .null, "simkube_config": simKubeConfig.map(KValue.string) ?? .null]
    }

    /// Reads the fields ``value`` writes (`plan.json`, a sweep file's `backend:`); a missing
    /// `kind` is `defaultKind`.
    public init(reading fields: inout FieldReader, defaultKind: SimulationBackend = .embedded) throws {
        kind = try fields.choice("kind", SimulationBackend.self) ?? defaultKind
        contexts = try fields.strings("contexts") ?? []
        kubeconfig = try fields.string("kubeconfig")
        simKubeConfig = try fields.string("simkube_config")
    }
}
