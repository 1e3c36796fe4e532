import XCTest
@testable import SimArenaModel
@testable import SimArenaSimulation

/// NodeResourcesFit for ephemeral-storage and the scalar resources (extended resources,
/// hugepages, `kubernetes.io/` names), case by case from kube-scheduler's own tables in
/// `pkg/scheduler/framework/plugins/noderesources/fit_test.go` (v1.30–v1.33; the same cases in
/// each): `TestEnoughRequests` and `TestStorageRequests`, each case under its upstream name.
///
/// Upstream's node is `makeResources(10, 20, 32, 5, 20, 5)`: cpu 10m, memory 20 bytes, 32 pods,
/// `example.com/aaa` 5, ephemeral-storage 20 bytes, `hugepages-2Mi` 5. Each case has one pod
/// already bound there (`newResourcePod(X)`), whose containers list cpu, memory, pods and
/// ephemeral-storage always (zero when unset), as upstream's helper does. The expected text is
/// kube-scheduler's FailedScheduling message for one such node.
final class NodeResourcesFitTests: XCTestCase {
    /// A container's requests as upstream's `newResourcePod` writes them.
    private struct Usage {
        var cpu: Int64 = 0
        var memory: Int64 = 0
        var storage: Int64 = 0
        var scalars: [String: Int64] = [:]

        var container: KValue {
            var requests: KValue = ["cpu": .string("\(cpu)m"), "memory": .string("\(memory)"), "pods": "0",
                                    "ephemeral-storage": .string("\(storage)")]
            for (name, amount) in scalars.sorted(by: { $0.key < $1.key }) { requests[name] = .string("\(amount)") }
            return ["name": "c", "resources": ["requests": requests]]
        }
    }

    private struct Case {
        var name: String
        var containers: [Usage]
        var initContainers: [Usage] = []
        var existing: Usage
        /// The reasons, or nil when the pod fits.
        var reasons: [String]?
    }

    private static let aaa = "example.com/aaa"
    private static let bbb = "example.com/bbb"
    private static let hugePages = "hugepages-2Mi"

    private func pod(_ containers: [Usage], initContainers: [Usage] = []) throws -> PodSchedulingRequirements {
        var spec: KValue = ["containers": .array(containers.map(\.container))]
        if !initContainers.isEmpty { spec["initContainers"] = .array(initContainers.map(\.container)) }
        let template = try PodTemplate(["spec": spec], at: "spec.template")
        return try PodSchedulingRequirements(template: template, at: "spec.template")
    }

    /// Upstream's node with `existing` bound to it.
    private func node(with existing: Usage) throws -> SchedulerNode {
        var node = SchedulerNode(
            name: "node", allocatable: ResourceAmounts(cpuMillis: 10, memoryBytes: 20), allocatablePods: 32,
            allocatableNamed: NamedResourceAmounts([Self.aaa: 5, "ephemeral-storage": 20, Self.hugePages: 5]))
        node.bind(try pod([existing]))
        return node
    }

    private func check(_ cases: [Case], file: StaticString = #filePath, line: UInt = #line) throws {
        for test in cases {
            let pod = try pod(test.containers, initContainers: test.initContainers)
            let node = try node(with: test.existing)
            let expected: SchedulingDecision = test.reasons.map {
                .unschedulable(message: "0/1 nodes are available: \($0.map { "1 \($0)" }.joined(separator: ", ")).")
            } ?? .scheduled(nodeIndex: 0)
            XCTAssertEqual(Scheduler.schedule(pod, on: [node]), expected, test.name, file: file, line: line)
            XCTAssertEqual(Scheduler.fits(pod, on: node), test.reasons == nil, test.name, file: file, line: line)
        }
    }

