import Dispatch
import SimArenaModel
import SimArenaRL
import SimArenaRun

#if canImport(Glibc)
import Glibc
#endif

extension GymEnvironment {
    /// Steps each of `environments` with the action at the same index, on up to `threads`
    /// threads (0: one per processor); each environment is stepped by one thread. The results
    /// are in the same order; a failure is that environment's error.
    public static func step(_ environments: [GymEnvironment], actions: [Int], threads: Int) -> [Result<Environment.Transition, SimArenaError>] {
        let total = environments.count
        guard total > 0 else { return [] }
        var results = [Result<Environment.Transition, SimArenaError>](repeating: .failure(SimArenaError(.usage, "not stepped")), count: total)
        let workers = min(total, threads > 0 ? threads : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        let chunk = (total + workers - 1) / workers
        results.withUnsafeMutableBufferPointer { buffer in
            let batch = Batch(environments: environments, actions: actions, results: buffer.baseAddress!)
            if workers == 1 {
                for index in 0..<total { batch.step(index) }
            } else {
                DispatchQueue.concurrentPerform(iterations: (total + chunk - 1) / chunk) { part in
                    for index in (part * chunk)..<min(total, (part + 1) * chunk) { batch.step(index) }
                }
            }
        }
        return results
    }
}

/// One batch's environments, actions and result slots, shared by its worker threads: index i
/// is environment i and result slot i, touched by one thread only.
private struct Batch: @unchecked Sendable {
    let environments: [GymEnvironment]
    let actions: [Int]
    let results: UnsafeMutablePointer<Result<Environment.Transition, SimArenaError>>

    func step(_ index: Int) {
        do {
            results[index] = .success(try environments[index].step(actions[index]))
        } catch {
            results[index] = .failure(error as? SimArenaError ?? SimArenaError(.data, "\(error)"))
        }
    }
}
