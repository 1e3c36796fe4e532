import Foundation
import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation
@testable import SimArenaKube

/// Tokens, passwords, keys and certificate data must never reach an error message, a warning or
/// a printed value: this provokes every kind of failure with distinctive secrets and searches
/// the text for them.
final class KubeSecretLeakTests: XCTestCase {
    static let token = "tok-LEAKCHECK-5b2e9d"
    static let password = "pw-LEAKCHECK-81c4"
    private var folder = ""
    private var servers: [KubeTestServer] = []

    override class func tearDown() {
        KubeTestPKI.removeShared()
    }

    override func setUpWithError() throws {
        folder = try makeKubeTestFolder()
    }

    override func tearDownWithError() throws {
        for server in servers { server.stop() }
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func failure(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "(no error)"
        } catch {
            return "\(error) | \(String(reflecting: error))"
        }
    }

    func testNoSecretAppearsInAnyErrorOrPrintedValue() throws {
        let pki = try KubeTestPKI.make()
        let tlsServer = try KubeTestServer(tls: true)
        let plainServer = try KubeTestServer(tls: false)
        servers = [tlsServer, plainServer]
        let keyPEM = try FileIO.read(pki.clientKey)
        let keyBody = String(decoding: keyPEM, as: UTF8.self).split(separator: "\n")[1]
        let quick = RecordedPauses().policy(maxAttempts: 2)
        var texts: [String] = []
        var warnings: [String] = []

        func client(_ user: KubeUser, _ cluster: KubeCluster, total: Double = 5) throws -> KubeClient {
            try KubeClient(
                connection: KubeConnection(cluster: cluster, user: user, userName: "mallory"),
                timeouts: HTTPTransport.Timeouts(connect: 1, total: total), retryPolicy: quick, warn: { warnings.append($0) })
        }
        let tokenUser = KubeUser(token: SecretText(Self.token))
        let basicUser = KubeUser(username: "mallory", password: SecretText(Self.password))
        let certificateUser = KubeUser(
            clientCertificate: .data(SecretBytes(try FileIO.read(pki.clientCertificate))), clientKey: .data(SecretBytes(keyPEM)))
        let trusted = KubeCluster(server: tlsServer.url, certificateAuthority: .file(pki.caCertificate))
        let untrusted = KubeCluster(server: tlsServer.url, certificateAuthority: .file(pki.otherCACertificate))
        let insecure = KubeCluster(server: tlsServer.url, insecureSkipTLSVerify: true)

        // Refused credentials, TLS failures, timeouts, unreachable servers and API errors.
        texts.append(failure { try client(tokenUser, trusted).version() })
        texts.append(failure { try client(basicUser, trusted).version() })
        texts.append(failure { try client(tokenUser, untrusted).version() })
        texts.append(failure { try client(certificateUser, untrusted).version() })
        texts.append(failure { try client(basicUser, insecure).get("/api/v1/namespaces") })
        try plainServer.injectFaults([["slow": 2]])
        texts.append(failure { try client(tokenUser, KubeCluster(server: plainServer.url), total: 0.5).version() })
        try plainServer.injectFaults([["status": 403], ["status": 409], ["status": 500], ["status": 500]])
        for _ in 0..<3 {
            texts.append(failure { try client(tokenUser, KubeCluster(server: plainServer.url)).create("/apis/simkube.io/v1/simulations", [:]) })
        }
        texts.append(failure { try client(tokenUser, KubeCluster(server: "http://127.0.0.1:1")).version() })

        // Broken configuration around the secrets.
        try writeText("users:\n- name: u\n  user:\n    client-key-data: \"\(Self.token)!\"\n", to: folder + "/bad-data")
        texts.append(failure { try KubeConfig.read(path: self.folder + "/bad-data") })
        try writeText("users:\n- name: u\n  user:\n    token: \"\(Self.token)\n", to: folder + "/unterminated")
        texts.append(failure { try KubeConfig.read(path: self.folder + "/unterminated") })
        try writeText("users:\n- name: u\n  user:\n    token: \(Self.token) extra: x\n", to: folder + "/extra")
        texts.append(failure { try KubeConfig.read(path: self.folder + "/extra") })

        // Exec plugins whose output holds the token but is not a usable ExecCredential.
        for output in [
            "not json \(Self.token)",
            #"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"\#(Self.token)"}}"#,
            #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"\#(Self.token)","expirationTimestamp":"\#(Self.token)"}}"#,
        ] {
            let script = folder + "/plugin.sh"
            try writeText("#!/bin/sh\ncat <<'END'\n\(output)\nEND\n", to: script)
            chmod(script, 0o755)
            texts.append(failure { try client(KubeUser(exec: ExecConfig(command: script)), trusted).version() })
        }

        // Printed values.
        let connection = KubeConnection(cluster: trusted, user: KubeUser(token: SecretText(Self.token), password: SecretText(Self.password)), userName: "u")
        texts.append(String(describing: connection))
        texts.append(String(reflecting: connection))
        texts.append(String(describing: certificateUser))
        texts.append(String(describing: try ExecCredential.parse(
            Array(#"{"apiVersion":"v","kind":"ExecCredential","status":{"token":"\#(Self.token)"}}"#.utf8), expectedVersion: "v", plugin: "p")))
        texts += warnings

        XCTAssertEqual(texts.filter { $0.contains("(no error)") }, [])
        XCTAssertGreaterThan(texts.count, 20)
        for secret in [Self.token, Self.password, String(keyBody), "LEAKCHECK"] {
            let leaks = texts.filter { $0.contains(secret) }
            XCTAssertEqual(leaks, [], "a secret leaked")
        }
    }
}
