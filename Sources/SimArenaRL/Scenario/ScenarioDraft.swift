import SimArenaModel
import SimArenaSimulation

/// Builds one scenario's numbers, problem by problem: the generator's failure modes here, the
/// shifted suite's families in ``ShiftedSuite``.
struct ScenarioDraft {
    var random: SeededGenerator
    var state = ScenarioState(replicas: 3, cpuRequestMillis: 500, memoryRequestBytes: 512 * ScenarioRules.mebibyte)
    var target = 3
    /// Where the workload runs: the demo setting for the generator's scenarios.
    var setting = ScenarioSetting.demo

    static let mebibyte = ScenarioRules.mebibyte
    static let gibibyte = ScenarioRules.gibibyte
    static let cpuStep = ScenarioRules.cpuStepMillis
    static let memoryStep = ScenarioRules.memoryStepBytes

    init(random: SeededGenerator) {
        self.random = random
    }

    /// Fills in the state and target for `mode` at `severity`; returns the planned fix length.
    mutating func build(_ mode: ScenarioFailureMode, _ severity: ScenarioSeverity) -> Int {
        let parts = ScenarioGenerator.partRanges(for: mode, severity).map { ($0.0, random.int(in: $0.1)) }
        let kinds = Set(parts.map(\.0))

        // The target: requests above a node's size are fixed by bringing them down to the node
        // size, which fits one pod per node, so those scenarios want at most one pod per node.
        var targets = [1, 2, 3, 3, 3, 3, 4, 5]
        if kinds.contains(.cpuRequest) || kinds.contains(.memoryRequest) {
            targets.removeAll { $0 > setting.cluster.nodes }
        }
        for (kind, steps) in parts where kind == .fewReplicas {
            targets.removeAll { $0 < steps }
        }
        target = random.element(of: targets)

        // Healthy base values, then each problem on top.
        state = ScenarioState(
            replicas: target,
            cpuRequestMillis: random.element(of: [100, 250, 500, 750, 1000, 1500, 2000] as [Int64]),
            memoryRequestBytes: random.element(of: [128, 256, 512, 768, 1024, 1536, 2048] as [Int64]) * Self.mebibyte)
        let touchesCPU = kinds.contains(.cpuRequest) || kinds.contains(.cpuLimit) || kinds.contains(.overprovisioned)
        let touchesMemory = kinds.contains(.memoryRequest) || kinds.contains(.memoryLimit) || kinds.contains(.overprovisioned)
        if !touchesCPU { addBackgroundCPU() }
        if !touchesMemory { addBackgroundMemory() }

        for (kind, steps) in parts {
            switch kind {
            case .cpuRequest: cpuRequestTooHigh(steps)
            case .memoryRequest: memoryRequestTooHigh(steps)
            case .cpuLimit: cpuLimitTooLow(steps)
            case .memoryLimit: memoryLimitTooLow(steps)
            case .fewReplicas: state.replicas = target - steps
            case .manyReplicas: state.replicas = target + steps
            case .overprovisioned: overprovisioned(steps)
            }
        }
        return parts.map(\.1).reduce(0, +)
    }

    /// Usage below the request, and sometimes a limit well above both, for a CPU side that is fine.
    mutating func addBackgroundCPU() {
        if random.chance(0.6) {
            let usage = state.cpuRequestMillis * Int64(random.int(in: 20...90)) / 100 / 10 * 10
            state.cpuUsageMillis = max(usage, 10)
        }
        if random.chance(0.4) { state.cpuLimitMillis = 2 * state.cpuRequestMillis }
    }

    /// The same for memory.
    mutating func addBackgroundMemory() {
        if random.chance(0.6) {
            let usage = state.memoryRequestBytes * Int64(random.int(in: 20...90)) / 100 / Self.mebibyte * Self.mebibyte
            state.memoryUsageBytes = max(usage, 16 * Self.mebibyte)
        }
        if random.chance(0.4) { state.memoryLimitBytes = 2 * state.memoryRequestBytes }
    }

    /// A CPU request that takes exactly `steps` reductions to let `target` pods fit in the
    /// setting: the largest that fits + (steps − 1) × 500m + 50m…500m (on the demo cluster, for at
    /// most one pod per node, 16 CPU + …).
    mutating func cpuRequestTooHigh(_ steps: Int) {
        let offset = Int64(random.int(in: 1...10)) * 50
        state.cpuRequestMillis = largestFittingRequest(cpu: true) + Int64(steps - 1) * Self.cpuStep + offset
        state.cpuLimitMillis = nil
        state.cpuUsageMillis = random.chance(0.6) ? Int64(random.int(in: 4...60)) * 50 : nil
    }

    /// A memory request that takes exactly `steps` reductions to let `target` pods fit: the
    /// largest that fits + (steps − 1) × 256Mi + 16Mi…256Mi (on the demo cluster 32Gi + …).
    mutating func memoryRequestTooHigh(_ steps: Int) {
        let offset = Int64(random.int(in: 1...16)) * 16 * Self.mebibyte
        state.memoryRequestBytes = largestFittingRequest(cpu: false) + Int64(steps - 1) * Self.memoryStep + offset
        state.memoryLimitBytes = nil
        state.memoryUsageBytes = random.chance(0.6) ? Int64(random.int(in: 2...32)) * 128 * Self.mebibyte : nil
    }

