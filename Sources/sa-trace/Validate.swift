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
                docs/trace-validation.md. A workload requesting ephemeral-storage, an extended \
                resource or hugepages that no node pool offers is a warning (T0009): its pods would \
                stay Pending. The cluster is --cluster, else the one the trace declares, else the \
                built-in demo cluster.
                """)

        @Argument(help: "The trace to read.")
        var input: String

        @Flag(help: "Print the problems as a JSON array.")
        var json = false

        @Option(help: "A cluster spec (JSON, docs/cluster-spec.md) to check the workloads' resources against.")
        var cluster: String?

        func run() throws {
            let document = try Document.read(input)
            let spec = try cluster.map(ClusterSpec.load)
            var issues = TraceValidator.validate(document)
            if !issues.contains(where: { $0.severity == .error }), let trace = try? Trace(document: document) {
                issues += try Self.unofferedResources(in: trace, on: spec ?? DeclaredCluster.spec(of: trace) ?? .demo)
            }
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

        /// T0009: a workload that requests a resource no node pool offers.
        static func unofferedResources(in trace: Trace, on cluster: ClusterSpec) throws -> [ValidationIssue] {
            var issues: [ValidationIssue] = []
            for workload in try trace.workloads() {
                let path = "spec.template"
                guard let requirements = try? PodSchedulingRequirements(template: workload.template, at: path, namespace: workload.namespace) else { continue }
                for request in requirements.namedRequests.entries
                where request.amount > 0 && !cluster.nodePools.contains(where: { $0.count > 0 && $0.allocatableNamed[request.name] > 0 }) {
                    issues.append(ValidationRule.resourceNotOffered.issue(
                        at: "\(workload.kind.rawValue) \(workload.namespace)/\(workload.name)",
                        "requests \(request.name), which no node pool of the cluster offers: its pods would stay Pending "
                            + "(0/N nodes are available: N Insufficient \(request.name))"))
                }
            }
            return issues
        }
    }
}
