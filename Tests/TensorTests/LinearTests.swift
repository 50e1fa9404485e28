import Tensor
import XCTest

/// Linear layers for every element type × precision × kernel path, on odd shapes, against a
/// Float64 twin built from the element-wise format twins.
///
/// Tolerances, per output y = Σ_k x_k·w_k:
/// * Float path (`.exact`, and float weights in `.fast`): float32 FMA accumulation,
///   |y - y_ref| ≤ 1e-5 · Σ_k |x_k·w_k|.
/// * `.fast` with quantized weights: activations are rounded to q·d with d = max|x|/127 per block
///   of 32, so |x_k - q_k·d| ≤ d/2 (times 1 + 1e-4 for the rounding of 127/max|x|), and the
///   integer products are exact: |y - y_ref| ≤ Σ_blocks (d_b/2)·Σ_{k∈b}|w_k| + the float term above.
final class LinearTests: XCTestCase {
    static let rowCounts = [1, 2, 7, 33, 100]
    static let outputCounts = [1, 5, 64, 100, 257]

    static func inputCounts(_ dtype: DType) -> [Int] {
        switch dtype.blockSize {
        case 256: return [256, 512, 1536]
        case 32: return [32, 96, 576, 1536]
        default: return [7, 32, 96, 576, 1536]
        }
    }

    /// Weights, inputs and the Float64 reference for the largest shape of one input size.
    struct Problem {
        let dtype: DType
        let inputs: Int
        let weight: WeightMatrix
        let x: [Float]             // maxRows rows, `inputStride` apart
        let inputStride: Int
        let reference: [Double]    // maxRows × maxOutputs
        let absoluteSum: [Double]  // Σ|x·w| per output
        let roundingBound: [Double] // Σ_b (d_b/2)·Σ|w| per output

        init(dtype: DType, inputs: Int, rows: Int, outputs: Int, rng: inout SeededGenerator) throws {
            self.dtype = dtype
            self.inputs = inputs
            inputStride = inputs + 3
            var bytes: [UInt8] = []
            var w: [Double] = []
            for _ in 0..<outputs {
                let row = ReferenceFormats.randomRow(dtype, count: inputs, using: &rng)
                bytes += row
                w += ReferenceFormats.dequantize(row, dtype: dtype, count: inputs)
            }
            weight = try WeightMatrix(makeTensor(bytes: bytes, dtype: dtype, shape: [outputs, inputs]))
            x = rng.floats(rows * inputStride, -2...2)
            let blocks = inputs / 32
            var blockWeight = [Double](repeating: 0, count: outputs * max(blocks, 1))
            for o in 0..<outputs {
                for b in 0..<blocks {
                    for k in (32 * b)..<(32 * b + 32) { blockWeight[o * blocks + b] += abs(w[o * inputs + k]) }
                }
            }
            var reference = [Double](repeating: 0, count: rows * outputs)
            var absoluteSum = reference, roundingBound = reference
            for r in 0..<rows {
                let xr = Array(x[(r * inputStride)..<(r * inputStride + inputs)]).map(Double.init)
                let halfSteps = (0..<blocks).map { b in xr[(32 * b)..<(32 * b + 32)].map(abs).max()! / 127 / 2 }
                for o in 0..<outputs {
                    var sum = 0.0, absolute = 0.0, bound = 0.0
                    for k in 0..<inputs {
                        let product = xr[k] * w[o * inputs + k]
                        sum += product
                        absolute += abs(product)
                    }
                    for b in 0..<blocks { bound += halfSteps[b] * blockWeight[o * blocks + b] }
                    reference[r * outputs + o] = sum
                    absoluteSum[r * outputs + o] = absolute
                    roundingBound[r * outputs + o] = bound
                }
            }
            self.reference = reference
            self.absoluteSum = absoluteSum
            self.roundingBound = roundingBound
        }

        var maxOutputs: Int { weight.rows }

        func tolerance(row: Int, output: Int, precision: Precision) -> Double {
            let index = row * maxOutputs + output
            let floatTerm = 1e-5 * absoluteSum[index] + 1e-12
            return precision == .fast && dtype.isQuantized ? roundingBound[index] * 1.0001 + floatTerm : floatTerm
        }
    }

