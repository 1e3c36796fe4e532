import SimArenaModel
import SimArenaSimulation

/// The shifted suite's families (``ShiftedSuite``): six variants each, built on the
/// generator's own problem builders where the problem itself is not what shifts.
extension ScenarioDraft {
    /// Fills in the setting, state and target of variant `variant` (0…5) of `family`; returns
    /// the generator's mode the problem corresponds to, and the severity when the numbers were
    /// drawn for one (nil: classify the fix).
    mutating func build(_ family: ScenarioShift, variant: Int) -> (mode: ScenarioFailureMode, severity: ScenarioSeverity?) {
        switch family {
        case .names: return otherNames(variant)
        case .cluster: return (otherCluster(variant), nil)
        case .sidecar: return (withSidecar(variant), nil)
        case .neighbours: return (besideNeighbour(variant), nil)
        case .wide: return (wide(variant), nil)
        case .limits: return (largerLimits(variant), nil)
        case .rightSizing: return (largerRightSizing(variant), nil)
        case .placement: return (placement(variant), nil)
        }
    }

    // MARK: names

    /// The workloads of the `names` family, with the generator's mode each one gets.
    private static let namedWorkloads: [(ScenarioSetting, ScenarioFailureMode)] = [
        (ScenarioSetting(name: "checkout", namespace: "shop", container: "checkout", image: "ghcr.io/example/checkout:2.3"),
         .cpuRequestTooHigh),
        (ScenarioSetting(kind: .statefulSet, name: "postgres", namespace: "data", container: "postgres", image: "postgres:16"),
         .memoryRequestTooHigh),
        (ScenarioSetting(name: "web", namespace: "staging"), .tooFewReplicas),
        (ScenarioSetting(kind: .statefulSet, name: "redis", namespace: "cache", container: "redis", image: "redis:7.2"),
         .overprovisioned),
        (ScenarioSetting(name: "ledger", namespace: "payments", container: "app", image: "ghcr.io/example/ledger:1.8"),
         .cpuLimitTooLowAndTooManyReplicas),
        (ScenarioSetting(kind: .statefulSet, name: "kafka", namespace: "streaming", container: "broker", image: "apache/kafka:3.7",
                         orderedReady: false),
         .memoryLimitTooLowAndTooFewReplicas),
    ]

    /// The generator's numbers for a drawn severity, on another workload: other names,
    /// namespaces, containers and images, StatefulSets.
    private mutating func otherNames(_ variant: Int) -> (ScenarioFailureMode, ScenarioSeverity?) {
        let (named, mode) = Self.namedWorkloads[variant]
        let severity = random.element(of: ScenarioSeverity.allCases)
        setting = named
        _ = build(mode, severity)
        return (mode, severity)
    }

    // MARK: cluster

    /// Other cluster shapes, each with requests too high for its nodes.
    private mutating func otherCluster(_ variant: Int) -> ScenarioFailureMode {
        let gibibyte = Self.gibibyte
        let mode: ScenarioFailureMode
        switch variant {
        case 0:  // four half-size nodes
            setting.cluster = ScenarioCluster(nodes: 4, cpuMillis: 8_000, memoryBytes: 16 * gibibyte)
            start(target: random.int(in: 1...4))
            cpuRequestTooHigh(random.int(in: 1...12))
            addBackgroundMemory()
            mode = .cpuRequestTooHigh
        case 1:  // six quarter-size nodes
            setting.cluster = ScenarioCluster(nodes: 6, cpuMillis: 4_000, memoryBytes: 8 * gibibyte)
            start(target: random.int(in: 2...6))
            memoryRequestTooHigh(random.int(in: 2...20))
            addBackgroundCPU()
            mode = .memoryRequestTooHigh
        case 2:  // two small memory-heavy nodes
            setting.cluster = ScenarioCluster(nodes: 2, cpuMillis: 4_000, memoryBytes: 16 * gibibyte)
            start(target: random.int(in: 1...2))
            cpuRequestTooHigh(random.int(in: 1...6))
            memoryRequestTooHigh(random.int(in: 1...16))
            mode = .cpuAndMemoryRequestTooHigh
        case 3:  // two large and three small nodes: the pods must pack onto the large ones or shrink to the small
            setting.cluster = ScenarioCluster(pools: [
                ScenarioCluster.Pool(name: "large", count: 2, cpuMillis: 16_000, memoryBytes: 32 * gibibyte),
                ScenarioCluster.Pool(name: "small", count: 3, cpuMillis: 4_000, memoryBytes: 8 * gibibyte),
            ])
            start(target: random.int(in: 5...7))
            cpuRequestTooHigh(random.int(in: 1...8))
            addBackgroundMemory()
            mode = .cpuRequestTooHigh
        case 4:  // ten tiny nodes
            setting.cluster = ScenarioCluster(nodes: 10, cpuMillis: 2_000, memoryBytes: 4 * gibibyte)
            start(target: random.int(in: 4...10))
            memoryRequestTooHigh(random.int(in: 1...12))
            mode = .memoryRequestTooHigh
        default:  // one big node holding every pod
            setting.cluster = ScenarioCluster(nodes: 1, cpuMillis: 32_000, memoryBytes: 64 * gibibyte)
            start(target: random.int(in: 2...4))
            cpuRequestTooHigh(random.int(in: 1...8))
            addBackgroundMemory()
            mode = .cpuRequestTooHigh
        }
        return mode
    }

