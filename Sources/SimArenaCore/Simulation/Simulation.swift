/// The embedded backend's entry point: load a trace and a cluster spec, simulate, return the
/// result. Errors name the file they come from.
public enum Simulation {
    public static func run(tracePath: String, clusterPath: String?, options: SimulationOptions) throws -> SimulationResult {
        let trace = try Trace.load(tracePath)
        let cluster = try clusterPath.map(ClusterSpec.load) ?? .demo
        do {
            return try ClusterSimulator(trace: trace, cluster: cluster, options: options).run()
        } catch let error as SimArenaError where error.kind == .data {
            throw error.prefixed(tracePath)
        }
    }
}
