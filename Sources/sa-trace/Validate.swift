import ArgumentParser
import SimArenaCLI
import SimArenaModel
import SimArenaRL
import SimArenaRun
import SimArenaSimulation

extension SATrace {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a trace for structural problems and SimKube's rules.",
            discussion: """
                Prints one line per problem: severity, code, rule name, path and message. Exits 1 \
                when there is at least one error (warnings alone exit 0). Codes are listed in \
                docs/trace-validation.md.
                """)

        @Argument(help: "The trace to read.")
        var input: String

        @Flag(help: "Print the problems as a JSON array.")
        var json = false

        func run() throws {
            let issues = TraceValidator.validate(try Document.read(input))
            if json {
                let items: [KValue] = issues.map {
                    ["severity": .string($0.severity.rawValue), "code": .string($0.code), "name": .string($0.name),
                     "path": .string($0.path), "message": .string($0.message)]
                }
                CommandSupport.writeStandardOutput(try JSONWriter.encode(.array(items), pretty: true))
            } else {
                for issue in issues {
                    print("\(issue.severity.rawValue) \(issue.code) \(issue.name) at \(issue.path.isEmpty ? "<trace>" : issue.path): \(issue.message)")
                }
                let errors = issues.filter { $0.severity == .error }.count
                print("\(input): \(errors) error(s), \(issues.count - errors) warning(s)")
            }
            if issues.contains(where: { $0.severity == .error }) {
                throw ExitCode(1)
            }
        }
    }
}
