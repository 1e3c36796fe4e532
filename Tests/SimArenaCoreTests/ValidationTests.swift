import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class ValidationTests: XCTestCase {
    func testMissingReferencesInTheRealValidationTrace() throws {
        let issues = TraceValidator.validate(try Document.read(try Fixtures.simkube("validation_trace.json")))
        let codes = Set(issues.map(\.code))
        XCTAssertTrue(codes.isSuperset(of: ["W0000", "E0001", "E0002", "E0003", "E0102", "E0103"]), "\(issues)")
        let names = issues.map(\.message).joined(separator: "\n")
        for missing in ["the-service-account", "a-secret", "another-secret", "a-config-map", "another-config-map",
                        "the-config-map", "the-secret"] {
            XCTAssertTrue(names.contains("/\(missing),"), "\(missing) not reported")
        }
        XCTAssertEqual(issues.filter { $0.code == "E0001" }.count, 1, "serviceAccount and serviceAccountName name one account")
    }

    func testCleanTracesHaveNoErrors() throws {
        for name in ["dsb-scaling.sktrace", "trace.json"] {
            let issues = TraceValidator.validate(try Document.read(try Fixtures.simkube(name)))
            XCTAssertEqual(issues.filter { $0.severity == .error }, [], name)
        }
    }

    func testCreatedDependenciesAndOptionalReferencesAreNotReported() throws {
        var pod: KValue = [
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p", "namespace": "ns"],
            "spec": [
                "serviceAccountName": "robot",
                "containers": [[
                    "name": "c",
                    "env": [["name": "A", "valueFrom": ["secretKeyRef": ["name": "maybe", "key": "k", "optional": true]]]],
                    "envFrom": [["configMapRef": ["name": "settings"]]],
                ]],
            ],
        ]
        let account: KValue = ["apiVersion": "v1", "kind": "ServiceAccount", "metadata": ["name": "robot", "namespace": "ns"]]
        let settings: KValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "settings", "namespace": "ns"]]
        let trace: KValue = ["version": 2, "events": [["ts": 1, "applied_objs": [account, settings, pod]]]]
        XCTAssertEqual(TraceValidator.validate(trace), [])

        pod["metadata"] = ["name": "p", "namespace": "other"]
        let elsewhere: KValue = ["version": 2, "events": [["ts": 1, "applied_objs": [account, settings, pod]]]]
        XCTAssertEqual(Set(TraceValidator.validate(elsewhere).map(\.code)), ["E0001", "E0003"])
    }

    func testStructuralProblems() {
        let bad: KValue = ["version": 2, "events": [["ts": 5, "applied_objs": []], ["ts": 2, "deleted_objs": [[
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "ghost"],
        ]]]]]
        XCTAssertEqual(TraceValidator.validate(bad).map(\.code), ["T0003", "T0008"])
        XCTAssertEqual(TraceValidator.validate(["version": 2, "events": 1]).map(\.code), ["T0001"])
        let overLimit = TraceTests.deployment(cpu: "1", memory: "2Gi", limitMemory: 1024)
        XCTAssertEqual(TraceValidator.validate(["version": 2, "events": [["ts": 1, "applied_objs": [overLimit]]]]).map(\.code), ["T0006"])
    }
}
