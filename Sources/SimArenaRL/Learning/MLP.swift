import SimArenaModel
import SimArenaSimulation

#if canImport(Glibc)
import Glibc
#endif

/// A multilayer perceptron in float32: dense layers with ReLU between them and a linear output.
///
/// All parameters live in one flat array, layer after layer, each layer as its kernel
/// (`inputs × outputs`, row-major, so `y = x · kernel + bias`) followed by its bias. One flat array
/// keeps the optimizer, gradient clipping, the target-network copy and the checkpoint simple.
/// Every loop runs in a fixed order, so the same inputs give bit-identical outputs.
public struct MLP: Sendable, Equatable {
    /// Layer widths, input first and output last (for example `[12, 64, 64, 7]`).
    public let sizes: [Int]
    public var parameters: [Float]

    /// Where layer `l`'s kernel and bias start in `parameters`.
    public let kernelOffsets: [Int]
    public let biasOffsets: [Int]

    /// A network with all parameters zero.
    public init(sizes: [Int]) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 }, "MLP needs at least an input and an output width")
        self.sizes = sizes
        var kernels: [Int] = []
        var biases: [Int] = []
        var offset = 0
        for layer in 0..<sizes.count - 1 {
            kernels.append(offset)
            offset += sizes[layer] * sizes[layer + 1]
            biases.append(offset)
            offset += sizes[layer + 1]
        }
        kernelOffsets = kernels
        biasOffsets = biases
        parameters = Array(repeating: 0, count: offset)
    }

    /// A network initialised as PyTorch's `nn.Linear` does by default: every kernel and bias
    /// entry uniform in ±1/√fan_in, drawn from `random` layer by layer.
    public init(sizes: [Int], random: inout SeededGenerator) {
        self.init(sizes: sizes)
        for layer in 0..<layerCount {
            let bound = 1 / Double(sizes[layer]).squareRoot()
            let end = layer + 1 < layerCount ? kernelOffsets[layer + 1] : parameters.count
            for index in kernelOffsets[layer]..<end {
                parameters[index] = Float((random.unitDouble() * 2 - 1) * bound)
            }
        }
    }

    public var layerCount: Int { sizes.count - 1 }
    public var inputCount: Int { sizes[0] }
    public var outputCount: Int { sizes[sizes.count - 1] }

    /// The activations of one forward pass, kept for the backward pass: `values[0]` is the input
    /// batch and `values[l + 1]` the output of layer `l` (after ReLU for hidden layers).
    ///
    /// Its buffers are reused by the next pass of the same batch size, so a caller that keeps one
    /// `Activations` (as ``DQNAgent`` does) allocates nothing per pass once it has made one.
    public struct Activations: Sendable {
        public internal(set) var batch = 0
        public internal(set) var values: [[Float]] = []
        /// The backward pass's ∂loss/∂values[l], one buffer per entry of `values` (the input's
        /// stays empty: nothing needs it).
        var deltas: [[Float]] = []
        /// The backward pass's scratch: a layer's output deltas transposed (units × samples).
        var scratch: [Float] = []

        public init() {}

        /// The network's output for sample `index`.
        public func output(_ index: Int) -> ArraySlice<Float> {
            let last = values[values.count - 1]
            let width = last.count / max(batch, 1)
            return last[index * width..<(index + 1) * width]
        }

        /// Sizes the buffers in `buffers` from `first` on to `batch × sizes[l]`, reallocating only
        /// those whose size changes. Their contents are left for the caller to overwrite.
        static func fit(_ buffers: inout [[Float]], sizes: [Int], batch: Int, from first: Int = 0) {
            if buffers.count != sizes.count { buffers = Array(repeating: [], count: sizes.count) }
            for index in first..<sizes.count where buffers[index].count != batch * sizes[index] {
                buffers[index] = Array(repeating: 0, count: batch * sizes[index])
            }
        }
    }

    /// Runs a batch (`batch` rows of `inputCount` values, row-major) through the network.
    public func forward(_ inputs: [Float], batch: Int, into activations: inout Activations) {
        precondition(inputs.count == batch * inputCount, "MLP.forward: input size does not match the batch")
        Activations.fit(&activations.values, sizes: sizes, batch: batch)
        activations.batch = batch
        activations.values[0].withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: inputs) }
        propagate(&activations)
    }

    /// Runs a batch whose sample `index` is `row(index)` (each `inputCount` values) through the
    /// network, copying the rows straight into the pass's input buffer.
    public func forward(batch: Int, into activations: inout Activations, row: (Int) -> [Float]) {
        Activations.fit(&activations.values, sizes: sizes, batch: batch)
        activations.batch = batch
        let width = inputCount
        activations.values[0].withUnsafeMutableBufferPointer { input in
            for sample in 0..<batch {
                let values = row(sample)
                precondition(values.count == width, "MLP.forward: a row's size does not match the input width")
                _ = UnsafeMutableBufferPointer(rebasing: input[sample * width..<(sample + 1) * width]).update(fromContentsOf: values)
            }
        }
        propagate(&activations)
    }

    /// Computes every layer's output from `activations.values[0]`.
    private func propagate(_ activations: inout Activations) {
        let batch = activations.batch
        for layer in 0..<layerCount {
            let (width, height) = (sizes[layer], sizes[layer + 1])
            // Taken out while it is written, so that reading the layer's input from the same
            // array of buffers is no overlapping access (and writing it makes no copy).
            var output: [Float] = []
            swap(&output, &activations.values[layer + 1])
            let relu = layer + 1 < layerCount
            parameters.withUnsafeBufferPointer { weights in
                activations.values[layer].withUnsafeBufferPointer { input in
                    output.withUnsafeMutableBufferPointer { out in
                        let kernel = weights.baseAddress! + kernelOffsets[layer]
                        let bias = weights.baseAddress! + biasOffsets[layer]
                        // Each output is its bias plus the inputs' products added in input
                        // order (ReLU zeros contribute nothing and are skipped). Sixteen outputs
                        // at a time stay in registers over the inputs (VectorKernels); the units
                        // past the last sixteen are added one at a time.
                        let lanes = VectorKernels.WideLanes.scalarCount
                        let vectorUnits = height - height % lanes
                        for sample in 0..<batch {
                            let row = out.baseAddress! + sample * height
                            let xs = input.baseAddress! + sample * width
                            for first in stride(from: 0, to: vectorUnits, by: lanes) {
                                var sums = VectorKernels.loadWide(bias + first)
                                var weightsRow = UnsafePointer(kernel + first)
                                for feature in 0..<width {
                                    let x = xs[feature]
                                    if x != 0 { sums += VectorKernels.WideLanes(repeating: x) * VectorKernels.loadWide(weightsRow) }
                                    weightsRow += height
                                }
                                VectorKernels.store(sums, to: row + first)
                            }
                            if vectorUnits < height {
                                for unit in vectorUnits..<height { row[unit] = bias[unit] }
                                for feature in 0..<width {
                                    let x = xs[feature]
                                    if x == 0 { continue }
                                    let weightsRow = kernel + feature * height
                                    for unit in vectorUnits..<height { row[unit] += x * weightsRow[unit] }
                                }
                            }
                            if relu { for unit in 0..<height where !(row[unit] > 0) { row[unit] = 0 } }
                        }
                    }
                }
            }
            swap(&output, &activations.values[layer + 1])
        }
    }

    /// The output for one input vector.
    public func callAsFunction(_ input: [Float]) -> [Float] {
        var activations = Activations()
        forward(input, batch: 1, into: &activations)
        return activations.values[sizes.count - 1]
    }

    /// Back-propagates `outputGradient` (∂loss/∂output, `batch × outputCount`) through the pass
    /// in `activations`, and adds ∂loss/∂parameters to `gradient` (same layout as `parameters`).
    /// The pass's buffers hold the intermediate gradients, and are reused by the next pass.
    public func backward(_ activations: inout Activations, outputGradient: [Float], into gradient: inout [Float]) {
        let batch = activations.batch
        precondition(outputGradient.count == batch * outputCount && gradient.count == parameters.count,
                     "MLP.backward: gradient sizes do not match")
        Activations.fit(&activations.deltas, sizes: sizes, batch: batch, from: 1)
        activations.deltas[layerCount].withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: outputGradient) }
        // Taken out while it is written, as the layers' buffers below and in `propagate`.
        var scratch: [Float] = []
        swap(&scratch, &activations.scratch)
        defer { swap(&scratch, &activations.scratch) }
        let scratchSize = batch * (sizes.max() ?? 0)
        if scratch.count < scratchSize { scratch = Array(repeating: 0, count: scratchSize) }
        for layer in stride(from: layerCount - 1, through: 0, by: -1) {
            let (width, height) = (sizes[layer], sizes[layer + 1])
            var inputDelta: [Float] = []
            swap(&inputDelta, &activations.deltas[layer])
            parameters.withUnsafeBufferPointer { weights in
                gradient.withUnsafeMutableBufferPointer { grads in
                    activations.values[layer].withUnsafeBufferPointer { x in
                        activations.deltas[layer + 1].withUnsafeBufferPointer { d in
                            let kernel = weights.baseAddress! + kernelOffsets[layer]
                            let kernelGrad = grads.baseAddress! + kernelOffsets[layer]
                            let biasGrad = grads.baseAddress! + biasOffsets[layer]
                            for sample in 0..<batch {
                                let dRow = d.baseAddress! + sample * height
                                for unit in 0..<height { biasGrad[unit] += dRow[unit] }
                                for feature in 0..<width {
                                    let value = x[sample * width + feature]
                                    if value == 0 { continue }
                                    let gradRow = kernelGrad + feature * height
                                    for unit in 0..<height { gradRow[unit] += value * dRow[unit] }
                                }
                            }
                            guard layer > 0 else { return }
                            // ∂loss/∂input, masked by the ReLU that produced the input: for each
                            // sample and input unit, a weight row's products with the sample's
                            // deltas added in unit order. Sixteen samples' sums are added side by
                            // side (VectorKernels), over the deltas transposed to units × samples;
                            // the samples past the last sixteen are summed one at a time.
                            scratch.withUnsafeMutableBufferPointer { scratch in
                                let transposed = scratch.baseAddress!
                                for sample in 0..<batch {
                                    for unit in 0..<height { transposed[unit * batch + sample] = d[sample * height + unit] }
                                }
                                let lanes = VectorKernels.WideLanes.scalarCount
                                let vectorSamples = batch - batch % lanes
                                inputDelta.withUnsafeMutableBufferPointer { back in
                                    for feature in 0..<width {
                                        let weightsRow = kernel + feature * height
                                        for first in stride(from: 0, to: vectorSamples, by: lanes) {
                                            var sums = VectorKernels.WideLanes(repeating: 0)
                                            var column = UnsafePointer(transposed + first)
                                            for unit in 0..<height {
                                                sums += VectorKernels.WideLanes(repeating: weightsRow[unit]) * VectorKernels.loadWide(column)
                                                column += batch
                                            }
                                            for lane in 0..<lanes {
                                                let index = (first + lane) * width + feature
                                                back[index] = x[index] > 0 ? sums[lane] : 0
                                            }
                                        }
                                        for sample in vectorSamples..<batch {
                                            let index = sample * width + feature
                                            guard x[index] > 0 else {
                                                back[index] = 0
                                                continue
                                            }
                                            let dRow = d.baseAddress! + sample * height
                                            var sum: Float = 0
                                            for unit in 0..<height { sum += weightsRow[unit] * dRow[unit] }
                                            back[index] = sum
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            swap(&inputDelta, &activations.deltas[layer])
        }
    }
}
