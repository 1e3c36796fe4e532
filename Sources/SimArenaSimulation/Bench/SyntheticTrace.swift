import SimArenaModel

/// Deterministic synthetic inputs for the simulator benchmark: a SimKube v2 trace of Deployments
/// and a cluster of identical nodes that holds all their pods.
///
/// The trace applies `pods / podsPerDeployment` Deployments (the last one takes the remainder),
/// spread round-robin over `eventCount` events one second apart. Deployment `d` is named
/// `app-<d>` in namespace `team-<d % 8>` and requests, per pod, a cpu of 100m…200m (steps of
/// 25m) and a memory of 128Mi…512Mi (steps of 128Mi). The cpu stays at 150m on average so that
/// 100 pods per node (the benchmark's ratio) fit a 16-CPU node: at the 100m–500m range (300m
/// on average) 100 pods would ask for 30 CPUs. Same arguments, same document, byte for byte.
public enum SyntheticTrace {
    /// The Unix time of the first event.
    public static let startTime: Int64 = 1_700_000_000

    /// The cpu request (millicores) and memory request (bytes) of Deployment `index`'s pods.
    public static func requests(ofDeployment index: Int) -> ResourceAmounts {
        ResourceAmounts(cpuMillis: 100 + 25 * Int64(index % 5), memoryBytes: Int64(1 + index % 4) * (128 << 20))
    }

    /// A trace with `pods` pods in Deployments of `podsPerDeployment` replicas.
    public static func document(pods: Int, podsPerDeployment: Int = 100, eventCount: Int = 10) -> KValue {
        let perDeployment = max(1, podsPerDeployment)
        let deploymentCount = (max(0, pods) + perDeployment - 1) / perDeployment
        let slots = max(1, min(eventCount, deploymentCount))
        var applied = [[KValue]](repeating: [], count: slots)
        for index in 0..<deploymentCount {
            let replicas = min(perDeployment, pods - index * perDeployment)
            let requests = requests(ofDeployment: index)
            applied[index % slots].append(
                deployment(name: "app-\(index)", namespace: "team-\(index % 8)", replicas: replicas,
                           cpu: Quantity.millis(requests.cpuMillis).description,
                           memory: Quantity.bytes(requests.memoryBytes).description))
        }
        let events: [KValue] = applied.enumerated().map { offset, objects in
            ["ts": .int(startTime + Int64(offset)), "applied_objs": .array(objects), "deleted_objs": []]
        }
        return traceDocument(events: events)
    }

    /// The 3-pod demo step of the original project: one Deployment `web` of 3 replicas, each
    /// requesting 500m and 256Mi, applied by one event.
    public static func demoDocument() -> KValue {
        let web = deployment(name: "web", namespace: "default", replicas: 3, cpu: "500m", memory: "256Mi")
        return traceDocument(events: [["ts": .int(startTime), "applied_objs": [web], "deleted_objs": []]])
    }

    /// `nodes` identical nodes (`bench-node-<i>`): 16 CPU, 64Gi, `podsPerNode` pods each.
    public static func cluster(nodes: Int, podsPerNode: Int = 110) -> ClusterSpec {
        ClusterSpec(nodePools: [
            ClusterSpec.NodePool(name: "bench-node", count: nodes,
                                 allocatable: ResourceAmounts(cpuMillis: 16_000, memoryBytes: 64 << 30),
                                 allocatablePods: podsPerNode, labels: ["type": "bench"]),
        ])
    }

    /// The same cluster as a cluster-spec document (for `sa-simulate --cluster`).
    public static func clusterDocument(nodes: Int, podsPerNode: Int = 110) -> KValue {
        [
            "nodePools": [
                [
                    "name": "bench-node", "count": .int(Int64(nodes)),
                    "allocatable": ["cpu": "16", "memory": "64Gi", "pods": .string(String(podsPerNode))],
                    "labels": ["type": "bench"],
                ],
            ],
        ]
    }

    static func traceDocument(events: [KValue]) -> KValue {
        [
            "version": .int(Trace.supportedVersion),
            "config": ["trackedObjects": ["apps/v1.Deployment": ["podSpecTemplatePaths": ["/spec/template"]]]],
            "events": .array(events),
            "index": [:],
            "pod_lifecycles": [:],
        ]
    }

    static func deployment(name: String, namespace: String, replicas: Int, cpu: String, memory: String) -> KValue {
        let labels: KValue = ["app": .string(name)]
        return [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": labels],
            "spec": [
                "replicas": .int(Int64(replicas)),
                "selector": ["matchLabels": labels],
                "template": [
                    "metadata": ["labels": labels],
                    "spec": [
                        "containers": [
                            [
                                "name": .string(name), "image": "registry.k8s.io/pause:3.9",
                                "resources": ["requests": ["cpu": .string(cpu), "memory": .string(memory)]],
                            ],
                        ],
                    ],
                ],
            ],
        ]
    }
}
