// swift-tools-version:6.0
import PackageDescription

/// The command-line tools: each a thin `main` over SimArenaCore, sharing SimArenaCLI.
let tools = ["sa-trace", "sa-simulate", "sa-preflight", "sa-observe", "sa-reward", "sa-act", "sa-learn", "sa-run", "sa-bench", "sa-train"]

let package = Package(
    name: "SimArena",
    products: [.library(name: "SimArenaCore", targets: ["SimArenaCore"])]
        + tools.map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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

        // libcurl loaded with dlopen on first use, so the tools do not pay for linking it.
        .target(
            name: "CCurlLoader",
            linkerSettings: [.linkedLibrary("dl")]),

        // All logic lives here.
        .target(
            name: "SimArenaCore",
            dependencies: ["CMsgPack", "CCurlLoader"]),

        // What every command-line tool shares: argument parsing and the error conventions.
        .target(
            name: "SimArenaCLI",
            dependencies: [
                "SimArenaCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(
            name: "SimArenaCoreTests",
            dependencies: ["SimArenaCore", "CJansson", "CMsgPack", "CCurl"]),

        // The Kubernetes client against a loopback test API server (Tests/kube-server).
        .testTarget(
            name: "SimArenaKubeTests",
            dependencies: ["SimArenaCore"]),
    ] + tools.map { tool in
        .executableTarget(
            name: tool,
            dependencies: [
                "SimArenaCore", "SimArenaCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ])
    }
)