    /// Healthy small base values at `target` replicas (100m…500m CPU, 128Mi…1Gi memory).
    private mutating func start(target: Int) {
        self.target = target
        state = ScenarioState(
            replicas: target, cpuRequestMillis: random.element(of: [100, 250, 500] as [Int64]),
            memoryRequestBytes: random.element(of: [128, 256, 512, 1024] as [Int64]) * Self.mebibyte)
    }

    // MARK: sidecar

    private static let sidecars: [(name: String, image: String)] = [
        ("istio-proxy", "docker.io/istio/proxyv2:1.22.0"), ("log-shipper", "fluent/fluent-bit:3.0"),
        ("envoy", "envoyproxy/envoy:v1.30.1"), ("cloud-sql-proxy", "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0"),
    ]

    /// A sidecar whose requests push the pod over what fits, while the first container alone
    /// would fit; or a sidecar beside an OOM kill or over-provisioning it does not change.
    private mutating func withSidecar(_ variant: Int) -> ScenarioFailureMode {
        let chosen = random.element(of: Self.sidecars)
        var sidecar = ScenarioSetting.Sidecar(name: chosen.name, image: chosen.image,
                                              cpuMillis: random.element(of: [100, 250, 500] as [Int64]),
                                              memoryBytes: random.element(of: [128, 256, 512] as [Int64]) * Self.mebibyte)
        let bigCPU = random.element(of: [1_000, 1_500, 2_000] as [Int64])
        let bigMemory = random.element(of: [1_024, 1_536, 2_048, 3_072] as [Int64]) * Self.mebibyte
        // At most as many steps as the sidecar's share, so the first container alone would fit.
        let cpuSteps = random.int(in: 1...Int(bigCPU / Self.cpuStep))
        let memorySteps = random.int(in: 1...Int(bigMemory / Self.memoryStep))
        let mode: ScenarioFailureMode
        switch variant {
        case 0:
            sidecar.cpuMillis = bigCPU
            setting.sidecar = sidecar
            start(target: random.int(in: 1...3))
            cpuRequestTooHigh(cpuSteps)
            mode = .cpuRequestTooHigh
        case 1:
            sidecar.memoryBytes = bigMemory
            setting.sidecar = sidecar
            start(target: random.int(in: 1...3))
            memoryRequestTooHigh(memorySteps)
            mode = .memoryRequestTooHigh
        case 2:  // two pods per node
            sidecar.cpuMillis = bigCPU
            setting.sidecar = sidecar
            start(target: random.int(in: 4...6))
            cpuRequestTooHigh(cpuSteps)
            addBackgroundMemory()
            mode = .cpuRequestTooHigh
        case 3:
            setting.sidecar = sidecar
            start(target: random.int(in: 1...5))
            memoryLimitTooLow(random.int(in: 1...8))
            addBackgroundCPU()
            mode = .memoryLimitTooLow
        case 4:
            setting.sidecar = sidecar
            start(target: random.int(in: 1...3))
            overprovisioned(random.int(in: 4...20))
            mode = .overprovisioned
        default:
            sidecar.cpuMillis = bigCPU
            sidecar.memoryBytes = bigMemory
            setting.sidecar = sidecar
            start(target: random.int(in: 1...3))
            cpuRequestTooHigh(cpuSteps)
            memoryRequestTooHigh(memorySteps)
            mode = .cpuAndMemoryRequestTooHigh
        }
        return mode
    }