    /// fit_test.go, TestEnoughRequests: the 18 cases about extended resources, `kubernetes.io/`
    /// names and hugepages. (Its two cases of NodeResourcesFitArgs' ignoredResources and
    /// ignoredResourceGroups are left out: those settings are not modelled. Its three pod-level
    /// `spec.resources` cases (1.33) are left out too: pod-level resources are not modelled.)
    func testEnoughRequestsForExtendedResourcesAndHugePages() throws {
        let aaa = Self.aaa, bbb = Self.bbb, hugePages = Self.hugePages
        let zero = Usage()
        try check([
            Case(name: "extended resource fits", containers: [Usage(scalars: [aaa: 1])], existing: zero, reasons: nil),
            Case(name: "extended resource fits for init container", containers: [zero],
                 initContainers: [Usage(scalars: [aaa: 1])], existing: zero, reasons: nil),
            Case(name: "extended resource capacity enforced", containers: [Usage(cpu: 1, memory: 1, scalars: [aaa: 10])],
                 existing: Usage(scalars: [aaa: 0]), reasons: ["Insufficient example.com/aaa"]),
            Case(name: "extended resource capacity enforced for init container", containers: [zero],
                 initContainers: [Usage(cpu: 1, memory: 1, scalars: [aaa: 10])], existing: Usage(scalars: [aaa: 0]),
                 reasons: ["Insufficient example.com/aaa"]),
            Case(name: "extended resource allocatable enforced", containers: [Usage(cpu: 1, memory: 1, scalars: [aaa: 1])],
                 existing: Usage(scalars: [aaa: 5]), reasons: ["Insufficient example.com/aaa"]),
            Case(name: "extended resource allocatable enforced for init container", containers: [zero],
                 initContainers: [Usage(cpu: 1, memory: 1, scalars: [aaa: 1])], existing: Usage(scalars: [aaa: 5]),
                 reasons: ["Insufficient example.com/aaa"]),
            Case(name: "extended resource allocatable enforced for multiple containers",
                 containers: [Usage(cpu: 1, memory: 1, scalars: [aaa: 3]), Usage(cpu: 1, memory: 1, scalars: [aaa: 3])],
                 existing: Usage(scalars: [aaa: 2]), reasons: ["Insufficient example.com/aaa"]),
            Case(name: "extended resource allocatable admits multiple init containers", containers: [zero],
                 initContainers: [Usage(cpu: 1, memory: 1, scalars: [aaa: 3]), Usage(cpu: 1, memory: 1, scalars: [aaa: 3])],
                 existing: Usage(scalars: [aaa: 2]), reasons: nil),
            Case(name: "extended resource allocatable enforced for multiple init containers", containers: [zero],
                 initContainers: [Usage(cpu: 1, memory: 1, scalars: [aaa: 6]), Usage(cpu: 1, memory: 1, scalars: [aaa: 3])],
                 existing: Usage(scalars: [aaa: 2]), reasons: ["Insufficient example.com/aaa"]),
            Case(name: "extended resource allocatable enforced for unknown resource",
                 containers: [Usage(cpu: 1, memory: 1, scalars: [bbb: 1])], existing: zero,
                 reasons: ["Insufficient example.com/bbb"]),
            Case(name: "extended resource allocatable enforced for unknown resource for init container", containers: [zero],
                 initContainers: [Usage(cpu: 1, memory: 1, scalars: [bbb: 1])], existing: zero,
                 reasons: ["Insufficient example.com/bbb"]),
            Case(name: "kubernetes.io resource capacity enforced",
                 containers: [Usage(cpu: 1, memory: 1, scalars: ["kubernetes.io/something": 10])], existing: zero,
                 reasons: ["Insufficient kubernetes.io/something"]),
            Case(name: "kubernetes.io resource capacity enforced for init container", containers: [zero],
                 initContainers: [Usage(cpu: 1, memory: 1, scalars: ["subdomain.kubernetes.io/something": 10])], existing: zero,
                 reasons: ["Insufficient subdomain.kubernetes.io/something"]),
            Case(name: "hugepages resource capacity enforced", containers: [Usage(cpu: 1, memory: 1, scalars: [hugePages: 10])],
                 existing: Usage(scalars: [hugePages: 0]), reasons: ["Insufficient hugepages-2Mi"]),
            Case(name: "hugepages resource capacity enforced for init container", containers: [zero],
                 initContainers: [Usage(cpu: 1, memory: 1, scalars: [hugePages: 10])], existing: Usage(scalars: [hugePages: 0]),
                 reasons: ["Insufficient hugepages-2Mi"]),
            Case(name: "hugepages resource allocatable enforced for multiple containers",
                 containers: [Usage(cpu: 1, memory: 1, scalars: [hugePages: 3]), Usage(cpu: 1, memory: 1, scalars: [hugePages: 3])],
                 existing: Usage(scalars: [hugePages: 2]), reasons: ["Insufficient hugepages-2Mi"]),
            Case(name: "skip checking extended resource request with quantity zero via resource groups",
                 containers: [Usage(cpu: 1, memory: 1, scalars: [aaa: 0])], existing: Usage(scalars: [aaa: 6]), reasons: nil),
            Case(name: "skip checking resource request with quantity zero", containers: [Usage(scalars: [aaa: 1])],
                 existing: Usage(cpu: 20, memory: 30, scalars: [aaa: 1]), reasons: nil),
        ])
    }

