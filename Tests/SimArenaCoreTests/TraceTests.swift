import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class TraceTests: XCTestCase {
    func testEveryRealTraceLoads() throws {
        for name in Fixtures.messagePackTraces + Fixtures.jsonTraces {
            let trace = try Trace.load(try Fixtures.simkube(name))
            XCTAssertEqual(trace.version, 2, name)
            XCTAssertFalse(trace.events.isEmpty, name)
        }
    }

    func testMessagePackToJSONAndBackIsLossless() throws {
        for name in Fixtures.messagePackTraces {
            let bytes = try FileIO.read(try Fixtures.simkube(name))
            let value = try MessagePackReader.decode(bytes)
            for pretty in [true, false] {
                let json = try JSONWriter.encode(value, pretty: pretty)
                let back = try JSONReader.parse(json)
                XCTAssertEqual(back, value, name)
                XCTAssertEqual(MessagePackWriter.encode(back), bytes, "\(name) bytes after a JSON round trip")
            }
        }
    }

    func testJSONToMessagePackAndBackIsLossless() throws {
        for name in Fixtures.jsonTraces {
            let value = try JSONReader.parse(try FileIO.read(try Fixtures.simkube(name)))
            let back = try MessagePackReader.decode(MessagePackWriter.encode(value))
            XCTAssertEqual(back, value, name)
            XCTAssertEqual(try JSONWriter.encode(back, pretty: true), try JSONWriter.encode(value, pretty: true), name)
        }
    }

    func testUnsignedHashesAboveInt64AreExact() throws {
        let large = try Trace.load(try Fixtures.simkube("large_trace.json"))
        XCTAssertTrue(large.index.contains { $0.hash > UInt64(Int64.max) })
        let cronjob = try Trace.load(try Fixtures.simkube("cronjob.sktrace"))
        XCTAssertEqual(cronjob.index.first?.hash, 17_156_035_354_639_895_998)
        XCTAssertEqual(cronjob.index.first?.key, "default/hello-simkube")
    }

    func testPodLifecyclesAreTyped() throws {
        let cronjob = try Trace.load(try Fixtures.simkube("cronjob.sktrace"))
        XCTAssertEqual(cronjob.podLifecycles.count, 1)
        let record = try XCTUnwrap(cronjob.podLifecycles.first)
        XCTAssertEqual(record.ownerGVK, GroupVersionKind(group: "batch", version: "v1", kind: "CronJob"))
        XCTAssertEqual(record.ownerKey, "default/hello-simkube")
        XCTAssertEqual(record.podSpecHash, 10_855_072_724_872_030_168)
        XCTAssertEqual(record.states.count, 3)
        XCTAssertEqual(record.states.first, .finished(start: 1_743_286_861, end: 1_743_286_891))
        XCTAssertEqual(cronjob.events.map(\.ts), [1_743_286_823, 1_743_286_823, 1_743_287_028])

        let bare = try Trace.load(try Fixtures.simkube("bare-pods.sktrace"))
        let config = try XCTUnwrap(bare.trackedConfig(for: GroupVersionKind(group: "", version: "v1", kind: "Pod")))
        XCTAssertTrue(config.trackLifecycle)
        XCTAssertTrue(config.skipOwned)
        XCTAssertEqual(config.podSpecTemplatePaths, [JSONPointer(tokens: [])])
        XCTAssertTrue(bare.podLifecycles.contains { $0.states.contains(.running(start: 1_781_282_631)) })
    }

    func testWorkloadsOfTheScalingTrace() throws {
        let trace = try Trace.load(try Fixtures.simkube("dsb-scaling.sktrace"))
        let workloads = try trace.workloads()
        XCTAssertEqual(workloads.count, 27)
        XCTAssertTrue(workloads.allSatisfy { $0.kind == .deployment && $0.namespace == "dsb" })
        XCTAssertEqual(trace.events.count, 19)
    }

    func testWorkloadKindsAndTemplatePaths() throws {
        let cronjob = try Trace.load(try Fixtures.simkube("cronjob.sktrace"))
        let job = try XCTUnwrap(try cronjob.workloads().first)
        XCTAssertEqual(job.kind, .cronJob)
        XCTAssertTrue(job.deleted)
        XCTAssertNil(job.replicas)
        XCTAssertEqual(job.templatePointer.description, "/spec/jobTemplate/spec/template")
        XCTAssertFalse(job.template.containers.isEmpty)

        let bare = try Trace.load(try Fixtures.simkube("bare-pods.sktrace"))
        let pods = try bare.workloads()
        XCTAssertEqual(pods.count, 4)
        XCTAssertTrue(pods.allSatisfy { $0.kind == .pod && $0.templatePointer.tokens.isEmpty })
    }

    func testResourcesAreQuantities() throws {
        let trace = try Trace(document: Self.simpleTrace(cpu: "1.5", memory: "0.5Gi", limitMemory: 1_073_741_824))
        let web = try XCTUnwrap(try trace.workloads(named: "web").first)
        XCTAssertEqual(web.replicas, 3)
        let container = try XCTUnwrap(web.template.containers.first)
        XCTAssertEqual(container.requests["cpu"]?.description, "1500m")
        XCTAssertEqual(container.requests["memory"]?.description, "512Mi")
        XCTAssertEqual(container.limits["memory"]?.description, "1073741824")
        XCTAssertEqual(web.namespace, "default")
    }

    func testVersionOneIsRefusedClearly() throws {
        XCTAssertThrowsError(try Trace.load(try Fixtures.simkube("trace-v1-format.json"))) { error in
            XCTAssertTrue(String(describing: error).contains("version-1 trace"), "\(error)")
            XCTAssertTrue(String(describing: error).contains("trace-v1-format.json"), "\(error)")
        }
        XCTAssertThrowsError(try Trace(document: ["version": 1, "events": []])) { error in
            XCTAssertTrue(String(describing: error).contains("version-1 trace"), "\(error)")
        }
        XCTAssertThrowsError(try Trace(document: ["version": 3, "events": []])) { error in
            XCTAssertTrue(String(describing: error).contains("unsupported trace version 3"), "\(error)")
        }
    }

    func testSimplifiedTracesAreRead() throws {
        let trace = try Trace(document: [
            "events": [["ts": 1, "applied_objs": [Self.deployment(cpu: "500m", memory: "256Mi")], "deleted_objs": []]],
            "config": [:], "index": [:], "pod_lifecycles": [:],
        ])
        XCTAssertNil(trace.version)
        XCTAssertEqual(try trace.workloads().count, 1)
    }

    func testWrongTypesNameTheirPath() {
        let cases: [(KValue, String)] = [
            (["version": 2, "events": [["ts": "soon"]]], "events[0].ts: expected an integer, found a string"),
            (["version": 2, "events": 5], "events: expected an array, found an integer"),
            (["version": 2, "events": [["ts": 1, "applied_objs": [3]]]], "events[0].applied_objs[0]: expected a map"),
            (["version": 2, "events": [], "index": ["apps/v1.Deployment": ["a/b": -1]]], "expected a non-negative integer"),
            (["version": "2", "events": []], "version: expected an integer"),
            (["kind": "Deployment"], "no \"events\""),
            ("hello", "not a SimKube trace"),
        ]
        for (document, expected) in cases {
            XCTAssertThrowsError(try Trace(document: document)) { error in
                XCTAssertTrue(String(describing: error).contains(expected), "\(error) should contain \(expected)")
            }
        }
        let badQuantity = Self.simpleTrace(cpu: "lots", memory: "1Gi", limitMemory: nil)
        XCTAssertThrowsError(try Trace(document: badQuantity).workloads()) { error in
            XCTAssertTrue(String(describing: error).contains("containers[0].resources.requests.cpu"), "\(error)")
            XCTAssertTrue(String(describing: error).contains("\"lots\""), "\(error)")
        }
    }

    func testEditsChangeOnlyWhatTheyEdit() throws {
        let path = try Fixtures.simkube("dsb-scaling.sktrace")
        let original = try FileIO.read(path)
        var trace = try Trace.load(path)
        try trace.updateAppliedObjects { _ in }
        XCTAssertEqual(MessagePackWriter.encode(trace.document), original)
        try trace.updateAppliedObjects { object in
            if object["metadata"]?["name"] == "jaeger" {
                object.modify(at: JSONPointer(tokens: ["spec", "replicas"])) { $0 = 7 }
            }
        }
        let edited = try trace.workloads(named: "jaeger")
        XCTAssertEqual(edited.first?.replicas, 7)
        let others = try trace.workloads().filter { $0.name != "jaeger" }
        XCTAssertEqual(others, try Trace.load(path).workloads().filter { $0.name != "jaeger" })
    }

    /// The workloads are read once and shared by a trace's copies; an edit gives the edited copy
    /// its own reading (of the changed objects only), which must agree with reading the edited
    /// document afresh, and leaves the copies taken before it as they were.
    func testEditsKeepTheReadWorkloadsCurrentAndCopiesApart() throws {
        let path = try Fixtures.simkube("dsb-scaling.sktrace")
        var trace = try Trace.load(path)
        let before = trace
        let original = try before.workloads()
        var visited: [String] = []
        try trace.updateWorkloads(matching: { $0.name == "jaeger" }) { object, workload in
            visited.append(workload.name)
            object.modify(at: JSONPointer(tokens: ["spec"])) { $0["replicas"] = 9 }
        }
        XCTAssertFalse(visited.isEmpty)
        XCTAssertEqual(Set(visited), ["jaeger"])
        XCTAssertEqual(try trace.workloads(), try Trace(document: trace.document).workloads())
        XCTAssertEqual(try trace.workloads(named: "jaeger").map(\.replicas), [9])
        XCTAssertEqual(try before.workloads(), original, "a copy taken before the edit keeps its workloads")
        XCTAssertNotEqual(try before.workloads(named: "jaeger").map(\.replicas), [9])
        XCTAssertEqual(MessagePackWriter.encode(before.document), try FileIO.read(path))

        // Edits that leave the list as it was (an earlier occurrence of a workload), that change
        // its last occurrence, and that rename a workload: each list agrees with a fresh reading.
        var occurrences = 0
        try trace.updateAppliedObjects { object in
            guard object["metadata"]?["name"] == "text-service" else { return }
            occurrences += 1
            if occurrences == 1 { object.modify(at: JSONPointer(tokens: ["spec"])) { $0["replicas"] = 40 } }
        }
        XCTAssertGreaterThan(occurrences, 1, "the fixture applies text-service more than once")
        let last = try trace.workloads(named: "text-service").map(\.replicas)
        XCTAssertNotEqual(last, [40])
        XCTAssertEqual(try trace.workloads(), try Trace(document: trace.document).workloads())
        try trace.updateWorkloads(matching: { $0.name == "text-service" }) { object, _ in
            object.modify(at: JSONPointer(tokens: ["spec"])) { $0["replicas"] = 41 }
        }
        XCTAssertEqual(try trace.workloads(), try Trace(document: trace.document).workloads())
        XCTAssertEqual(try trace.workloads(named: "text-service").map(\.replicas), [41])
        try trace.updateWorkloads(matching: { $0.name == "jaeger" }) { object, _ in
            object.modify(at: JSONPointer(tokens: ["metadata"])) { $0["name"] = "tracing" }
        }
        XCTAssertEqual(try trace.workloads(), try Trace(document: trace.document).workloads())
        XCTAssertEqual(try trace.workloads(named: "jaeger"), [])
        XCTAssertEqual(try trace.workloads(named: "tracing").map(\.replicas), [9])
    }

    func testAnEditThatLeavesAnObjectNotAMapIsRefused() throws {
        let path = try Fixtures.simkube("dsb-scaling.sktrace")
        var trace = try Trace.load(path)
        var edits = 0
        XCTAssertThrowsError(try trace.updateAppliedObjects { object in
            edits += 1
            if edits == 1 {
                object.modify(at: JSONPointer(tokens: ["metadata"])) { $0["name"] = "edited" }
            } else {
                object = .string("gone")
            }
        }) { error in
            XCTAssertEqual("\(error)", "events[1].applied_objs[1]: expected a map, found a string")
        }
        XCTAssertEqual(edits, 2)
        XCTAssertEqual(MessagePackWriter.encode(trace.document), try FileIO.read(path), "a refused edit changes nothing")
        XCTAssertEqual(try trace.workloads(), try Trace.load(path).workloads())
    }

    func testATraceNameIsItsFileNameWithoutTheExtension() {
        for (path, name) in [("demo/traces/mem-heavy.msgpack", "mem-heavy"), ("trace.json", "trace"), ("a/b.c/d", "d"),
                             ("dir/.hidden", ".hidden"), ("runs//x.tar.gz", "x.tar"), ("x/", "x"), ("/", "/"), ("", ""),
                             ("é/ü.json", "ü")] {
            XCTAssertEqual(RunProgress.traceName(path), name, path)
        }
    }

    // MARK: - Helpers

    static func deployment(cpu: String, memory: String, limitMemory: Int64? = nil, replicas: Int64 = 3) -> KValue {
        var resources: KValue = ["requests": ["cpu": .string(cpu), "memory": .string(memory)]]
        if let limitMemory { resources["limits"] = ["memory": .int(limitMemory)] }
        return [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": "web", "namespace": "default"],
            "spec": [
                "replicas": .int(replicas),
                "selector": ["matchLabels": ["app": "web"]],
                "template": [
                    "metadata": ["labels": ["app": "web"]],
                    "spec": ["containers": [["name": "web", "image": "nginx", "resources": resources]]],
                ],
            ],
        ]
    }

    static func simpleTrace(cpu: String, memory: String, limitMemory: Int64?) -> KValue {
        [
            "version": 2, "config": ["trackedObjects": ["apps/v1.Deployment": ["podSpecTemplatePaths": ["/spec/template"]]]],
            "events": [["ts": 100, "applied_objs": [deployment(cpu: cpu, memory: memory, limitMemory: limitMemory)], "deleted_objs": []]],
            "index": [:], "pod_lifecycles": [:],
        ]
    }
}
