import XCTest

/// Locates the real SimKube files in `../shared/fixtures/simkube` beside the repository (or in
/// `$SIMARENA_FIXTURES`).
enum Fixtures {
    static let repositoryRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/SimArenaCoreTests/Fixtures.swift
        return parts.joined(separator: "/")
    }()

    static let simkubeDirectory: String = {
        if let overridden = ProcessInfo.processInfo.environment["SIMARENA_FIXTURES"] { return overridden }
        return repositoryRoot + "/../shared/fixtures/simkube"
    }()

    /// The path of a SimKube fixture, or a skip when the fixtures are not present.
    static func simkube(_ name: String) throws -> String {
        let path = simkubeDirectory + "/" + name
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("SimKube fixture \(name) not found at \(path)")
        }
        return path
    }

    static let messagePackTraces = ["bare-pods.sktrace", "cronjob.sktrace", "dsb-scaling.sktrace"]
    static let jsonTraces = ["trace.json", "large_trace.json", "validation_trace.json"]

    /// A fresh empty directory for one test.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "simarena-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
