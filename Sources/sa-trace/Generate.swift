import ArgumentParser
import SimArenaCLI
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

extension SATrace {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write scenario traces: broken Deployments with their scripted fixes.",
            discussion: """
                Each trace applies one Deployment 'web' (namespace 'default') whose requests, \
                limits or replicas are wrong, with a metadata.scenario block giving the failure \
                mode, severity, target, initial state and the exact fix. --count N writes \
                gen-0001.msgpack ... generated from --seed (same seed, same bytes); --named writes \
                the original project's named scenarios (trace-0001, cpu-slight, ...). --suite shifted \
                writes the shifted suite instead: scenarios shaped differently from the generator's \
                (other names and kinds, clusters, sidecars, neighbours, wide deployments, limits, \
                right-sizing), from --seed. See docs/scenarios.md.
                """)

        /// The suites `--suite` can write.
        enum Suite: String, ExpressibleByArgument, CaseIterable {
            case shifted
        }

        @Option(help: "How many scenarios to generate (1 to \(ScenarioFiles.maxCount)).")
        var count: Int?

        @Option(help: "The generator seed.")
        var seed: UInt64 = 1

        @Option(help: "The folder to write into (created if missing).")
        var out: String

        @Option(help: "Write a suite instead of generated scenarios: shifted (\(ScenarioShift.allCases.count * ShiftedSuite.perFamily) scenarios, from --seed).")
        var suite: Suite?

        @Flag(help: "Write the named scenarios too (trace-0001, cpu-slight, cpu-heavy, mem-slight, mem-heavy, cpu-mem, replicas-over, scaling); without --count, only them.")
        var named = false

        func run() throws {
            if let count, !(1...ScenarioFiles.maxCount).contains(count) {
                throw SimArenaError(.usage, "--count must be between 1 and \(ScenarioFiles.maxCount), not \(count)")
            }
            var scenarios: [Scenario]
            switch suite {
            case .shifted:
                guard count == nil, !named else { throw SimArenaError(.usage, "--suite goes without --count and --named") }
                scenarios = ShiftedSuite(seed: seed).scenarios()
            case nil:
                guard count != nil || named else {
                    throw SimArenaError(.usage, "nothing to write: give --count N, --named, --suite shifted, or --count and --named")
                }
                scenarios = named ? ScenarioCatalog.all : []
                if let count {
                    scenarios += ScenarioGenerator(seed: seed).scenarios(count: count)
                }
            }
            let paths = try ScenarioFiles.write(scenarios, to: out)
            print("wrote \(paths.count) trace\(paths.count == 1 ? "" : "s") to \(out)")
        }
    }
}
