// swift-tools-version:6.0
import PackageDescription

/// The command-line tools: each a thin `main` over SimArenaCore, sharing SimArenaCLI.
let tools = ["sa-trace", "sa-simulate", "sa-preflight", "sa-observe", "sa-reward", "sa-act", "sa-learn", "sa-run", "sa-bench", "sa-train"]

/// The tools that talk to a cluster: only these link SimArenaKube (and so libcurl, Yams and
/// Foundation). KubeLinkageTests checks both sides of this line.
let clusterTools: Set = ["sa-preflight", "sa-simulate", "sa-train"]

let package = Package(
    name: "SimArena",
    products: [
        .library(name: "SimArenaCore", targets: ["SimArenaCore"]),
        .library(name: "SimArenaKube", targets: ["SimArenaKube"]),
    ] + tools.map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries, found through pkg-config; the providers name the Debian packages.
        .systemLibrary(
            name: "CMsgPack", pkgConfig: "msgpack",
            providers: [.apt(["libmsgpack-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CJansson", pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]),

        // The simulator, the agents and the run: everything but the cluster.
        .target(
            name: "SimArenaCore",
            dependencies: ["CMsgPack"]),

        // The Kubernetes API client (libcurl; kubeconfig read with Yams) and the SimKube backend.
        .target(
            name: "SimArenaKube",
            dependencies: ["SimArenaCore", "CCurl", .product(name: "Yams", package: "Yams")]),

        // What every command-line tool shares: argument parsing and the error conventions.
        .target(
            name: "SimArenaCLI",
            dependencies: [
                "SimArenaCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // The cluster tools' shared flags: --backend, --kubeconfig, --context, --simkube-config.
        .target(
            name: "SimArenaKubeCLI",
            dependencies: [
                "SimArenaCLI", "SimArenaKube",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(
            name: "SimArenaCoreTests",
            dependencies: ["SimArenaCore", "CJansson", "CMsgPack"]),

        // The Kubernetes client against a loopback test API server (Tests/kube-server).
        .testTarget(
            name: "SimArenaKubeTests",
            dependencies: ["SimArenaKube", "SimArenaCore", "CCurl"]),
    ] + tools.map { tool in
        .executableTarget(
            name: tool,
            dependencies: [
                "SimArenaCore", "SimArenaCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ] + (clusterTools.contains(tool) ? ["SimArenaKube", "SimArenaKubeCLI"] : []))
    }
)