    /// The largest CPU (or memory, in whole Mi) request of the first container with which
    /// `target` pods fit in the setting, the other resource at its safeguard minimum; 0 if none.
    /// Pods fit in steps of whole pods per node, so it is some node's free room divided by a pod
    /// count, less the sidecar's share.
    func largestFittingRequest(cpu: Bool) -> Int64 {
        var candidate = state
        candidate.replicas = target
        if cpu {
            candidate.memoryRequestBytes = ScenarioRules.memoryRequestRange.lowerBound
        } else {
            candidate.cpuRequestMillis = ScenarioRules.cpuRequestRange.lowerBound
        }
        let held = setting.occupied ?? .zero
        let overhead = setting.podOverhead
        var best: Int64 = 0
        for pool in setting.cluster.pools {
            for perNode in 1...max(target, 1) {
                let request = cpu
                    ? (pool.cpuMillis - held.cpuMillis) / Int64(perNode) - overhead.cpuMillis
                    : ((pool.memoryBytes - held.memoryBytes) / Int64(perNode) - overhead.memoryBytes) / Self.mebibyte * Self.mebibyte
                guard request > best else { continue }
                if cpu { candidate.cpuRequestMillis = request } else { candidate.memoryRequestBytes = request }
                if setting.capacity(for: candidate) >= target { best = request }
            }
        }
        return best
    }

    /// A CPU limit (one of `limits`) whose usage is above twice it, by just enough that `steps`
    /// bumps (each adding 500m to the limit, 1 CPU to twice it) are needed: usage = 2 × (limit +
    /// (steps − 1) × 500m) + 50m…1000m.
    mutating func cpuLimitTooLow(_ steps: Int, limits: [Int64] = [250, 500, 750, 1000]) {
        let limit = random.element(of: limits)
        state.cpuLimitMillis = limit
        state.cpuRequestMillis = random.chance(0.5) ? limit : limit / 2
        state.cpuUsageMillis = 2 * (limit + Int64(steps - 1) * Self.cpuStep) + Int64(random.int(in: 1...20)) * 50
    }

    /// A memory limit (one of `limitsMi`, in Mi) below the usage by just enough that `steps`
    /// bumps are needed: usage = limit + (steps − 1) × 256Mi + 16Mi…256Mi.
    mutating func memoryLimitTooLow(_ steps: Int, limitsMi: [Int64] = [256, 512, 768, 1024]) {
        let limit = random.element(of: limitsMi) * Self.mebibyte
        state.memoryLimitBytes = limit
        state.memoryRequestBytes = random.chance(0.5) ? limit : limit / 2
        state.memoryUsageBytes = limit + Int64(steps - 1) * Self.memoryStep + Int64(random.int(in: 1...16)) * 16 * Self.mebibyte
    }

    /// Requests `steps` reductions above the smallest reachable values that still cover the
    /// usage, split between CPU and memory (at most `maxCPUSteps` of CPU); no limits, so every
    /// reduction stays healthy. Usage is `cpuUsage` × 50m and `memoryUsage` × 32Mi. With the
    /// defaults CPU stays at most 8 CPU and memory at most 16Gi, so two pods fit per node throughout.
    mutating func overprovisioned(_ steps: Int, cpuUsage: ClosedRange<Int> = 1...20, memoryUsage: ClosedRange<Int> = 2...32,
                                  maxCPUSteps: Int = 13) {
        var cpuSteps: Int
        switch random.int(in: 0...2) {
        case 0: cpuSteps = min(steps, maxCPUSteps)  // mostly CPU
        case 1: cpuSteps = 0  // memory only
        default: cpuSteps = random.int(in: 1...min(steps - 1, maxCPUSteps))  // both
        }
        if steps - cpuSteps > 30 { cpuSteps = steps - 30 }
        let memorySteps = steps - cpuSteps
        state.cpuLimitMillis = nil
        state.memoryLimitBytes = nil
        if cpuSteps > 0 {
            let usage = Int64(random.int(in: cpuUsage)) * 50
            let slack = Int64(random.int(in: 0...9)) * 50
            state.cpuUsageMillis = usage
            state.cpuRequestMillis = usage + slack + Int64(cpuSteps) * Self.cpuStep
        } else {
            state.cpuUsageMillis = nil
        }
        if memorySteps > 0 {
            let usage = Int64(random.int(in: memoryUsage)) * 32 * Self.mebibyte
            let slack = Int64(random.int(in: 0...7)) * 32 * Self.mebibyte
            state.memoryUsageBytes = usage
            state.memoryRequestBytes = usage + slack + Int64(memorySteps) * Self.memoryStep
        } else {
            state.memoryUsageBytes = nil
        }
    }
}
