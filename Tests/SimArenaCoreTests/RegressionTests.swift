import Foundation
import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

/// Defects found in review, each pinned so it stays fixed.
final class RegressionTests: XCTestCase {
    func testDaemonSetPodsPinnedPastTheirOwnMatchFields() throws {
        var set = SimulatorTests.deployment("agent", replicas: 1, requests: ["cpu": "100m"], kind: "DaemonSet")
        set.modify(at: JSONPointer(tokens: ["spec", "template", "spec"])) {
            $0["affinity"] = ["nodeAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": ["nodeSelectorTerms": [[
                "matchFields": [["key": "metadata.name", "operator": "NotIn", "values": ["node-0"]]],
            ]]]]]
        }
        let result = try SimulatorTests.simulate(try SimulatorTests.trace([(0, [set], [])]), SimulatorTests.cluster(nodes: 3))
        XCTAssertEqual(result.pods.compactMap(\.node).sorted(), ["node-1", "node-2"])
    }

    func testWorkQueueJobsRunParallelismPods() throws {
        let job: KValue = [
            "apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": "queue", "namespace": "default"],
            "spec": ["parallelism": 3, "template": ["spec": ["restartPolicy": "Never", "containers": [["name": "w"]]]]],
        ]
        let result = try SimulatorTests.simulate(try SimulatorTests.trace([(0, [job], [])]), SimulatorTests.cluster(nodes: 1))
        XCTAssertEqual(result.pods.count, 3)
    }

    func testCronJobReplaceDeletesTheRunningJob() throws {
        let cron: KValue = [
            "apiVersion": "batch/v1", "kind": "CronJob", "metadata": ["name": "tick", "namespace": "default"],
            "spec": ["schedule": "* * * * *", "concurrencyPolicy": "Replace",
                     "jobTemplate": ["spec": ["template": ["spec": ["restartPolicy": "Never", "containers": [["name": "w"]]]]]]],
        ]
        // The trace starts at 1_700_000_000, 20 s past a minute: Jobs at 40 s and 100 s; pods never finish.
        let result = try SimulatorTests.simulate(try SimulatorTests.trace([(0, [cron], [])]), SimulatorTests.cluster(nodes: 1),
                                                 seconds: 150)
        let jobs = result.workloads.filter { $0.kind == "Job" }
        XCTAssertEqual(jobs.count, 2)
        XCTAssertEqual(jobs.map(\.deleted), [true, false])
        XCTAssertEqual(result.pods.count, 1, "only the newest Job's pod is left")
    }

    func testAbsurdTimesAndLimitsDoNotTrap() throws {
        let pod: KValue = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p", "namespace": "default"],
                           "spec": ["containers": [["name": "a", "resources": ["requests": ["memory": "1Mi"], "limits": ["memory": "5E"]]],
                                                   ["name": "b", "resources": ["requests": ["memory": "1Mi"], "limits": ["memory": "5E"]]]]]]
        let document: KValue = [
            "version": 2,
            // The latest time a trace may hold (HostileInputTests: later ones are refused).
            "events": [["ts": -10, "applied_objs": [pod]], ["ts": .int(TraceEvent.tsRange.upperBound), "applied_objs": []]],
            "pod_lifecycles": .map(KMap([KMap.Entry(key: ["v1.Pod", "default/p"],
                                                    value: .map(KMap([KMap.Entry(key: 1, value: [["Finished": [0, .int(Int64.max)]]])])))])),
        ]
        let result = try SimulatorTests.simulate(try Trace(document: document), .demo)
        XCTAssertEqual(result.pods.first?.memoryLimit, Int64.max, "saturated, not trapped")
        XCTAssertEqual(result.pods.first?.phase, .running, "a run longer than any simulation runs to the end")
    }

    func testHugeReplicaStepsAreBlockedNotTrapped() throws {
        var trace = try SimulatorTests.trace([(0, [SimulatorTests.deployment("web", replicas: 3)], [])])
        var settings = ActionSettings()
        settings.replicaStep = Int64.max
        XCTAssertTrue(try TraceEditor.apply(.scaleUpReplicas, to: &trace, workload: "web", settings: settings).blocked)
    }

    func testObservationsKeepToTheirNamespace() throws {
        var prod = SimulatorTests.deployment("web", replicas: 5, requests: ["cpu": "100m"])
        prod["metadata"] = ["name": "web", "namespace": "prod"]
        let trace = try SimulatorTests.trace([(0, [SimulatorTests.deployment("web", replicas: 2, requests: ["cpu": "100m"]), prod], [])])
        let result = try SimulatorTests.simulate(trace, SimulatorTests.cluster(nodes: 1))
        let observed = try Observation(simulation: result.value, trace: trace, workload: "web", namespace: "default", target: 2)
        XCTAssertEqual([observed.ready, observed.total, observed.replicas], [2, 2, 2])
    }

    func testAStepWhoseLineWasLostIsRecordedOnce() throws {
        let trace = Fixtures.repositoryRoot + "/demo/traces/trace-0001.msgpack"
        let run = try RunDirectoryTests.newRun(trace: trace, episodes: 1, steps: 3, seed: 1)
        let directory = run + "/ep0001/step0001"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var observation = try Observation(document: RewardAndObservationTests.blank(target: 3))
        (observation.ready, observation.total, observation.running) = (3, 3, 3)
        try Document.write(observation.value, to: directory + "/observation.json")
        let reward = RewardReport(observation: observation, previous: nil, function: .shaped, goal: .healthy, step: 1,
                                  maxActions: 3, settings: ActionSettings())
        try Document.write(reward.value, to: directory + "/reward.json")
        try RunDirectoryTests.record(run, episode: 1, step: 1)
        let summary = try String(contentsOfFile: run + "/summary.json", encoding: .utf8)
        // As if killed after the summary was saved but before the line was appended.
        try "".write(toFile: run + "/step.jsonl", atomically: true, encoding: .utf8)
        XCTAssertEqual(try RunDirectory.next(run), .step(StepFiles(runDirectory: run, episode: 1, step: 1), seed: 2, trace: trace, previous: nil))
        try RunDirectoryTests.record(run, episode: 1, step: 1)
        XCTAssertEqual(try String(contentsOfFile: run + "/summary.json", encoding: .utf8), summary)
        XCTAssertEqual(try String(contentsOfFile: run + "/step.jsonl", encoding: .utf8).split(separator: "\n").count, 1)
    }
}
