import Foundation
import Tensor
import XCTest

/// Row and elementwise kernels on every kernel path against Float64 twins. Lengths are odd so
/// vector tails are exercised. Tolerances: sums of n float32 terms 1e-5 relative to Σ|terms|
/// (n ≤ 1537 roundings of 6e-8 in the worst order), elementwise results a few float32
/// roundings, log-sum-exps 1e-6 relative to |lse| + 1.
final class RowKernelTests: XCTestCase {
    static let lengths = [1, 7, 16, 33, 64, 100, 576, 1537]

    func testDot() throws {
        var rng = SeededGenerator(seed: 31)
        try forEachKernelPath { path in
            for n in RowKernelTests.lengths {
                let a = rng.floats(n), b = rng.floats(n)
                let reference = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let scale = zip(a, b).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                let value = Kernels.dot(a, b, count: n)
                XCTAssertEqual(Double(value), reference, accuracy: 1e-5 * scale + 1e-30, "\(path) n \(n)")
            }
        }
    }

    func testRMSNorm() throws {
        var rng = SeededGenerator(seed: 32)
        try forEachKernelPath { path in
            for dimension in RowKernelTests.lengths {
                let rows = 3
                let x = rng.floats(rows * dimension), weight = rng.floats(dimension, 0.5...1.5)
                var y = [Float](repeating: .nan, count: rows * dimension)
                Kernels.rmsNorm(x, weight: weight, epsilon: 1e-5, rows: rows, dimension: dimension, into: &y)
                for r in 0..<rows {
                    let row = x[(r * dimension)..<((r + 1) * dimension)].map(Double.init)
                    let scale = 1 / (row.reduce(0) { $0 + $1 * $1 } / Double(dimension) + 1e-5).squareRoot()
                    for i in 0..<dimension {
                        let expected = row[i] * scale * Double(weight[i])
                        XCTAssertEqual(Double(y[r * dimension + i]), expected, accuracy: 1e-5 * abs(expected) + 1e-30,
                                       "\(path) dim \(dimension) [\(r), \(i)]")
                    }
                }
            }
        }
    }

