/// Floats side by side: eight for the optimizer's update of every parameter; sixteen for the
/// network's sums, kept in registers while their terms are added (the forward pass's outputs,
/// sixteen units of one sample; the backward pass's input deltas, one unit of sixteen samples).
/// (`SIMD32` would hold more, but with it the forward pass took eight times the instructions.)
///
/// Each element sees the same operations in the same order as in a one-at-a-time loop (a
/// multiply rounded, then an add rounded: Swift does not fuse them), so results are
/// bit-identical to it; only independent elements run side by side. (The network's other loops
/// need none of this: the compiler already vectorizes them, as their elements are independent.)
enum VectorKernels {
    typealias Lanes = SIMD8<Float>
    typealias WideLanes = SIMD16<Float>

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    static func loadWide(_ pointer: UnsafePointer<Float>) -> WideLanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: WideLanes.self)
    }

    @inline(__always)
    static func store(_ value: WideLanes, to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: WideLanes.self)
    }

    @inline(__always)
    static func store(_ value: Lanes, to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self)
    }
}
