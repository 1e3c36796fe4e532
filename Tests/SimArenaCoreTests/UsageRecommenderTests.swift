import SimArenaModel
import SimArenaRL
import XCTest

/// The `vpa` and `krr` baselines on worked examples computed by hand from their documented
/// formulas (docs/benchmark.md): VPA's recommender (kubernetes/autoscaler
/// vertical-pod-autoscaler/pkg/recommender/logic/recommender.go, model/container.go) and KRR's
/// simple strategy (robusta-dev/krr robusta_krr/strategies/simple.py).
final class UsageRecommenderTests: XCTestCase {
    private let mebibyte: Int64 = 1 << 20

    /// One running pod of `containers` containers whose first container requests `cpu` and
    /// `memory` and was measured at `cpuSamples` and `memorySamples` (nil: usage not declared).
    private func observation(cpu: String, memory: String, cpuSamples: [String]?, memorySamples: [String]?,
                             containers: Int = 1, oomKilled: Int64 = 0) throws -> Observation {
        let samples: KValue = ["cpu": .array((cpuSamples ?? ["1"]).map(KValue.string)),
                               "memory": .array((memorySamples ?? ["1Mi"]).map(KValue.string))]
        let percentiles: (KValue) -> KValue = { _ in ["p50": "1", "p90": "1", "p95": "1", "max": "1", "samples": 1] }
        let document: KValue = [
            "format": "simarena.observation/v2", "workload": "web", "target": 1, "ready": 1, "pending": 0, "total": 1,
            "running": 1, "replicas": 1, "unschedulable": 0, "unschedulable_cpu": 0, "unschedulable_memory": 0,
            "oom_killed": .int(oomKilled), "crash_looping": 0, "throttled": 0, "evicted": 0, "restarts": 0,
            "cpu_request": .string(cpu), "memory_request": .string(memory), "requested": ["cpu": .string(cpu), "memory": .string(memory)],
            "used": ["cpu": "0", "memory": "0"],
            "cpu_usage": cpuSamples == nil ? .null : percentiles(.null), "memory_usage": memorySamples == nil ? .null : percentiles(.null),
            "containers": .int(Int64(containers)),
            "pods": [["name": "web-0", "phase": "Running", "ready": true, "usage_samples": samples]],
        ]
        return try Observation(document: document)
    }

    private let tenths = (1...10).map { "\($0 * 100)m" }  // 100m … 1

    func testVPATargetsP90WithItsMarginAndMinimums() throws {
        // P90 of 100m…1000m (nearest rank: the 9th of 10) is 900m; × 1.15 = 1035m.
        // Memory: 100Mi × 1.15 = 115Mi is below the 250Mi pod minimum.
        let one = try observation(cpu: "500m", memory: "128Mi", cpuSamples: tenths, memorySamples: ["100Mi"])
        XCTAssertEqual(UsageRecommender.vpa.targets(one), .init(cpuMillis: 1035, memoryBytes: 250 * mebibyte))
        // The minimum is split across the pod's containers: 125Mi each for two.
        let two = try observation(cpu: "500m", memory: "128Mi", cpuSamples: tenths, memorySamples: ["100Mi"], containers: 2)
        XCTAssertEqual(UsageRecommender.vpa.targets(two).memoryBytes, 125 * mebibyte)
        // 25m of CPU at least: 10m × 1.15 = 11.5m → 25m.
        let idle = try observation(cpu: "500m", memory: "256Mi", cpuSamples: ["10m"], memorySamples: ["300Mi"])
        XCTAssertEqual(UsageRecommender.vpa.targets(idle).cpuMillis, 25)
    }

