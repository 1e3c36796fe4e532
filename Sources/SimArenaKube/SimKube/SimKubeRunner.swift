import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

#if canImport(Glibc)
import Glibc
#endif

/// Runs one step on a cluster with SimKube: publishes the trace, creates the step's Simulation
/// (running `graceSeconds` longer than the step), waits for the controller to report it Running,
/// lets it run `duration / speed` seconds of wall time, reads the pods in the virtual namespaces, and deletes the Simulation — also when
/// anything fails or a signal arrives, so that no Simulation is left behind.
public struct SimKubeRunner {
    public var client: KubeClient
    public var settings: SimKubeSettings
    /// Seconds since the epoch, and a pause; injectable for tests.
    public var now: () -> Double = RFC3339.now
    public var sleep: (Double) -> Void = RetryPolicy.sleepSeconds
    /// The signal that asks the step to stop, if one arrived.
    public var interruption: () -> Int32? = InterruptSignals.received

    /// Longest pause between two looks at ``interruption``.
    static let signalLatency = 0.1

    public init(client: KubeClient, settings: SimKubeSettings) {
        self.client = client
        self.settings = settings
    }

    /// Runs the trace at `tracePath` as Simulation `name` of `run` for `duration` simulated
    /// seconds, and returns the pods of the trace's `namespaces`.
    public func run(tracePath: String, namespaces: [String], name: String, run: String, duration: Double) throws -> SimKubeResult {
        try self.run(trace: try Document.read(tracePath), namespaces: namespaces, name: name, run: run, duration: duration)
    }

    /// Runs `trace` (a trace document) as ``run(tracePath:namespaces:name:run:duration:)`` does.
    public func run(trace document: KValue, namespaces: [String], name: String, run: String, duration: Double) throws -> SimKubeResult {
        // SimKube reads MessagePack traces.
        let traceName = name + ".msgpack"
        let trace = MessagePackWriter.encode(document)
        let url = try settings.publishTrace(trace, as: traceName)
        defer { settings.withdrawTrace(traceName) }
        let simulation = SimKubeSimulation(
            name: name, run: run, attempt: "\(getpid())-\(Int64(now() * 1000))", tracePath: url,
            duration: duration + settings.graceSeconds, settings: settings)
        let path = SimKubeSimulation.apiPath + "/" + name
        try create(simulation, at: path)
        do {
            if try waitForStart(name, at: path) == "Running" {
                try pause(duration / settings.speed, simulation: name)
                if try state(name, at: path) == "Failed" { throw failed(name) }
            }
            var pods: [Observation.PodStatus] = []
            for namespace in namespaces {
                let virtual = settings.virtualNamespace(namespace)
                let usage = try podUsage(in: virtual)
                pods += try client.list("/api/v1/namespaces/\(virtual)/pods").map { item in
                    var pod = try Observation.PodStatus(kubernetesPod: item, virtualNamespacePrefix: settings.virtualNamespacePrefix)
                    pod.usage = usage[pod.name] ?? .zero
                    return pod
                }
            }
            try client.delete(path)
            return SimKubeResult(simulation: name, duration: duration, pods: pods)
        } catch {
            _ = try? client.delete(path)
            throw error
        }
    }

    /// What each pod of `namespace` uses, from the resource metrics API (`metrics.k8s.io`,
    /// served by metrics-server, or by KWOK when its resource-usage simulation is configured):
    /// the sum of its containers' usage. Empty when the cluster does not serve the API.
    func podUsage(in namespace: String) throws -> [String: ResourceAmounts] {
        guard let list = try client.getIfPresent(PodMetrics.path(namespace: namespace)) else { return [:] }
        let items = try (list["items"] ?? []).requireArray(at: "PodMetrics list items")
        return try PodMetrics.containerUsage(items).mapValues { $0.reduce(.zero) { $0 + $1.usage } }
    }

    /// Deletes the Simulations Sim-Arena made (those of `run` only, when given); their names.
    public static func cleanup(client: KubeClient, run: String?) throws -> [String] {
        let selector = run.map(SimKubeSimulation.runSelector) ?? SimKubeSimulation.ownedSelector
        let names = try client.list(SimKubeSimulation.apiPath, labelSelector: selector).compactMap { $0["metadata"]?["name"]?.stringValue }
        for name in names { try client.delete(SimKubeSimulation.apiPath + "/" + name) }
        return names
    }

    /// Creates the Simulation. A 409 is either this very request sent twice (libcurl re-sends a
    /// request once when a kept-alive connection was closed under it) — the object then carries
    /// our attempt annotation — or a leftover of an earlier attempt at this step, which is
    /// deleted and created afresh, once.
    private func create(_ simulation: SimKubeSimulation, at path: String) throws {
        for _ in 0..<2 {
            if try client.createIfAbsent(SimKubeSimulation.apiPath, simulation.value) != nil { return }
            let existing = try client.getIfPresent(path)
            if existing?["metadata"]?["annotations"]?[SimKubeSimulation.attemptAnnotation]?.stringValue == simulation.attempt { return }
            try client.delete(path)
            try waitUntilGone(simulation.name, at: path)
        }
        throw SimArenaError(.temporary, "simulation \(simulation.name) keeps being created by someone else; is another run using the same name?")
    }

    private func waitUntilGone(_ name: String, at path: String) throws {
        let deadline = now() + settings.startTimeoutSeconds
        while try client.getIfPresent(path) != nil {
            guard now() < deadline else {
                throw SimArenaError(.temporary, "simulation \(name): a leftover of that name is still being deleted after \(settings.startTimeoutSeconds) s")
            }
            try pause(settings.pollSeconds, simulation: name)
        }
    }

    /// Polls until the controller reports Running (or already Finished); the state reached.
    /// Initializing, Blocked (another simulation holds the cluster), Retrying and Paused wait on.
    private func waitForStart(_ name: String, at path: String) throws -> String {
        let deadline = now() + settings.startTimeoutSeconds
        while true {
            let current = try state(name, at: path) ?? "none yet"
            switch current {
            case "Running", "Finished": return current
            case "Failed": throw failed(name)
            default: break
            }
            guard now() < deadline else {
                throw SimArenaError(
                    .temporary,
                    "simulation \(name) not Running after \(settings.startTimeoutSeconds) s (state: \(current)); "
                        + "is SimKube's controller running (namespace \(settings.driverNamespace))? startTimeoutSeconds sets the limit")
            }
            try pause(min(settings.pollSeconds, max(deadline - now(), 0)), simulation: name)
        }
    }

    /// The Simulation's `status.state`, nil before the controller has set one.
    private func state(_ name: String, at path: String) throws -> String? {
        guard let object = try client.getIfPresent(path) else {
            throw SimArenaError(.temporary, "simulation \(name) disappeared while running (deleted by someone else?)")
        }
        return object["status"]?["state"]?.stringValue
    }

    private func failed(_ name: String) -> SimArenaError {
        SimArenaError(.temporary, "simulation \(name) failed; see the driver's logs in namespace \(settings.driverNamespace) (kubectl logs -n \(settings.driverNamespace) -l job-name)")
    }

    /// Waits `seconds` of wall time, stopping early with ``SimKubeInterrupted`` on a signal.
    private func pause(_ seconds: Double, simulation: String) throws {
        let end = now() + seconds
        while true {
            if let signal = interruption() { throw SimKubeInterrupted(signal: signal, simulation: simulation) }
            let left = end - now()
            if left <= 0 { return }
            sleep(min(left, Self.signalLatency))
        }
    }
}
