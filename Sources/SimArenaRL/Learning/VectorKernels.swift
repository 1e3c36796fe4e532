/// Eight floats at a time, for the optimizer's update of every parameter.
///
/// Each element sees the same operations in the same order as in a one-at-a-time loop (a
/// multiply rounded, then an add rounded: Swift does not fuse them), so results are
/// bit-identical to it; only independent elements run side by side. (The network's own loops
/// need none of this: the compiler already vectorizes them.)
enum VectorKernels {
    typealias Lanes = SIMD8<Float>

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    static func store(_ value: Lanes, to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self)
    }
}