    // MARK: neighbours

    private static let neighbours: [(name: String, namespace: String, image: String)] = [
        ("batch-runner", "jobs", "ghcr.io/example/batch-runner:4.1"), ("cache", "infra", "memcached:1.6"),
        ("trainer", "research", "pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime"),
        ("search-index", "search", "opensearchproject/opensearch:2.14.0"),
    ]

    /// Another workload holding more than half of every node, so the workload's pods fit only in
    /// what is left.
    private mutating func besideNeighbour(_ variant: Int) -> ScenarioFailureMode {
        let chosen = random.element(of: Self.neighbours)
        var neighbour = ScenarioSetting.Neighbour(
            name: chosen.name, namespace: chosen.namespace, image: chosen.image,
            cpuMillis: Int64(random.int(in: 17...24)) * 500, memoryBytes: Int64(random.int(in: 17...24)) * Self.gibibyte)
        let mode: ScenarioFailureMode
        switch variant {
        case 0:
            setting.neighbour = neighbour
            start(target: random.int(in: 1...3))
            cpuRequestTooHigh(random.int(in: 1...10))
            mode = .cpuRequestTooHigh
        case 1:
            setting.neighbour = neighbour
            start(target: random.int(in: 1...3))
            memoryRequestTooHigh(random.int(in: 2...24))
            mode = .memoryRequestTooHigh
        case 2:
            setting.neighbour = neighbour
            start(target: random.int(in: 1...3))
            cpuRequestTooHigh(random.int(in: 1...6))
            memoryRequestTooHigh(random.int(in: 1...12))
            mode = .cpuAndMemoryRequestTooHigh
        case 3:  // two or more pods per node in what is left
            setting.neighbour = neighbour
            start(target: random.int(in: 4...6))
            cpuRequestTooHigh(random.int(in: 1...8))
            addBackgroundMemory()
            mode = .cpuRequestTooHigh
        case 4:  // four 8-CPU nodes, more than half of each taken
            setting.cluster = ScenarioCluster(nodes: 4, cpuMillis: 8_000, memoryBytes: 32 * Self.gibibyte)
            neighbour.cpuMillis = Int64(random.int(in: 9...12)) * 500
            neighbour.memoryBytes = Int64(random.int(in: 4...12)) * Self.gibibyte
            setting.neighbour = neighbour
            start(target: random.int(in: 4...8))
            cpuRequestTooHigh(random.int(in: 1...6))
            mode = .cpuRequestTooHigh
        default:  // more replicas than the target, the surplus Pending beside the neighbour
            setting.neighbour = neighbour
            start(target: 1)
            state.cpuRequestMillis = random.element(of: [1_000, 1_500, 2_000] as [Int64])
            let capacity = setting.capacity(for: state)
            target = random.int(in: max(2, capacity - 4)...capacity)
            state.replicas = capacity + random.int(in: 1...4)
            addBackgroundMemory()
            mode = .tooManyReplicas
        }
        return mode
    }

    // MARK: wide

