import XCTest

@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation
@testable import SimArenaKube

final class KubeStatusErrorTests: XCTestCase {
    private let credentials = try! ClusterCredentials(
        user: KubeUser(username: "bob", password: SecretText("pw")), userName: "bob", cluster: KubeCluster(server: "https://h:1"))

    private func message(_ status: Int, _ body: String, _ method: String, _ path: String, attempts: Int = 1) -> String {
        KubeStatusError.make(
            status: status, body: Array(body.utf8), method: method, path: path, credentials: credentials, attempts: attempts
        ).message
    }

    func testForbiddenNamesTheVerbAndResourceAsRBACDoes() {
        let cases: [(String, String, String)] = [
            ("GET", "/api/v1/namespaces/ns/pods", "list pods in namespace \"ns\""),
            ("GET", "/api/v1/namespaces/ns/pods/web-0", "get pods in namespace \"ns\""),
            ("GET", "/api/v1/namespaces/ns", "get namespaces"),
            ("PATCH", "/apis/simkube.io/v1/simulations/s", "patch simulations.simkube.io"),
            ("PUT", "/apis/apps/v1/namespaces/ns/deployments/d", "update deployments.apps in namespace \"ns\""),
            ("DELETE", "/apis/simkube.io/v1/simulations/s", "delete simulations.simkube.io"),
            ("DELETE", "/apis/simkube.io/v1/simulations?labelSelector=x", "deletecollection simulations.simkube.io"),
            ("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "create selfsubjectaccessreviews.authorization.k8s.io"),
        ]
        for (method, path, expected) in cases {
            XCTAssertEqual(message(403, "", method, path), "403 Forbidden: user \"bob\" cannot \(expected)")
        }
    }

    func testMessagesComeFromStatusObjectsOrShortTextBodies() {
        let status = #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"first line\nsecond","code":422}"#
        XCTAssertEqual(
            message(422, status, "POST", "/apis/simkube.io/v1/simulations?dryRun=All"),
            "422 Unprocessable Entity on POST /apis/simkube.io/v1/simulations: first line")
        XCTAssertEqual(message(502, "upstream connect error\r\nmore", "GET", "/version", attempts: 5),
            "502 Bad Gateway on GET /version: upstream connect error (after 5 attempts)")
        XCTAssertEqual(message(418, #"{"error":"teapot"}"#, "GET", "/version"), "HTTP 418 on GET /version")
        XCTAssertEqual(
            message(401, "", "GET", "/api/v1/namespaces?limit=1"), "401 Unauthorized for user \"bob\" (basic auth) on GET /api/v1/namespaces")
        let long = String(repeating: "x", count: 400)
        XCTAssertEqual(message(500, long, "GET", "/version"), "500 Internal Server Error on GET /version: " + String(repeating: "x", count: 300) + "…")
    }
}
