// swift-tools-version:6.0
import PackageDescription

/// The layers, each depending only on the ones before it (docs/architecture.md): values and
/// files; the cluster simulator; the agents' world (observations, actions, rewards, policies,
/// learning, scenarios); the environment and its runs; the benchmark. The Kubernetes client and the SimKube
/// backend sit on top, apart: only the tools that talk to a cluster link them.
let layers = ["SimArenaModel", "SimArenaSimulation", "SimArenaRL", "SimArenaRun", "SimArenaBenchmark"]

/// The command-line tools: each a thin `main` over the layers, sharing SimArenaCLI.
let tools = ["sa-trace", "sa-simulate", "sa-preflight", "sa-observe", "sa-reward", "sa-act", "sa-learn", "sa-run", "sa-bench",
             "sa-train", "sa-kube", "sa-benchmark", "sa-recommend", "sa-env", "sa-fuzz"]

/// The tools that talk to a cluster: only these link SimArenaKube (and so libcurl, Yams and
/// Foundation). sa-preflight and sa-simulate hand the SimKube backend to sa-kube. KubeLinkageTests
/// checks both sides of this line.
let clusterTools: Set = ["sa-kube", "sa-train", "sa-recommend", "sa-benchmark", "sa-fuzz"]

/// The layers above the environment that only some tools need, by tool.
let upperLayers = ["sa-benchmark": "SimArenaBenchmark", "sa-recommend": "SimArenaRecommend", "sa-env": "SimArenaGym", "sa-fuzz": "SimArenaGym"]

/// Layer `name` and the layers below it, as target dependencies.
func upTo(_ name: String) -> [Target.Dependency] {
    layers.prefix(through: layers.firstIndex(of: name)!).map { .target(name: $0) }
}

let package = Package(
    name: "SimArena",
    products: (layers + ["SimArenaRecommend", "SimArenaKube"]).map { .library(name: $0, targets: [$0]) }
        + tools.map { .executable(name: $0, targets: [$0]) }
        // The environment's C ABI (Sources/SimArenaEnvABI/include/simarena_env.h), for Python and other languages.
        + [.library(name: "SimArenaEnv", type: .dynamic, targets: ["SimArenaEnvABI"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries, found through pkg-config; the providers name the Debian packages.
        // msgpack-c: the reference the tests hold Sim-Arena's own MessagePack reader and writer to.
        .systemLibrary(
            name: "CMsgPack", pkgConfig: "msgpack",
            providers: [.apt(["libmsgpack-dev"])]),
        .systemLibrary(
            name: "CJansson", pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]),

        // Starting an outside program under a guardian that ends its process group with the caller.
        .target(name: "CGuardedSpawn"),
        // libcurl, loaded with dlopen when a cluster tool first talks to a cluster (its headers
        // come from libcurl4-openssl-dev).
        .target(name: "CCurlLoader"),
        // Values, codecs, quantities, traces, workloads, validation, files and processes.
        .target(name: "SimArenaModel", dependencies: ["CGuardedSpawn"]),
        // The scheduler and the cluster simulator, and their benchmarks.
        .target(name: "SimArenaSimulation", dependencies: upTo("SimArenaModel")),
        // Observations, actions, rewards, policies, learning agents, scenarios.
        .target(name: "SimArenaRL", dependencies: upTo("SimArenaSimulation")),
        // The environment and its step function, run configuration, step files, trainer, plots.
        .target(name: "SimArenaRun", dependencies: upTo("SimArenaRL")),
        // Agents × scenario suites × seeds: cells, episode metrics, statistics, the report.
        .target(name: "SimArenaBenchmark", dependencies: upTo("SimArenaRun")),
        // A cluster's trace → the patches that fix its workloads, checked on the whole trace.
        .target(name: "SimArenaRecommend", dependencies: upTo("SimArenaRun")),
        // The environment as outside RL libraries drive it: made from bin/train.sh's flags, stepped by index.
        .target(name: "SimArenaGym", dependencies: upTo("SimArenaRun") + ["SimArenaCLI"]),
        // Its C ABI, built as libSimArenaEnv.so.
        // Linked with the Swift runtime inside (as bin/build.sh links the tools), so that Python loads one file.
        .target(name: "SimArenaEnvABI", dependencies: ["SimArenaGym"] + upTo("SimArenaRun"), exclude: ["include"],
                linkerSettings: [.unsafeFlags(["-static-stdlib"])]),

        // The Kubernetes API client (libcurl; kubeconfig read with Yams) and the SimKube backend.
        .target(
            name: "SimArenaKube",
            dependencies: upTo("SimArenaRun") + ["CCurlLoader", .product(name: "Yams", package: "Yams")]),

        // What every command-line tool shares: argument parsing and the error conventions.
        .target(
            name: "SimArenaCLI",
            dependencies: upTo("SimArenaRun") + [.product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .testTarget(
            name: "SimArenaCoreTests",
            dependencies: upTo("SimArenaBenchmark") + ["SimArenaRecommend", "SimArenaGym", "CJansson", "CMsgPack"]),

        // The Kubernetes client against a loopback test API server (Tests/kube-server).
        .testTarget(
            name: "SimArenaKubeTests",
            dependencies: upTo("SimArenaRun") + ["SimArenaRecommend", "SimArenaKube", "CCurlLoader"]),
    ] + tools.map { tool in
        .executableTarget(
            name: tool,
            dependencies: upTo("SimArenaRun") + [
                "SimArenaCLI", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ] + (clusterTools.contains(tool) ? ["SimArenaKube"] : []) + (upperLayers[tool].map { [.target(name: $0)] } ?? []))
    }
)