    func testEveryTypePrecisionAndPathAgreesWithFloat64() throws {
        var rng = SeededGenerator(seed: 21)
        let pool = try ThreadPool(threadCount: 2)
        let kernels = Precision.allCases.map { LinearKernel(pool: pool, precision: $0) }
        let maxRows = LinearTests.rowCounts.max()!, maxOutputs = LinearTests.outputCounts.max()!
        for dtype in DType.allCases {
            var worst: [String: Double] = [:]
            for inputs in LinearTests.inputCounts(dtype) {
                let problem = try Problem(dtype: dtype, inputs: inputs, rows: maxRows, outputs: maxOutputs, rng: &rng)
                for outputs in LinearTests.outputCounts {
                    let weight = try WeightMatrix(problem.weight.tensor.slice(0, 0..<outputs))
                    for rows in LinearTests.rowCounts {
                        try forEachKernelPath { path in
                            for kernel in kernels {
                                let outputStride = outputs + 2
                                var output = [Float](repeating: .nan, count: rows * outputStride)
                                problem.x.withUnsafeBufferPointer { x in
                                    kernel.apply(weight, input: x.baseAddress!, inputStride: problem.inputStride, rows: rows,
                                                 output: &output, outputStride: outputStride)
                                }
                                let label = "\(dtype) \(kernel.precision) \(path) rows \(rows) out \(outputs) in \(inputs)"
                                for r in 0..<rows {
                                    for o in 0..<outputStride {
                                        let value = output[r * outputStride + o]
                                        if o >= outputs {
                                            XCTAssertTrue(value.isNaN, "\(label): wrote past the row end at column \(o)")
                                            continue
                                        }
                                        let error = abs(Double(value) - problem.reference[r * maxOutputs + o])
                                        let tolerance = problem.tolerance(row: r, output: o, precision: kernel.precision)
                                        worst["\(kernel.precision) \(path)", default: 0] = max(worst["\(kernel.precision) \(path)", default: 0], error / tolerance)
                                        if !(error <= tolerance) {
                                            XCTFail("\(label) [\(r), \(o)]: \(value) vs \(problem.reference[r * maxOutputs + o]) (tolerance \(tolerance))")
                                            return
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            print("linear \(dtype): worst error / tolerance " + worst.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.3f", $0.value))" }.joined(separator: ", "))
        }
    }

    func testPreparedInputServesSeveralWeights() throws {
        var rng = SeededGenerator(seed: 22)
        let pool = try ThreadPool(threadCount: 2)
        for precision in Precision.allCases {
            let kernel = LinearKernel(pool: pool, precision: precision)
            let weights = try [DType.q4_1, .q8_0, .f16, .q6_K].map { dtype in
                try WeightMatrix(makeTensor(bytes: (0..<70).flatMap { _ in ReferenceFormats.randomRow(dtype, count: 512, using: &rng) },
                                            dtype: dtype, shape: [70, 512]))
            }
            for rows in [1, 9] {
                let x = rng.floats(rows * 512)
                let alone = weights.map { weight -> [Float] in
                    var output = [Float](repeating: 0, count: rows * weight.rows)
                    kernel.apply(weight, input: x, rows: rows, output: &output)
                    return output
                }
                try x.withUnsafeBufferPointer { input in
                    try kernel.prepare(input: input.baseAddress!, rows: rows, columns: 512)
                    for (index, weight) in weights.enumerated() {
                        var output = [Float](repeating: 0, count: rows * weight.rows)
                        try kernel.apply(weight, output: &output)
                        XCTAssertEqual(output, alone[index], "\(precision) \(weight.dtype) rows \(rows)")
                    }
                }
            }
        }
    }

    func testResultsDoNotDependOnThreadCount() throws {
        var rng = SeededGenerator(seed: 23)
        let pools = try (1...4).map { try ThreadPool(threadCount: $0) }
        let shapes = [(rows: 1, outputs: 257, inputs: 1536), (rows: 3, outputs: 100, inputs: 512), (rows: 33, outputs: 257, inputs: 512)]
        for dtype in [DType.q4_1, .q8_0, .q4_0, .q5_K, .f32] {
            for shape in shapes {
                let bytes = (0..<shape.outputs).flatMap { _ in ReferenceFormats.randomRow(dtype, count: shape.inputs, using: &rng) }
                let weight = try WeightMatrix(makeTensor(bytes: bytes, dtype: dtype, shape: [shape.outputs, shape.inputs]))
                let x = rng.floats(shape.rows * shape.inputs)
                try forEachKernelPath { path in
                    for precision in Precision.allCases {
                        let results = pools.map { pool -> [Float] in
                            var output = [Float](repeating: 0, count: shape.rows * shape.outputs)
                            LinearKernel(pool: pool, precision: precision).apply(weight, input: x, rows: shape.rows, output: &output)
                            return output
                        }
                        for (index, result) in results.enumerated().dropFirst() {
                            XCTAssertEqual(result, results[0], "\(dtype) \(precision) \(path) \(shape): \(index + 1) threads differ from 1")
                        }
                    }
                }
            }
        }
    }

    func testMisuseThrows() throws {
        let pool = try ThreadPool(threadCount: 1)
        let kernel = LinearKernel(pool: pool, precision: .fast)
        let weight = try WeightMatrix(Tensor(zeros: [4, 64], dtype: .q4_1))
        var output = [Float](repeating: 0, count: 4)
        XCTAssertThrowsError(try kernel.apply(weight, output: &output))
        let x = [Float](repeating: 1, count: 32)
        XCTAssertThrowsError(try kernel.prepare(input: x, rows: 1, columns: 0))
        try kernel.prepare(input: x, rows: 1, columns: 32)
        XCTAssertThrowsError(try kernel.apply(weight, output: &output)) { error in
            guard case TensorError.invalidShape = error else { return XCTFail("\(error)") }
        }
    }
}