    func testSiluMultiplyAndAdd() throws {
        var rng = SeededGenerator(seed: 33)
        try forEachKernelPath { path in
            for n in RowKernelTests.lengths {
                var gate = rng.floats(n, -12...12)
                if n > 5 { gate[1] = -120; gate[2] = 100; gate[3] = 0 }   // exp under- and overflow
                let up = rng.floats(n)
                var out = [Float](repeating: .nan, count: n)
                Kernels.siluMultiply(gate: gate, up: up, count: n, into: &out)
                for i in 0..<n {
                    let g = Double(gate[i])
                    let expected = g / (1 + exp(-g)) * Double(up[i])
                    XCTAssertEqual(Double(out[i]), expected, accuracy: 1e-6 * abs(g * Double(up[i])) + 1e-30, "\(path) n \(n) [\(i)] g \(g)")
                }
                var sum = gate
                Kernels.add(up, into: &sum, count: n)
                XCTAssertEqual(sum, zip(gate, up).map { $0 + $1 }, "\(path) add n \(n)")
            }
            // NaN stays in its lane; gates just past exp's range (±88.7) still give silu's limits.
            let gate: [Float] = [1, .nan, -88.9, 88.9, -87.5, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
            var out = [Float](repeating: 0, count: gate.count)
            Kernels.siluMultiply(gate: gate, up: [Float](repeating: 1, count: gate.count), count: gate.count, into: &out)
            XCTAssertTrue(out[1].isNaN, "\(path)")
            XCTAssertEqual(Double(out[2]), 0, accuracy: 1e-30, "\(path)")
            XCTAssertEqual(out[3], 88.9, "\(path)")
            XCTAssertEqual(Double(out[4]), -87.5 * exp(-87.5), accuracy: 1e-6 * 87.5, "\(path)")
            XCTAssertTrue(out.enumerated().allSatisfy { $0.offset == 1 || $0.element.isFinite }, "\(path): \(out)")
        }
    }

    /// log Σ e^x in Float64 from the definition (shifted by the maximum to stay finite).
    static func referenceLogSumExp(_ x: [Float]) -> Double {
        let maximum = Double(x.max()!)
        return maximum + log(x.reduce(0.0) { $0 + exp(Double($1) - maximum) })
    }

    func testLogSumExp() throws {
        var rng = SeededGenerator(seed: 34)
        try forEachKernelPath { path in
            for n in RowKernelTests.lengths + [49152] {
                let x = rng.floats(n, -20...20)
                let lse = RowKernelTests.referenceLogSumExp(x)
                XCTAssertEqual(Double(Kernels.logSumExp(x, count: n)), lse, accuracy: 1e-6 * (abs(lse) + 1), "\(path) n \(n)")
            }
        }
    }

    func testLogSumExpIsStableForHugeLogits() throws {
        var rng = SeededGenerator(seed: 35)
        try forEachKernelPath { path in
            for n in [3, 17, 100] {
                var x = rng.floats(n, -1...1).map { $0 * 1e4 }
                x[0] = 3e38
                x[1] = -3e38
                x[n - 1] = 3e38 - 2e32   // a close second: e^(-2e32) = 0
                let lse = RowKernelTests.referenceLogSumExp(x)
                XCTAssertEqual(Double(Kernels.logSumExp(x, count: n)), lse, accuracy: 1e-6 * abs(lse), "\(path)")
                // Large but finite differences, some past exp's underflow.
                let moderate = rng.floats(n, -1...1).map { $0 * 300 + 5e4 }
                let reference = RowKernelTests.referenceLogSumExp(moderate)
                XCTAssertEqual(Double(Kernels.logSumExp(moderate, count: n)), reference, accuracy: 1e-6 * abs(reference), "\(path)")
            }
        }
    }

    func testLogSumExpOfInfiniteRows() throws {
        try forEachKernelPath { path in
            XCTAssertEqual(Kernels.logSumExp([-.infinity, -.infinity, -.infinity], count: 3), -.infinity, "\(path)")
            XCTAssertEqual(Kernels.logSumExp([-.infinity, 2, .infinity, 2], count: 4), .infinity, "\(path)")
            let partlyMasked: [Float] = [-.infinity, 2, -.infinity, 2]
            XCTAssertEqual(Double(Kernels.logSumExp(partlyMasked, count: 4)), 2 + log(2.0), accuracy: 1e-6, "\(path)")
        }
    }

    /// Rotates in Float64 from the definition: pair (a, b) → (a cos − b sin, b cos + a sin).
    static func referenceRotate(_ x: [Float], heads: Int, dimension: Int, cos: [Float], sin: [Float],
                                convention: RotaryConvention) -> [Double] {
        var y = x.map(Double.init)
        for h in 0..<heads {
            for i in 0..<(dimension / 2) {
                let a = h * dimension + (convention == .adjacentPairs ? 2 * i : i)
                let b = h * dimension + (convention == .adjacentPairs ? 2 * i + 1 : i + dimension / 2)
                let (x0, x1, c, s) = (Double(x[a]), Double(x[b]), Double(cos[i]), Double(sin[i]))
                y[a] = x0 * c - x1 * s
                y[b] = x1 * c + x0 * s
            }
        }
        return y
    }

    /// Rotates `rows` rows of `heads` vectors with `RotaryTable.rotateRows` at `positions`;
    /// returns the result and the angle rows the kernel used.
    static func rotateRows(_ x: [Float], rows: Int, heads: Int, dimension: Int, positions: [Float],
                           convention: RotaryConvention, pool: ThreadPool) -> (rotated: [Float], cos: [[Float]], sin: [[Float]]) {
        let half = dimension / 2
        let frequencies = RotaryFrequencies(inverseFrequencies: (0..<half).map { Float(pow(10000, -2 * Double($0) / Double(dimension))) })
        let table = RotaryTable(frequencies: frequencies, convention: convention)
        let angles = RotaryAngles()
        positions.withUnsafeBufferPointer { table.computeAngles($0, into: angles) }
        var rotated = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { input in
            rotated.withUnsafeMutableBufferPointer { output in
                table.rotateRows(input.baseAddress!, inputStride: heads * dimension, into: output.baseAddress!,
                                 outputStride: heads * dimension, rows: rows, heads: heads, headDimension: dimension,
                                 angles: angles, pool: pool)
            }
        }
        let cos = (0..<rows).map { Array(UnsafeBufferPointer(start: angles.cosines.pointer + $0 * half, count: half)) }
        let sin = (0..<rows).map { Array(UnsafeBufferPointer(start: angles.sines.pointer + $0 * half, count: half)) }
        return (rotated, cos, sin)
    }

    func testRotaryBothConventions() throws {
        var rng = SeededGenerator(seed: 36)
        let pool = try ThreadPool(threadCount: 2)
        try forEachKernelPath { path in
            for dimension in [2, 6, 16, 64, 128] {
                let heads = 3, rows = 70   // more rows than one task takes
                let positions = (0..<rows).map { Float(37 + 11 * $0) }
                for convention in [RotaryConvention.adjacentPairs, .halfSplit] {
                    let x = rng.floats(rows * heads * dimension)
                    let (y, cos, sin) = RowKernelTests.rotateRows(x, rows: rows, heads: heads, dimension: dimension,
                                                                  positions: positions, convention: convention, pool: pool)
                    let width = heads * dimension
                    for r in 0..<rows {
                        let expected = RowKernelTests.referenceRotate(Array(x[(r * width)..<((r + 1) * width)]), heads: heads,
                                                                      dimension: dimension, cos: cos[r], sin: sin[r], convention: convention)
                        for i in 0..<width {
                            XCTAssertEqual(Double(y[r * width + i]), expected[i], accuracy: 1e-6 * 4,
                                           "\(path) \(convention) d \(dimension) row \(r) [\(i)]")
                        }
                    }
                }
            }
        }
    }

    /// GGUF llama weights permute the Q/K rows so that adjacent pairs hold what Hugging Face's
    /// "rotate half" pairs (i, i + d/2) hold. Rotating the permuted vectors with the adjacent
    /// convention must give the same attention scores as the original ones with half split.
    func testConventionsAgreeOnPermutedWeights() throws {
        var rng = SeededGenerator(seed: 37)
        let pool = try ThreadPool(threadCount: 1)
        try forEachKernelPath { path in
            let dimension = 64, half = 32
            for _ in 0..<5 {
                let q = rng.floats(dimension), k = rng.floats(dimension)
                let positions = [Float.random(in: 0...4000, using: &rng).rounded()]
                // adjacent index 2i holds half-split index i, 2i + 1 holds i + d/2
                let permute = { (v: [Float]) in (0..<dimension).map { j in v[j % 2 == 0 ? j / 2 : j / 2 + half] } }
                let rotate = { (v: [Float], convention: RotaryConvention) in
                    RowKernelTests.rotateRows(v, rows: 1, heads: 1, dimension: dimension, positions: positions,
                                              convention: convention, pool: pool).rotated
                }
                let qHalf = rotate(q, .halfSplit), kHalf = rotate(k, .halfSplit)
                let qAdjacent = rotate(permute(q), .adjacentPairs), kAdjacent = rotate(permute(k), .adjacentPairs)
                XCTAssertEqual(qAdjacent, permute(qHalf), "\(path): rotated vectors differ by more than the permutation")
                let scale = zip(qHalf, kHalf).reduce(0.0) { $0 + abs(Double($1.0 * $1.1)) }
                XCTAssertEqual(Double(Kernels.dot(qHalf, kHalf, count: dimension)),
                               Double(Kernels.dot(qAdjacent, kAdjacent, count: dimension)), accuracy: 1e-6 * scale, "\(path)")
            }
        }
    }
}
