import Foundation
import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation
@testable import SimArenaKube

/// A fresh temporary folder for one test, removed by `tearDown` of the test case that made it.
func makeKubeTestFolder() throws -> String {
    let path = NSTemporaryDirectory() + "simarena-kube-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A test case with a fresh temporary folder, `folder`, removed afterwards.
class KubeFolderTestCase: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = try makeKubeTestFolder()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// The error `body` throws, as text, or "(no error)".
func message(_ body: () throws -> Any) -> String {
    do {
        _ = try body()
        return "(no error)"
    } catch {
        return "\(error)"
    }
}

func writeText(_ text: String, to path: String) throws {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

/// A certificate authority, a server certificate and client certificates made with the
/// `openssl` command at test time. The server certificate is valid for 127.0.0.1 and the name
/// `api.kube.test` (not `localhost`, so that `tls-server-name` can be tested).
struct KubeTestPKI {
    let folder: String
    var caCertificate: String { folder + "/ca.crt" }
    var serverCertificate: String { folder + "/server.crt" }
    var serverKey: String { folder + "/server.key" }
    var clientCertificate: String { folder + "/alice.crt" }
    var clientKey: String { folder + "/alice.key" }
    /// A CA that signed nothing the server uses.
    var otherCACertificate: String { folder + "/other-ca.crt" }

    /// Made once per test class: ``make()`` creates it, ``removeShared()`` (in the class's
    /// `tearDown`) deletes it.
    nonisolated(unsafe) private static var shared: KubeTestPKI?

    static func make() throws -> KubeTestPKI {
        if let shared { return shared }
        let pki = KubeTestPKI(folder: try makeKubeTestFolder())
        try pki.generate()
        shared = pki
        return pki
    }

    static func removeShared() {
        guard let shared else { return }
        try? FileManager.default.removeItem(atPath: shared.folder)
        Self.shared = nil
    }

    private func generate() throws {
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for ca in ["ca", "other-ca"] {
            try openssl(["req", "-x509"] + curve + ["-keyout", "\(ca).key", "-out", "\(ca).crt", "-days", "2", "-subj", "/CN=sim-arena \(ca)"])
        }
        try writeText("subjectAltName=IP:127.0.0.1,DNS:api.kube.test\nextendedKeyUsage=serverAuth\n", to: folder + "/server.ext")
        try writeText("extendedKeyUsage=clientAuth\n", to: folder + "/client.ext")
        for (name, subject, extensions) in [("server", "/CN=kube-test-server", "server.ext"), ("alice", "/O=system:masters/CN=alice", "client.ext")] {
            try openssl(["req", "-new"] + curve + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject])
            try openssl([
                "x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "\(name).crt", "-days", "2", "-extfile", extensions,
            ])
        }
    }

    private func openssl(_ arguments: [String]) throws {
        let result = try ProcessRunner(["openssl"] + arguments, workingDirectory: folder).run()
        guard result.succeeded else {
            throw SimArenaError(.temporary, "openssl \(arguments.first ?? ""): \(result.firstStderrLine ?? result.statusDescription)")
        }
    }
}

/// The loopback API server (`Tests/kube-server/server.py`) as a child process: started on a
/// free port, waited for, and stopped by ``stop()``.
final class KubeTestServer {
    static let script: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)  // SimArenaKubeTests/KubeTestSupport.swift
        return parts.joined(separator: "/") + "/kube-server/server.py"
    }()

    /// SimKube's CRD, in the shared fixtures beside the repository (or `$SIMARENA_FIXTURES`).
    static let simKubeCRD: String = {
        if let fixtures = ProcessInfo.processInfo.environment["SIMARENA_FIXTURES"] { return fixtures + "/simkube.io_simulations.yml" }
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/SimArenaKubeTests/KubeTestSupport.swift
        return parts.joined(separator: "/") + "/../shared/fixtures/simkube/simkube.io_simulations.yml"
    }()

    let folder: String
    let process = Process()
    private(set) var port = 0
    let tls: Bool
    var faultsFile: String { folder + "/faults.json" }
    var logFile: String { folder + "/requests.jsonl" }
    var simKubeFile: String { folder + "/simkube.json" }

    /// Starts a server that accepts `tokens` (user → token), `basic` (user → password) and,
    /// over TLS, client certificates signed by the test CA; with `crd`, it validates
    /// Simulations against SimKube's CRD (a skip when the fixture is missing).
    init(tls: Bool, tokens: [String: String] = [:], basic: [String: String] = [:], crd: Bool = false) throws {
        self.tls = tls
        folder = try makeKubeTestFolder()
        var arguments = [Self.script, "--port-file", folder + "/port", "--faults", faultsFile, "--log", logFile,
                         "--simkube", simKubeFile]
        if crd {
            guard FileManager.default.fileExists(atPath: Self.simKubeCRD) else { throw XCTSkip("no SimKube CRD at \(Self.simKubeCRD)") }
            arguments += ["--crd", Self.simKubeCRD]
        }
        for (user, token) in tokens.sorted(by: { $0.key < $1.key }) { arguments += ["--token", "\(user)=\(token)"] }
        for (user, password) in basic.sorted(by: { $0.key < $1.key }) { arguments += ["--basic", "\(user):\(password)"] }
        if tls {
            let pki = try KubeTestPKI.make()
            arguments += ["--cert", pki.serverCertificate, "--key", pki.serverKey, "--client-ca", pki.caCertificate]
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try waitUntilListening()
    }

    private func waitUntilListening() throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: folder + "/port", encoding: .utf8), let number = Int(text) {
                port = number
                return
            }
            guard process.isRunning else { throw SimArenaError(.temporary, "the test API server exited at start") }
            usleep(20_000)
        }
        stop()
        throw SimArenaError(.temporary, "the test API server did not start within 10 s")
    }

    /// `https://127.0.0.1:PORT` (or http).
    var url: String { "\(tls ? "https" : "http")://127.0.0.1:\(port)" }

    /// The responses of the next requests, in order (see server.py).
    func injectFaults(_ faults: [[String: Any]]) throws {
        let data = try JSONSerialization.data(withJSONObject: faults)
        try data.write(to: URL(fileURLWithPath: faultsFile), options: .atomic)
    }

    /// The SimKube controller's timing and the cluster's contents (see server.py).
    func controlSimKube(_ settings: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: settings)
        try data.write(to: URL(fileURLWithPath: simKubeFile), options: .atomic)
    }

    /// The requests the server saw, in order.
    func requests() throws -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: logFile, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    deinit { stop() }
}

/// A retry policy that does not sleep but records the pauses it was asked for.
final class RecordedPauses: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Double] = []

    var pauses: [Double] { lock.withLock { recorded } }

    func policy(maxAttempts: Int = 4) -> RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, baseDelay: 0.1, maxDelay: 1, maxRetryAfter: 5, random: { 0.5 }) { [self] seconds in
            lock.withLock { recorded.append(seconds) }
        }
    }
}
