import SimArenaModel

/// The scheduler's answer for one set of pod requirements, kept current as nodes change, so that
/// a run of pods with the same requirements (a ReplicaSet's, a Job's) is placed in O(log N) per
/// pod instead of O(N).
///
/// It picks exactly the node that ``Scheduler/schedule(_:on:)`` picks: the feasible node with the
/// highest LeastAllocated score, the lowest index among equals. A tournament tree over the nodes
/// holds, for each range, its best node; binding a pod to a node (or a pod leaving it) changes only
/// that node's score, so ``update(_:in:)`` recomputes one leaf and its ancestors.
struct NodeScoreIndex {
    let requirements: PodSchedulingRequirements
    /// Per node: whether the node-only filters (taints, node affinity) pass; they never change.
    private var eligible: [Bool]
    /// Per node: its score for these requirements, or -1 when it does not fit.
    private var scores: [Int64]
    /// `tree[1]` is the best node overall; `tree[k]` is the best of `tree[2k]` and `tree[2k+1]`;
    /// leaves start at `leafBase`. -1 marks an empty range.
    private var tree: [Int]
    private let leafBase: Int

    init(_ requirements: PodSchedulingRequirements, nodes: [SchedulerNode]) {
        self.requirements = requirements
        eligible = nodes.map { Scheduler.passesNodeFilters(requirements, on: $0) }
        scores = Array(repeating: -1, count: nodes.count)
        var base = 1
        while base < nodes.count { base *= 2 }
        leafBase = base
        tree = Array(repeating: -1, count: 2 * base)
        for index in nodes.indices {
            scores[index] = score(of: nodes[index], at: index)
            tree[base + index] = index
        }
        var position = base - 1
        while position >= 1 {
            tree[position] = better(tree[2 * position], tree[2 * position + 1])
            position -= 1
        }
    }

    /// The node to bind to, or `nil` when none fits.
    var best: Int? {
        let node = tree[1]
        return node >= 0 && scores[node] >= 0 ? node : nil
    }

    /// Recomputes `node`'s score after what is bound to it changed.
    mutating func update(_ node: Int, in nodes: [SchedulerNode]) {
        scores[node] = score(of: nodes[node], at: node)
        var position = (leafBase + node) / 2
        while position >= 1 {
            tree[position] = better(tree[2 * position], tree[2 * position + 1])
            position /= 2
        }
    }

    private func score(of node: SchedulerNode, at index: Int) -> Int64 {
        guard eligible[index], Scheduler.fitsResources(requirements, on: node) else { return -1 }
        return Scheduler.leastAllocatedScore(requirements, on: node)
    }

    /// The better of two nodes: the higher score; on a tie, the lower index (the left one).
    private func better(_ left: Int, _ right: Int) -> Int {
        guard right >= 0 else { return left }
        guard left >= 0 else { return right }
        return scores[right] > scores[left] ? right : left
    }
}
