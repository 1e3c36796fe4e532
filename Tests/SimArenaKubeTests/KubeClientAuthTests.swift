import Foundation
import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation
@testable import SimArenaKube

/// Every authentication mode against the loopback API server over TLS with the test CA.
final class KubeClientAuthTests: XCTestCase {
    static let token = "tok-3f9a61c2-alice"
    private var server: KubeTestServer?
    private var folder = ""
    private var pki: KubeTestPKI!

    override class func tearDown() {
        KubeTestPKI.removeShared()
    }

    override func setUpWithError() throws {
        pki = try KubeTestPKI.make()
        folder = try makeKubeTestFolder()
    }

    override func tearDownWithError() throws {
        server?.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func startServer(basic: [String: String] = [:]) throws -> KubeTestServer {
        let started = try KubeTestServer(tls: true, tokens: ["alice": Self.token], basic: basic)
        server = started
        return started
    }

    private func trustedCluster(_ server: KubeTestServer) -> KubeCluster {
        KubeCluster(server: server.url, certificateAuthority: .file(pki.caCertificate))
    }

    private func client(
        _ user: KubeUser, cluster: KubeCluster, warn: (String) -> Void = { XCTFail("unexpected warning: \($0)") },
        clock: @escaping @Sendable () -> Double = RFC3339.now
    ) throws -> KubeClient {
        try KubeClient(
            connection: KubeConnection(cluster: cluster, user: user, userName: "alice"),
            timeouts: HTTPTransport.Timeouts(connect: 5, total: 10), retryPolicy: RecordedPauses().policy(), warn: warn,
            clock: clock)
    }

    func testTokenAuthCoversTheRoutesTheBackendNeeds() throws {
        let server = try startServer()
        let client = try client(KubeUser(token: SecretText(Self.token)), cluster: trustedCluster(server))
        XCTAssertEqual(client.credentials.method, .token)
        XCTAssertEqual(try client.version()["gitVersion"], "v1.30.0")
        XCTAssertEqual(try client.getIfPresent("/api/v1/namespaces/virtual-default")?["status"]?["phase"], "Active")
        XCTAssertNil(try client.getIfPresent("/api/v1/namespaces/absent"))
        XCTAssertEqual(try client.list("/api/v1/namespaces/virtual-default/pods").count, 1)
        let crd = try client.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/simulations.simkube.io")
        XCTAssertEqual(crd["spec"]?["scope"], "Cluster")

        let simulation: KValue = [
            "apiVersion": "simkube.io/v1", "kind": "Simulation",
            "metadata": ["name": "sa-test", "labels": ["app.kubernetes.io/managed-by": "sim-arena"]],
            "spec": ["driver": ["namespace": "simkube"]],
        ]
        let created = try client.create("/apis/simkube.io/v1/simulations", simulation)
        XCTAssertEqual(created["metadata"]?["resourceVersion"], "1")
        let patched = try client.mergePatch("/apis/simkube.io/v1/simulations/sa-test", ["spec": ["speed": "2"]])
        XCTAssertEqual(patched["spec"]?["speed"], "2")
        XCTAssertEqual(try client.list("/apis/simkube.io/v1/simulations", labelSelector: "app.kubernetes.io/managed-by=sim-arena").count, 1)
        XCTAssertTrue(try client.delete("/apis/simkube.io/v1/simulations/sa-test"))
        XCTAssertFalse(try client.delete("/apis/simkube.io/v1/simulations/sa-test"))

        let review: KValue = [
            "apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
            "spec": ["resourceAttributes": ["group": "simkube.io", "resource": "simulations", "verb": "create"]],
        ]
        XCTAssertEqual(try client.create("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review)["status"]?["allowed"], true)

        let requests = try server.requests()
        XCTAssertEqual(requests.count, 11)
        XCTAssertTrue(requests.allSatisfy { $0["user"] as? String == "alice" && $0["auth"] as? String == "token" })
        XCTAssertEqual(requests.first { $0["method"] as? String == "PATCH" }?["contentType"] as? String, "application/merge-patch+json")
        XCTAssertTrue(requests.contains { $0["path"] as? String == "/apis/simkube.io/v1/simulations?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dsim-arena" })
        XCTAssertEqual(KubeClient.percentEncoded("a b/é,~"), "a%20b%2F%C3%A9%2C~")
    }

    func testATokenFileIsReadAgainWhenItChanges() throws {
        let server = try startServer()
        let tokenFile = folder + "/token"
        try writeText("stale-token\n", to: tokenFile)
        let client = try client(KubeUser(tokenFile: tokenFile), cluster: trustedCluster(server))
        XCTAssertEqual(
            message { try client.version() },
            "401 Unauthorized for user \"alice\" (token file auth) on GET /version: Unauthorized")
        try writeText("  \(Self.token)\n", to: tokenFile)
        XCTAssertEqual(try client.version()["major"], "1")
        XCTAssertEqual(try server.requests().count, 2, "a 401 with a static credential is not retried")
    }

    func testClientCertificatesFromFilesAndInlineData() throws {
        let server = try startServer()
        let fromFiles = KubeUser(clientCertificate: .file(pki.clientCertificate), clientKey: .file(pki.clientKey))
        XCTAssertEqual(try client(fromFiles, cluster: trustedCluster(server)).version()["major"], "1")

        let inline = KubeUser(
            clientCertificate: .data(SecretBytes(try FileIO.read(pki.clientCertificate))),
            clientKey: .data(SecretBytes(try FileIO.read(pki.clientKey))))
        let inlineCA = KubeCluster(server: server.url, certificateAuthority: .data(SecretBytes(try FileIO.read(pki.caCertificate))))
        let client = try client(inline, cluster: inlineCA)
        XCTAssertEqual(client.credentials.method, .clientCertificate)
        XCTAssertEqual(try client.list("/api/v1/namespaces/virtual-default/pods").count, 1)
        XCTAssertEqual(try server.requests().map { $0["auth"] as? String }, ["certificate", "certificate"])
        XCTAssertEqual(try server.requests().map { $0["user"] as? String }, ["alice", "alice"])
    }

    func testAKubeconfigWithCertificatesResolvesAndConnects() throws {
        let server = try startServer()
        try FileManager.default.createDirectory(atPath: folder + "/certs", withIntermediateDirectories: true)
        for (source, name) in [(pki.caCertificate, "ca.crt"), (pki.clientCertificate, "alice.crt"), (pki.clientKey, "alice.key")] {
            try FileManager.default.copyItem(atPath: source, toPath: folder + "/certs/" + name)
        }
        try writeText("""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: \(server.url)
                certificate-authority: certs/ca.crt
            users:
            - name: alice
              user:
                client-certificate: certs/alice.crt
                client-key: certs/alice.key
            contexts:
            - name: test
              context: {cluster: test, user: alice, namespace: virtual-default}
            current-context: test
            """, to: folder + "/config")
        let client = try KubeClient(options: KubeConfigOptions(kubeconfig: folder + "/config"))
        XCTAssertEqual(client.connection.namespace, "virtual-default")
        XCTAssertEqual(try client.list("/api/v1/namespaces/\(client.connection.namespace)/pods").count, 1)
    }

    func testBasicAuthOnlyWhenSet() throws {
        let server = try startServer(basic: ["bob": "pa55-word"])
        let good = KubeUser(username: "bob", password: SecretText("pa55-word"))
        XCTAssertEqual(try client(good, cluster: trustedCluster(server)).version()["major"], "1")
        let bad = KubeUser(username: "bob", password: SecretText("wrong"))
        XCTAssertEqual(
            message { try self.client(bad, cluster: self.trustedCluster(server)).version() },
            "401 Unauthorized for user \"alice\" (basic auth) on GET /version: Unauthorized")
        XCTAssertEqual(
            message { try self.client(KubeUser(), cluster: self.trustedCluster(server)).version() },
            "401 Unauthorized for user \"alice\" (no credentials) on GET /version: Unauthorized")
        XCTAssertEqual(try server.requests().map { $0["auth"] as? String ?? "-" }, ["basic", "-", "-"])
    }

    func testInsecureSkipTLSVerifyWorksAndWarnsOnce() throws {
        let server = try startServer()
        var warnings: [String] = []
        let cluster = KubeCluster(server: server.url, insecureSkipTLSVerify: true)
        let client = try client(KubeUser(token: SecretText(Self.token)), cluster: cluster, warn: { warnings.append($0) })
        XCTAssertEqual(try client.version()["major"], "1")
        XCTAssertEqual(try client.version()["major"], "1")
        XCTAssertEqual(warnings, ["warning: insecure-skip-tls-verify is set for \(server.url): its certificate is not verified"])
    }

    func testAServerSignedByAnotherCAIsRefusedClearly() throws {
        let server = try startServer()
        let cluster = KubeCluster(server: server.url, certificateAuthority: .file(pki.otherCACertificate))
        let text = message { try self.client(KubeUser(token: SecretText(Self.token)), cluster: cluster).version() }
        XCTAssertTrue(text.hasPrefix("GET \(server.url)/version: TLS failed: "), text)
        XCTAssertTrue(text.hasSuffix("(check the cluster's certificate-authority and tls-server-name)"), text)
        XCTAssertFalse(text.contains("attempts"), "a TLS failure is not retried: \(text)")
        XCTAssertEqual(try server.requests().count, 0)
    }

    func testTLSServerNameIsWhatTheCertificateIsCheckedAgainst() throws {
        let server = try startServer()
        // The certificate names 127.0.0.1 and api.kube.test, not localhost.
        let byName = KubeCluster(
            server: "https://localhost:\(server.port)", certificateAuthority: .file(pki.caCertificate), tlsServerName: "api.kube.test")
        XCTAssertEqual(try client(KubeUser(token: SecretText(Self.token)), cluster: byName).version()["major"], "1")
        let withoutName = KubeCluster(server: "https://localhost:\(server.port)", certificateAuthority: .file(pki.caCertificate))
        let text = message { try self.client(KubeUser(token: SecretText(Self.token)), cluster: withoutName).version() }
        XCTAssertTrue(text.hasPrefix("GET https://localhost:\(server.port)/version: TLS failed: "), text)
        XCTAssertTrue(text.contains("'localhost'"), "libcurl names the host the certificate does not match: \(text)")
    }

    // MARK: Exec plugins

    /// An exec plugin that prints, on its Nth run, the Nth line of `tokens` as its token with
    /// `EXPIRY` as the expiration, and records its KUBERNETES_EXEC_INFO.
    private func makePlugin(tokens: [String]) throws -> String {
        try writeText(tokens.joined(separator: "\n") + "\n", to: folder + "/tokens")
        let script = folder + "/plugin.py"
        try writeText("""
            #!/usr/bin/env python3
            import json, os, sys
            folder = os.environ["PLUGIN_DIR"]
            count_file = os.path.join(folder, "count")
            count = int(open(count_file).read()) + 1 if os.path.exists(count_file) else 1
            open(count_file, "w").write(str(count))
            open(os.path.join(folder, "info.json"), "w").write(os.environ["KUBERNETES_EXEC_INFO"])
            token = open(os.path.join(folder, "tokens")).read().split("\\n")[count - 1]
            if token == "FAIL":
                sys.stderr.write("plugin: the identity provider said no\\n")
                sys.exit(3)
            status = {"token": token, "expirationTimestamp": os.environ["EXPIRY"]}
            if token == "CERTIFICATE":
                status = {"clientCertificateData": open(os.environ["CERT_FILE"]).read(),
                          "clientKeyData": open(os.environ["KEY_FILE"]).read()}
            print(json.dumps({"apiVersion": sys.argv[1], "kind": "ExecCredential", "status": status}))
            """, to: script)
        chmod(script, 0o755)
        return script
    }

    func testExecPluginCredentialsAreCachedUntilExpiryAndRefreshedAfter401() throws {
        let server = try startServer()
        let script = try makePlugin(tokens: [Self.token, Self.token, "revoked", Self.token])
        let version = "client.authentication.k8s.io/v1"
        var exec = ExecConfig(
            command: script, args: [version],
            env: [.init(name: "PLUGIN_DIR", value: folder), .init(name: "EXPIRY", value: "2026-11-25T12:00:00Z")],
            apiVersion: version)
        exec.provideClusterInfo = true
        let expiry = RFC3339.parse("2026-11-25T12:00:00Z")!
        let clock = ManualClock(expiry - 60)
        let client = try client(KubeUser(exec: exec), cluster: trustedCluster(server), clock: { clock.now })

        XCTAssertEqual(try client.version()["major"], "1")
        XCTAssertEqual(try client.version()["major"], "1")
        XCTAssertEqual(client.credentials.execPluginRuns, 1, "the credential is reused until it expires")
        clock.now = expiry + 1
        XCTAssertEqual(try client.version()["major"], "1")
        XCTAssertEqual(client.credentials.execPluginRuns, 2, "an expired credential is fetched again")
        clock.now = expiry + 1e6
        XCTAssertEqual(try client.version()["major"], "1", "a 401 makes the plugin run again, once")
        XCTAssertEqual(client.credentials.execPluginRuns, 4)
        XCTAssertEqual(try server.requests().map { $0["status"] as? Int }, [200, 200, 200, 401, 200])

        let info = try JSONReader.parse(try FileIO.read(folder + "/info.json"))
        XCTAssertEqual(info["apiVersion"], .string(version))
        XCTAssertEqual(info["kind"], "ExecCredential")
        XCTAssertEqual(info["spec"]?["interactive"], false)
        XCTAssertEqual(info["spec"]?["cluster"]?["server"], .string(server.url))
        XCTAssertNotNil(info["spec"]?["cluster"]?["certificate-authority-data"]?.stringValue)
    }

    func testExecPluginsMayReturnAClientCertificate() throws {
        let server = try startServer()
        let script = try makePlugin(tokens: ["CERTIFICATE"])
        let version = "client.authentication.k8s.io/v1beta1"
        let exec = ExecConfig(
            command: script, args: [version],
            env: [
                .init(name: "PLUGIN_DIR", value: folder), .init(name: "EXPIRY", value: ""),
                .init(name: "CERT_FILE", value: pki.clientCertificate), .init(name: "KEY_FILE", value: pki.clientKey),
            ],
            apiVersion: version, interactiveMode: nil)
        let client = try client(KubeUser(exec: exec), cluster: trustedCluster(server))
        XCTAssertEqual(try client.version()["major"], "1")
        XCTAssertEqual(try client.version()["major"], "1")
        XCTAssertEqual(client.credentials.execPluginRuns, 1, "a credential without expiry is kept")
        XCTAssertEqual(try server.requests().map { $0["auth"] as? String }, ["certificate", "certificate"])
        let info = try JSONReader.parse(try FileIO.read(folder + "/info.json"))
        XCTAssertNil(info["spec"]?["cluster"], "no cluster information unless provideClusterInfo is set")
    }

    func testExecPluginFailuresAreClear() throws {
        let server = try startServer()
        let script = try makePlugin(tokens: ["FAIL"])
        let version = "client.authentication.k8s.io/v1beta1"
        let failing = ExecConfig(
            command: script, args: [version], env: [.init(name: "PLUGIN_DIR", value: folder), .init(name: "EXPIRY", value: "x")],
            apiVersion: version)
        XCTAssertEqual(
            message { try self.client(KubeUser(exec: failing), cluster: self.trustedCluster(server)).version() },
            "exec plugin \"\(script)\" failed (exit status 3): plugin: the identity provider said no")
        var missing = ExecConfig(command: "sa-no-such-credential-plugin", apiVersion: version)
        missing.installHint = "install it from\nexample.invalid"
        XCTAssertEqual(
            message { try self.client(KubeUser(exec: missing), cluster: self.trustedCluster(server)).version() },
            "exec plugin: cannot run sa-no-such-credential-plugin: no such program on PATH (install it from example.invalid)")
        XCTAssertEqual(try server.requests().count, 0)
    }
}

/// A clock that tests move by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Double

    init(_ start: Double) { value = start }

    var now: Double {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
