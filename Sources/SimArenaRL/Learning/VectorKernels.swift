/// Eight floats at a time, for the optimizer's update of every parameter, and sixteen for the
/// backward pass's sums over a layer's units (one sum per sample, sixteen samples side by side).
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
    static func store(_ value: Lanes, to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self)
    }
}
