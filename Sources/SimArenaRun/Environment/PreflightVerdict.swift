import SimArenaModel
import SimArenaSimulation
import SimArenaRL

#if canImport(Glibc)
import Glibc
#endif

/// The preflight stage (`sa-preflight`): the checks a step needs before it simulates: the trace reads and validates,
/// the target workload is in it, the cluster spec is sane, and the run directory is writable and
/// not locked by another live run.
public struct PreflightVerdict: Sendable {
    public struct Check: Sendable, Hashable {
        public var name: String
        public var ok: Bool
        public var message: String
    }

    public var checks: [Check] = []
    public var ok: Bool { checks.allSatisfy(\.ok) }

    /// The first failed check, as one line.
    public var failure: String? {
        checks.first { !$0.ok }.map { "\($0.name): \($0.message)" }
    }

    public var value: KValue {
        ["ok": .bool(ok), "checks": .array(checks.map { ["name": .string($0.name), "ok": .bool($0.ok), "message": .string($0.message)] })]
    }

    /// Runs `body` as the check `name`: passed with the message it returns, or failed with
    /// the message of the error it throws.
    public mutating func check(_ name: String, _ body: () throws -> String) {
        do {
            checks.append(Check(name: name, ok: true, message: try body()))
        } catch {
            checks.append(Check(name: name, ok: false, message: String(describing: error)))
        }
    }

    /// The checks of a step: the trace (`loadTrace`, named `traceName`) reads and validates,
    /// the workload is in it, the backend's own checks pass (`backend` fails as the `cluster`
    /// check when it could not be set up), and the run directory is writable and its lock free.
    public init(traceName: String, loadTrace: () throws -> Trace, workload: String, namespace: String?,
                backend: Result<any ClusterBackend, any Error>?, runDirectory: String?, pid: Int32?) {
        var trace: Trace?
        check("trace") {
            let loaded = try loadTrace()
            trace = loaded
            let errors = TraceValidator.validate(loaded.document).filter { $0.severity == .error }
            if let first = errors.first {
                throw SimArenaError(.data, "\(traceName): \(errors.count) validation error(s), first: \(first.code) at \(first.path): \(first.message)")
            }
            return "\(traceName): \(loaded.events.count) events, valid"
        }
        var found: Workload?
        check("workload") {
            guard let trace else { throw SimArenaError(.data, "no trace to look in") }
            guard let workload = try trace.workloads(named: workload, namespace: namespace).first else {
                let names = try trace.workloads().map { "\($0.kind.rawValue) \($0.namespace)/\($0.name)" }
                throw SimArenaError(.data, "no workload named \"\(workload)\" in the trace (it has: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
            }
            found = workload
            return "\(workload.kind.rawValue) \(workload.namespace)/\(workload.name)"
        }
        switch backend {
        case .success(let backend):
            backend.addPreflightChecks(to: &self, trace: trace, traceName: traceName, namespaces: [namespace ?? found?.namespace ?? "default"])
        case .failure(let error): checks.append(Check(name: "cluster", ok: false, message: String(describing: error)))
        case nil: break
        }
        guard let runDirectory else { return }
        check("run_directory") {
            guard FileIO.isDirectory(runDirectory) else { throw SimArenaError(.noInput, "\(runDirectory): not a directory") }
            guard access(runDirectory, W_OK) == 0 else { throw SimArenaError(.cannotCreate, "\(runDirectory): not writable") }
            return "\(runDirectory): writable"
        }
        if let pid {
            check("lock") {
                try RunLock.acquire(runDirectory, pid: pid) ?? "held by process \(pid)"
            }
        }
    }
}