    func testVPAStepsTowardItsTargetAndSettlesWithinAStepAbove() throws {
        let settings = ActionSettings()
        // 500m < 1035m: up.
        XCTAssertEqual(UsageRecommender.vpa.action(
            try observation(cpu: "500m", memory: "250Mi", cpuSamples: tenths, memorySamples: ["100Mi"]), settings: settings), .bumpCPUSmall)
        // 1500m: 1000m would be below 1035m, so it stays; memory 250Mi is on target: noop.
        XCTAssertEqual(UsageRecommender.vpa.action(
            try observation(cpu: "1500m", memory: "250Mi", cpuSamples: tenths, memorySamples: ["100Mi"]), settings: settings), .noop)
        // 2000m: 1500m is still above 1035m: down.
        XCTAssertEqual(UsageRecommender.vpa.action(
            try observation(cpu: "2", memory: "250Mi", cpuSamples: tenths, memorySamples: ["100Mi"]), settings: settings), .reduceCPUSmall)
        // Memory 1Gi for a 250Mi target: 768Mi is still above it, so down (CPU is in place).
        XCTAssertEqual(UsageRecommender.vpa.action(
            try observation(cpu: "1500m", memory: "1Gi", cpuSamples: tenths, memorySamples: ["100Mi"]), settings: settings), .reduceMemorySmall)
    }

    func testVPAAfterAnOOMKillRaisesMemoryFirst() throws {
        // Request 512Mi, the peak capped at the 512Mi limit: used = 512Mi, needed =
        // max(512Mi + 100Mi, 512Mi × 1.2 = 614.4Mi) = 614.4Mi, rounded up to a whole byte.
        let killed = try observation(cpu: "100m", memory: "512Mi", cpuSamples: tenths, memorySamples: ["400Mi", "512Mi"], oomKilled: 1)
        XCTAssertEqual(UsageRecommender.vpa.targets(killed).memoryBytes, 644_245_095)
        // CPU is also below its target, but the OOM kill comes first.
        XCTAssertEqual(UsageRecommender.vpa.action(killed, settings: ActionSettings()), .bumpMemorySmall)
    }

    func testKRRTargetsP95AndThePeakWithItsBuffer() throws {
        // P95 of 50m…1000m (20 samples; nearest rank: the 19th) is 950m; memory 400Mi × 1.15 = 460Mi.
        let samples = (1...20).map { "\($0 * 50)m" }
        let observed = try observation(cpu: "2", memory: "1Gi", cpuSamples: samples, memorySamples: ["200Mi", "400Mi", "300Mi"])
        XCTAssertEqual(UsageRecommender.krr.targets(observed), .init(cpuMillis: 950, memoryBytes: 460 * mebibyte))
        XCTAssertEqual(UsageRecommender.krr.action(observed, settings: ActionSettings()), .reduceCPUSmall)
        // KRR does not read OOM kills, only the peak (capped at the 512Mi limit): 588.8Mi,
        // rounded up to a whole byte; the kill still puts memory first.
        let killed = try observation(cpu: "2", memory: "512Mi", cpuSamples: samples, memorySamples: ["512Mi"], oomKilled: 1)
        XCTAssertEqual(UsageRecommender.krr.targets(killed).memoryBytes, 617_401_549)
        XCTAssertEqual(UsageRecommender.krr.action(killed, settings: ActionSettings()), .bumpMemorySmall)
        // Its floors: 10m and 100Mi.
        let tiny = try observation(cpu: "50m", memory: "64Mi", cpuSamples: ["1m"], memorySamples: ["1Mi"])
        XCTAssertEqual(UsageRecommender.krr.targets(tiny), .init(cpuMillis: 10, memoryBytes: 100 * mebibyte))
    }

    func testWithoutMeasuredUsageNeitherActs() throws {
        // Pods that never ran, or a trace that declares no usage (the simulator's stand-in for
        // usage is the request itself, which moves with every action): nothing to go by.
        let unmeasured = try observation(cpu: "17", memory: "2Gi", cpuSamples: nil, memorySamples: nil)
        XCTAssertNil(unmeasured.cpuUsage)
        for recommender in [UsageRecommender.vpa, .krr] {
            XCTAssertEqual(recommender.targets(unmeasured), .init(cpuMillis: nil, memoryBytes: nil))
            XCTAssertEqual(recommender.action(unmeasured, settings: ActionSettings()), .noop)
        }
        XCTAssertEqual(HandCodedPolicy.vpa.rawValue, "vpa")
        XCTAssertEqual(HandCodedPolicy.krr.rawValue, "krr")
    }
}
