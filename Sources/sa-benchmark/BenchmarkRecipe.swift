import SimArenaCLI
import SimArenaModel
import SimArenaRun

#if canImport(Glibc)
import Glibc
#endif

/// A recipe's `bin/train.sh` flags, read with train.sh's own flag table (``RunOptions``); the
/// benchmark adds the seed and the folders of each cell's training run.
enum BenchmarkRecipe {
    /// Flags a recipe must leave to the benchmark.
    static let reserved = ["--seed", "--runs-dir", "--checkpoints-dir", "--fast", "--keep-steps", "--no-plots", "--evaluate",
                           "--policy-cmd", "--backend", "--resume", "--load"]

    /// Refuses a recipe that sets what the benchmark sets or does not train a learning agent,
    /// and checks every flag and trace (as `bin/train.sh` would) before anything runs.
    static func check(_ flags: [String], file: String) throws {
        if let flag = flags.first(where: { word in reserved.contains { word == $0 || word.hasPrefix($0 + "=") } }) {
            throw SimArenaError(.usage, "--recipe \(file): \(flag) is set by the benchmark; remove it from the recipe")
        }
        let configuration: RunConfiguration
        do {
            configuration = try Self.configuration(flags + ["--seed", "1"])
        } catch let error as SimArenaError {
            throw error.prefixed("--recipe \(file)")
        }
        guard configuration.learns else {
            throw SimArenaError(.usage, "--recipe \(file): the recipe must train a learning agent (--agent dqn or greedy)")
        }
    }

    /// The run configuration of `flags`.
    static func configuration(_ flags: [String]) throws -> RunConfiguration {
        try RunOptions.configuration(parsing: flags)
    }

    /// `JOB_COMPLETION_INDEX`, as a Kubernetes Indexed Job sets it in each pod, if set.
    static func completionIndex() throws -> Int? {
        guard let pointer = getenv("JOB_COMPLETION_INDEX") else { return nil }
        let text = String(cString: pointer)
        guard let index = Int(text), index >= 0 else {
            throw SimArenaError(.usage, "JOB_COMPLETION_INDEX=\(text) is not a cell index")
        }
        return index
    }
}
