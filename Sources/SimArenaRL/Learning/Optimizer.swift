import SimArenaModel
import SimArenaSimulation

#if canImport(Glibc)
import Glibc
#endif

/// A gradient-descent rule with its state, over a flat parameter array (see ``MLP``).
///
/// - Adam (Kingma and Ba 2015, Algorithm 1): `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
///   `θ ← θ − lr · m̂ / (√v̂ + ε)` with `m̂ = m/(1−β₁ᵗ)` and `v̂ = v/(1−β₂ᵗ)`.
/// - RMSprop, as PyTorch's default (the original's optimizer): `v ← αv + (1−α)g²`,
///   `θ ← θ − lr · g / (√v + ε)`.
public struct Optimizer: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case adam, rmsprop
    }

    public var kind: Kind
    public var learningRate: Float
    /// Adam's β₁ (unused by RMSprop).
    public var beta1: Float = 0.9
    /// Adam's β₂, or RMSprop's smoothing constant α.
    public var beta2: Float
    public var epsilon: Float = 1e-8
    /// Steps taken (Adam's t).
    public var step = 0
    /// Adam's first moment (empty for RMSprop).
    public var firstMoment: [Float]
    /// The running mean of squared gradients.
    public var secondMoment: [Float]

    /// Checks the moments' decay rates and epsilon, as read from a checkpoint: NaN or a rate
    /// outside [0, 1) would turn every parameter into NaN at the next update.
    public func validate() throws {
        guard (0..<1).contains(beta1), (0..<1).contains(beta2), epsilon > 0, epsilon.isFinite, learningRate > 0, learningRate.isFinite else {
            throw SimArenaError(.data, "optimizer settings out of range (beta1 \(beta1), beta2 \(beta2) in [0, 1); eps \(epsilon) and lr \(learningRate) positive)")
        }
    }

    public init(kind: Kind, learningRate: Float, parameterCount: Int) {
        self.kind = kind
        self.learningRate = learningRate
        beta2 = kind == .adam ? 0.999 : 0.99
        firstMoment = kind == .adam ? Array(repeating: 0, count: parameterCount) : []
        secondMoment = Array(repeating: 0, count: parameterCount)
    }

    /// The arrays an update writes its results into before it swaps them with the ones it read.
    /// Copies of an agent share their arrays (the runs keep the previous step's agent while the
    /// step's copy learns), and updating a shared array in place would first copy it, element by
    /// element; spares kept apart from the agent (in its ``UpdateWorkspace``) copy nothing. What
    /// they hold before an update does not matter: every element is written.
    public struct Spares: Sendable {
        var parameters: [Float] = []
        var firstMoment: [Float] = []
        var secondMoment: [Float] = []

        public init() {}
    }

    /// Applies one step of `gradient` to `parameters`, writing the new parameters and moments
    /// into `spares` and swapping them in (the old ones become the spares).
    public mutating func apply(_ gradient: [Float], to parameters: inout [Float], spares: inout Spares) {
        precondition(gradient.count == parameters.count && secondMoment.count == parameters.count,
                     "Optimizer.apply: sizes do not match")
        step += 1
        let count = parameters.count
        UpdateWorkspace.size(&spares.parameters, count: count)
        UpdateWorkspace.size(&spares.secondMoment, count: count)
        UpdateWorkspace.size(&spares.firstMoment, count: firstMoment.count)
        let (beta1, beta2, rate, epsilon) = (beta1, beta2, learningRate, epsilon)
        let correction1 = Float(1 - pow(Double(beta1), Double(step)))
        let correction2 = Float(1 - pow(Double(beta2), Double(step)))
        let kind = kind
        parameters.withUnsafeBufferPointer { parameters in
            firstMoment.withUnsafeBufferPointer { first in
                secondMoment.withUnsafeBufferPointer { second in
                    gradient.withUnsafeBufferPointer { gradient in
                        spares.parameters.withUnsafeMutableBufferPointer { newParameters in
                            spares.firstMoment.withUnsafeMutableBufferPointer { newFirst in
                                spares.secondMoment.withUnsafeMutableBufferPointer { newSecond in
                                    let (p, v, g) = (parameters.baseAddress!, second.baseAddress!, gradient.baseAddress!)
                                    let (newP, newV) = (newParameters.baseAddress!, newSecond.baseAddress!)
                                    switch kind {
                                    case .adam:
                                        let (m, newM) = (first.baseAddress!, newFirst.baseAddress!)
                                        // Eight parameters at a time, each with the same operations in the same
                                        // order as one at a time (``VectorKernels``).
                                        typealias Lanes = VectorKernels.Lanes
                                        let (b1, b2, keep1, keep2) = (Lanes(repeating: beta1), Lanes(repeating: beta2),
                                                                      Lanes(repeating: 1 - beta1), Lanes(repeating: 1 - beta2))
                                        let (c1, c2, lr, eps) = (Lanes(repeating: correction1), Lanes(repeating: correction2),
                                                                 Lanes(repeating: rate), Lanes(repeating: epsilon))
                                        var index = 0
                                        while index + Lanes.scalarCount <= count {
                                            let grad = VectorKernels.load(g + index)
                                            let moment1 = b1 * VectorKernels.load(m + index) + keep1 * grad
                                            let moment2 = b2 * VectorKernels.load(v + index) + keep2 * grad * grad
                                            VectorKernels.store(moment1, to: newM + index)
                                            VectorKernels.store(moment2, to: newV + index)
                                            let step = lr * (moment1 / c1) / ((moment2 / c2).squareRoot() + eps)
                                            VectorKernels.store(VectorKernels.load(p + index) - step, to: newP + index)
                                            index += Lanes.scalarCount
                                        }
                                        while index < count {
                                            newM[index] = beta1 * m[index] + (1 - beta1) * g[index]
                                            newV[index] = beta2 * v[index] + (1 - beta2) * g[index] * g[index]
                                            let mean = newM[index] / correction1
                                            let variance = newV[index] / correction2
                                            newP[index] = p[index] - rate * mean / (variance.squareRoot() + epsilon)
                                            index += 1
                                        }
                                    case .rmsprop:
                                        for index in 0..<count {
                                            newV[index] = beta2 * v[index] + (1 - beta2) * g[index] * g[index]
                                            newP[index] = p[index] - rate * g[index] / (newV[index].squareRoot() + epsilon)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        swap(&parameters, &spares.parameters)
        swap(&firstMoment, &spares.firstMoment)
        swap(&secondMoment, &spares.secondMoment)
    }
}

/// Scales `gradient` down so that its L2 norm is at most `maxNorm` (as PyTorch's
/// `clip_grad_norm_`, with its 1e-6 guard). Returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ gradient: inout [Float], maxNorm: Float) -> Float {
    var sum: Double = 0
    for value in gradient { sum += Double(value) * Double(value) }
    let norm = Float(sum.squareRoot())
    if maxNorm > 0, norm > maxNorm {
        let scale = maxNorm / (norm + 1e-6)
        for index in gradient.indices { gradient[index] *= scale }
    }
    return norm
}
