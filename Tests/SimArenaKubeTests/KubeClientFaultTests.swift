import Foundation
import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation
@testable import SimArenaKube

/// Each fault the loopback server can inject, and what the client's retry policy makes of it.
final class KubeClientFaultTests: XCTestCase {
    static let token = "tok-77c0d9e1-fault"
    private var server: KubeTestServer!
    private var pauses = RecordedPauses()

    override func setUpWithError() throws {
        server = try KubeTestServer(tls: false, tokens: ["alice": Self.token])
        pauses = RecordedPauses()
    }

    override func tearDownWithError() throws {
        server.stop()
    }

    private func client(total: Double = 10, maxResponseBytes: Int = HTTPTransport.defaultMaxResponseBytes, server url: String? = nil) throws -> KubeClient {
        try KubeClient(
            connection: KubeConnection(
                cluster: KubeCluster(server: url ?? server.url), user: KubeUser(token: SecretText(Self.token)), userName: "alice"),
            timeouts: HTTPTransport.Timeouts(connect: 2, total: total), retryPolicy: pauses.policy(),
            maxResponseBytes: maxResponseBytes)
    }

    private func statuses() throws -> [String] {
        try server.requests().map { "\($0["status"]!)" }
    }

    func testTooManyRequestsHonoursRetryAfterUpToTheCap() throws {
        try server.injectFaults([["status": 429, "retryAfter": 2], ["status": 429, "retryAfter": 600], ["status": 429]])
        let response = try client().send(HTTPRequest(method: "GET", path: "/version"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.attempts, 4)
        // Retry-After 2 s, then 600 s capped at 5 s, then back-off (half of 0.1 * 2^2).
        XCTAssertEqual(pauses.pauses, [2, 5, 0.2])
        XCTAssertEqual(try statuses(), ["429", "429", "429", "200"])
    }

    func testServerErrorsAreRetriedWithJitteredBackOff() throws {
        try server.injectFaults([["status": 500], ["status": 503]])
        XCTAssertEqual(try client().version()["major"], "1")
        XCTAssertEqual(pauses.pauses, [0.05, 0.1])
        XCTAssertEqual(try statuses(), ["500", "503", "200"])
    }

    func testServerErrorsGiveUpAfterTheLastAttempt() throws {
        try server.injectFaults(Array(repeating: ["status": 500, "message": "etcdserver: request timed out"], count: 5))
        XCTAssertEqual(
            message { try self.client().version() },
            "500 Internal Server Error on GET /version: etcdserver: request timed out (after 4 attempts)")
        XCTAssertEqual(pauses.pauses.count, 3)
        XCTAssertEqual(try statuses().count, 4)
    }

    func testClientErrorsAreNotRetriedAndSayWhatFailed() throws {
        let client = try client()
        try server.injectFaults([["status": 401, "message": "token expired"]])
        XCTAssertEqual(
            message { try client.get("/api/v1/namespaces?limit=5") },
            "401 Unauthorized for user \"alice\" (token auth) on GET /api/v1/namespaces: token expired")

        try server.injectFaults([["status": 403]])
        XCTAssertEqual(
            message { try client.create("/apis/simkube.io/v1/simulations", ["metadata": ["name": "s"]]) },
            "403 Forbidden: user \"alice\" cannot create simulations.simkube.io: simulations.simkube.io is forbidden: "
                + "User \"alice\" cannot create resource \"simulations\" in API group \"simkube.io\" at the cluster scope")
        try server.injectFaults([["status": 403]])
        XCTAssertEqual(
            message { try client.list("/api/v1/namespaces/virtual-default/pods") },
            "403 Forbidden: user \"alice\" cannot list pods in namespace \"virtual-default\": pods is forbidden: "
                + "User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"virtual-default\"")

        XCTAssertEqual(
            message { try client.get("/apis/simkube.io/v1/simulations/absent") },
            "404 Not Found on GET /apis/simkube.io/v1/simulations/absent: simulations.simkube.io \"absent\" not found")

        _ = try client.create("/apis/simkube.io/v1/simulations", ["metadata": ["name": "twice"]])
        XCTAssertEqual(
            message { try client.create("/apis/simkube.io/v1/simulations", ["metadata": ["name": "twice"]]) },
            "409 Conflict on POST /apis/simkube.io/v1/simulations: simulations.simkube.io \"twice\" already exists")

        XCTAssertEqual(pauses.pauses, [], "no 4xx other than 429 is retried")
        XCTAssertEqual(try statuses(), ["401", "403", "403", "404", "201", "409"])
    }

    func testASlowResponseTimesOutWithoutRetrying() throws {
        try server.injectFaults([["slow": 3]])
        let text = message { try self.client(total: 1).version() }
        XCTAssertTrue(
            text.hasPrefix("GET \(server.url)/version: timed out (connect timeout 2 s, total timeout 1 s): "), text)
        XCTAssertEqual(pauses.pauses, [])
    }

    func testADroppedConnectionIsRetriedForReadsButNotForCreates() throws {
        let client = try client()
        try server.injectFaults([["drop": true]])
        let response = try client.send(HTTPRequest(method: "GET", path: "/version"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.attempts, 2)
        XCTAssertEqual(pauses.pauses, [0.05])

        // On a fresh connection: libcurl itself re-sends a request once when a reused
        // keep-alive connection turns out to be closed before any response.
        try server.injectFaults([["drop": true]])
        let text = message { try self.client().create("/apis/simkube.io/v1/simulations", ["metadata": ["name": "once"]]) }
        XCTAssertTrue(text.hasPrefix("POST \(server.url)/apis/simkube.io/v1/simulations: the connection was dropped: "), text)
        XCTAssertEqual(try statuses(), ["dropped", "200", "dropped"])
    }

    func testAnUnreachableServerIsRetriedThenNamed() throws {
        let url = server.url
        server.stop()
        let text = message { try self.client(server: url).version() }
        XCTAssertTrue(text.hasPrefix("GET \(url)/version: cannot connect: "), text)
        XCTAssertTrue(text.hasSuffix("(after 4 attempts)"), text)
        XCTAssertEqual(pauses.pauses, [0.05, 0.1, 0.2])
    }

    func testOversizedResponsesAreRefused() throws {
        let text = message { try self.client(maxResponseBytes: 16).version() }
        XCTAssertEqual(text, "GET \(server.url)/version: the response is larger than the 16-byte limit")
    }

    func testLoopbackServersBypassAProxyFromTheEnvironment() throws {
        // kubectl (Go's proxy rules) never sends loopback traffic to an environment proxy.
        setenv("http_proxy", "http://127.0.0.1:9", 1)
        defer { unsetenv("http_proxy") }
        XCTAssertEqual(try client().version()["major"], "1")
        XCTAssertEqual(pauses.pauses, [])
    }

    func testBackOffIsCappedAndJittered() {
        let policy = RetryPolicy(baseDelay: 0.25, maxDelay: 8, random: { 0.999 }, sleep: { _ in })
        XCTAssertEqual(policy.delay(afterAttempt: 1, retryAfter: nil), 0.24975, accuracy: 1e-9)
        XCTAssertEqual(policy.delay(afterAttempt: 3, retryAfter: nil), 0.999, accuracy: 1e-9)
        XCTAssertEqual(policy.delay(afterAttempt: 40, retryAfter: nil), 7.992, accuracy: 1e-9)
        XCTAssertEqual(RetryPolicy(random: { 0 }, sleep: { _ in }).delay(afterAttempt: 5, retryAfter: nil), 0)
        XCTAssertEqual(RetryPolicy.parseRetryAfter(" 7 "), 7)
        XCTAssertNil(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2026 07:28:00 GMT"))
    }
}