    /// fit_test.go, TestStorageRequests: all 4 cases.
    func testStorageRequests() throws {
        try check([
            Case(name: "empty storage requested, and pod fits", containers: [Usage(cpu: 1, memory: 1)],
                 existing: Usage(cpu: 2, memory: 10), reasons: nil),
            Case(name: "storage ephemeral local storage request exceeds allocatable", containers: [Usage(storage: 25)],
                 existing: Usage(cpu: 2, memory: 2), reasons: ["Insufficient ephemeral-storage"]),
            Case(name: "ephemeral local storage is sufficient", containers: [Usage(storage: 5)],
                 existing: Usage(cpu: 2, memory: 2, storage: 10), reasons: nil),
            Case(name: "pod fits", containers: [Usage(storage: 10)], existing: Usage(cpu: 2, memory: 2), reasons: nil),
        ])
    }

    /// Which names the scheduler counts (`schedutil.IsScalarResourceName`, plus ephemeral-storage),
    /// and the limits-only and overhead rules applied to a GPU.
    func testResourceNamesAndAGPUFromALimit() throws {
        for name in ["ephemeral-storage", "nvidia.com/gpu", "example.com/aaa", "hugepages-1Gi", "kubernetes.io/x",
                     "sub.kubernetes.io/x", "attachable-volumes-aws-ebs"] {
            XCTAssertTrue(ResourceNames.isNamedForScheduling(name), name)
        }
        for name in ["cpu", "memory", "pods", "gpu", "storage", "requests.example.com/x", "Example.com/x", "example.com/",
                     "example.com/-x", "a/b/c"] {
            XCTAssertFalse(ResourceNames.isNamedForScheduling(name), name)
        }
        // API defaulting copies a limit into a missing request, for every resource; overhead adds.
        let spec: KValue = [
            "containers": [["name": "train", "resources": ["limits": ["nvidia.com/gpu": "1", "memory": "1Gi"]]]],
            "initContainers": [["name": "proxy", "restartPolicy": "Always", "resources": ["limits": ["nvidia.com/gpu": "1"]]]],
            "overhead": ["ephemeral-storage": "1Mi"],
        ]
        let template = try PodTemplate(["spec": spec], at: "spec.template")
        let pod = try PodSchedulingRequirements(template: template, at: "spec.template")
        XCTAssertEqual(pod.namedRequests, NamedResourceAmounts(["nvidia.com/gpu": 2, "ephemeral-storage": 1 << 20]))
        let nodes = (0..<3).map { SchedulerNode(name: "n\($0)", allocatable: ResourceAmounts(cpuMillis: 4000, memoryBytes: 8 << 30)) }
        XCTAssertEqual(
            Scheduler.schedule(pod, on: nodes),
            .unschedulable(message: "0/3 nodes are available: 3 Insufficient ephemeral-storage, 3 Insufficient nvidia.com/gpu."))
    }
}