    /// Many replicas (20 to 60) of large pods on eight to sixteen nodes.
    private mutating func wide(_ variant: Int) -> ScenarioFailureMode {
        let big = random.chance(0.5)
        setting.cluster = ScenarioCluster(nodes: random.int(in: 8...16), cpuMillis: big ? 32_000 : 16_000,
                                          memoryBytes: (big ? 128 : 64) * Self.gibibyte)
        state = ScenarioState(
            replicas: 1, cpuRequestMillis: random.element(of: [2_000, 2_500, 3_000, 3_500, 4_000] as [Int64]),
            memoryRequestBytes: random.element(of: [4, 6, 8] as [Int64]) * Self.gibibyte)
        let mode: ScenarioFailureMode
        switch variant {
        case 0:
            target = random.int(in: 20...min(45, setting.capacity(for: state)))
            state.replicas = target + random.int(in: 5...15)
            addBackgroundCPU()
            mode = .tooManyReplicas
        case 1:
            target = random.int(in: 30...min(60, setting.capacity(for: state)))
            state.replicas = target - random.int(in: 3...min(12, target - 20))
            addBackgroundMemory()
            mode = .tooFewReplicas
        case 2:  // more pods per node than the CPU request allows
            target = random.int(in: 20...min(60, 4 * setting.cluster.nodes))
            state.replicas = target
            cpuRequestTooHigh(random.int(in: 1...6))
            mode = .cpuRequestTooHigh
        case 3:  // more pods per node than the memory request allows
            state.cpuRequestMillis = random.element(of: [1_000, 1_500, 2_000] as [Int64])
            target = random.int(in: 20...min(60, 6 * setting.cluster.nodes))
            state.replicas = target
            memoryRequestTooHigh(random.int(in: 1...16))
            mode = .memoryRequestTooHigh
        case 4:
            target = random.int(in: 20...45)
            cpuLimitTooLow(random.int(in: 1...4))
            state.replicas = target + random.int(in: 5...15)
            mode = .cpuLimitTooLowAndTooManyReplicas
        default:
            target = random.int(in: 25...60)
            memoryLimitTooLow(random.int(in: 1...4), limitsMi: [2_048, 4_096])
            state.replicas = target - random.int(in: 3...12)
            mode = .memoryLimitTooLowAndTooFewReplicas
        }
        return mode
    }

    // MARK: limits

    private static let cpuLimits: [Int64] = [1_500, 2_000, 3_000, 4_000]
    private static let memoryLimitsMi: [Int64] = [1_536, 2_048, 3_072, 4_096, 6_144]

    /// OOM kills and CPU starvation with the larger limits and usage of bigger services.
    private mutating func largerLimits(_ variant: Int) -> ScenarioFailureMode {
        let mode: ScenarioFailureMode
        switch variant {
        case 0:
            start(target: random.int(in: 1...5))
            memoryLimitTooLow(random.int(in: 1...16), limitsMi: Self.memoryLimitsMi)
            addBackgroundCPU()
            mode = .memoryLimitTooLow
        case 1:
            start(target: random.int(in: 1...3))
            cpuLimitTooLow(random.int(in: 1...6), limits: Self.cpuLimits)
            addBackgroundMemory()
            mode = .cpuLimitTooLow
        case 2:
            start(target: random.int(in: 1...3))
            cpuLimitTooLow(random.int(in: 1...4), limits: Self.cpuLimits)
            memoryLimitTooLow(random.int(in: 1...10), limitsMi: Self.memoryLimitsMi)
            mode = .cpuAndMemoryLimitTooLow
        case 3:  // OOM, beside CPU use above its limit but under twice it: slower, not unready
            start(target: random.int(in: 1...5))
            memoryLimitTooLow(random.int(in: 1...12), limitsMi: Self.memoryLimitsMi)
            let limit = random.element(of: [500, 1_000, 2_000] as [Int64])
            state.cpuLimitMillis = limit
            state.cpuRequestMillis = random.chance(0.5) ? limit : limit / 2
            state.cpuUsageMillis = limit + Int64(random.int(in: 1...Int(limit / 50))) * 50
            mode = .memoryLimitTooLow
        case 4:
            start(target: random.int(in: 2...5))
            memoryLimitTooLow(random.int(in: 1...8), limitsMi: Self.memoryLimitsMi)
            state.replicas = target - random.int(in: 1...min(4, target))
            addBackgroundCPU()
            mode = .memoryLimitTooLowAndTooFewReplicas
        default:  // a burstable container: a small request under a large limit
            start(target: random.int(in: 1...3))
            cpuLimitTooLow(random.int(in: 1...8), limits: Self.cpuLimits)
            state.cpuRequestMillis = random.element(of: [250, 500] as [Int64])
            mode = .cpuLimitTooLow
        }
        return mode
    }

    // MARK: right_sizing

    /// Right-sizing requests of 1 to 16 CPU and 1Gi to 32Gi against declared usage of 1 to 6 CPU
    /// and 1Gi to 12Gi, with and without limits.
    private mutating func largerRightSizing(_ variant: Int) -> ScenarioFailureMode {
        let wideUsage = (cpu: 20...120, memory: 32...384)  // × 50m, × 32Mi
        switch variant {
        case 0:
            start(target: random.int(in: 1...3))
            overprovisioned(random.int(in: 4...16), cpuUsage: wideUsage.cpu, memoryUsage: wideUsage.memory, maxCPUSteps: 19)
        case 1:
            start(target: random.int(in: 1...3))
            overprovisioned(random.int(in: 17...36), cpuUsage: wideUsage.cpu, memoryUsage: wideUsage.memory, maxCPUSteps: 19)
        case 2:  // limits equal to the requests (Guaranteed QoS), moving down with them
            start(target: random.int(in: 1...3))
            overprovisioned(random.int(in: 4...24), cpuUsage: wideUsage.cpu, memoryUsage: wideUsage.memory, maxCPUSteps: 19)
            state.cpuLimitMillis = state.cpuRequestMillis
            state.memoryLimitBytes = state.memoryRequestBytes
        case 3:  // limits twice the requests
            start(target: random.int(in: 1...3))
            overprovisioned(random.int(in: 4...24), cpuUsage: wideUsage.cpu, memoryUsage: wideUsage.memory, maxCPUSteps: 19)
            state.cpuLimitMillis = 2 * state.cpuRequestMillis
            state.memoryLimitBytes = 2 * state.memoryRequestBytes
        case 4:  // two pods per node: at most 8 CPU and 16Gi per pod
            start(target: random.int(in: 4...5))
            overprovisioned(random.int(in: 4...20), cpuUsage: 20...80, memoryUsage: 32...256, maxCPUSteps: 7)
        default:  // a CPU limit a core above the request, no memory limit
            start(target: random.int(in: 1...3))
            overprovisioned(random.int(in: 4...24), cpuUsage: wideUsage.cpu, memoryUsage: wideUsage.memory, maxCPUSteps: 19)
            state.cpuLimitMillis = state.cpuRequestMillis + 1_000
        }
        return .overprovisioned
    }

    // MARK: placement

    /// Where kube-scheduler may put the pods, beyond their requests: one pod per node by
    /// anti-affinity, or a few per zone by a spread over too few zones, with more replicas than
    /// that allows (fixed by scaling down to what fits); or a GPU no node offers (unsolvable).
    private mutating func placement(_ variant: Int) -> ScenarioFailureMode {
        switch variant {
        case 0, 1:  // one pod per node, on 3 to 6 nodes of two sizes
            let small = variant == 1
            setting.cluster = ScenarioCluster(nodes: random.int(in: 3...6), cpuMillis: small ? 8_000 : 16_000,
                                              memoryBytes: (small ? 16 : 32) * Self.gibibyte)
            setting.placement = .onePerNode
            start(target: setting.cluster.nodes)
            state.replicas = target + random.int(in: small ? 3...8 : 1...3)
            addBackgroundCPU()
            return .tooManyReplicas
        case 2, 3:  // a zone spread: two or three zones of one to three nodes, minDomains above the zone count
            let zones = variant == 2 ? 2 : 3
            setting.cluster = ScenarioCluster(pools: (0..<zones).map { zone in
                ScenarioCluster.Pool(name: "zone-" + String(UnicodeScalar(UInt8(ascii: "a") + UInt8(zone))), count: random.int(in: 1...3),
                                     cpuMillis: 16_000, memoryBytes: 32 * Self.gibibyte)
            })
            let maxSkew = random.int(in: 1...2)
            setting.placement = .zoneSpread(maxSkew: maxSkew, minDomains: zones + random.int(in: 1...2))
            start(target: zones * maxSkew)
            state.replicas = target + random.int(in: 1...6)
            addBackgroundMemory()
            return .tooManyReplicas
        default:  // a GPU request on the demo cluster, which has none
            setting.placement = .extendedResource(resource: "nvidia.com/gpu", count: random.int(in: 1...2))
            start(target: random.int(in: 1...4))
            return .extendedResourceUnavailable
        }
    }
}
