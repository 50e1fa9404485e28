import Foundation
import Tensor
import XCTest

/// Row and elementwise kernels on every kernel path against Float64 twins. Lengths are odd so
/// vector tails are exercised. Tolerances: sums of n float32 terms 1e-5 relative to Σ|terms|
/// (n ≤ 1537 roundings of 6e-8 in the worst order), elementwise results a few float32
/// roundings, probabilities 1e-5 relative (x − max is itself rounded in float32).
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
        }
    }

    /// log Σ e^x in Float64 from the definition (shifted by the maximum to stay finite).
    static func referenceLogSumExp(_ x: [Float]) -> Double {
        let maximum = Double(x.max()!)
        return maximum + log(x.reduce(0.0) { $0 + exp(Double($1) - maximum) })
    }

    func testSoftmaxAndLogSumExp() throws {
        var rng = SeededGenerator(seed: 34)
        try forEachKernelPath { path in
            for n in RowKernelTests.lengths + [49152] {
                let x = rng.floats(n, -20...20)
                let lse = RowKernelTests.referenceLogSumExp(x)
                XCTAssertEqual(Double(Kernels.logSumExp(x, count: n)), lse, accuracy: 1e-6 * (abs(lse) + 1), "\(path) n \(n)")
                var p = x
                let returned = Kernels.softmax(&p, count: n)
                XCTAssertEqual(Double(returned), lse, accuracy: 1e-6 * (abs(lse) + 1), "\(path) n \(n)")
                for i in 0..<n {
                    let expected = exp(Double(x[i]) - lse)
                    XCTAssertEqual(Double(p[i]), expected, accuracy: 1e-5 * expected + 1e-12, "\(path) n \(n) [\(i)]")
                }
            }
        }
    }

    func testSoftmaxIsStableForHugeLogits() throws {
        var rng = SeededGenerator(seed: 35)
        try forEachKernelPath { path in
            for n in [3, 17, 100] {
                var x = rng.floats(n, -1...1).map { $0 * 1e4 }
                x[0] = 3e38
                x[1] = -3e38
                x[n - 1] = 3e38 - 2e32   // a close second: e^(-2e32) = 0
                let lse = RowKernelTests.referenceLogSumExp(x)
                XCTAssertEqual(Double(Kernels.logSumExp(x, count: n)), lse, accuracy: 1e-6 * abs(lse), "\(path)")
                var p = x
                Kernels.softmax(&p, count: n)
                XCTAssertTrue(p.allSatisfy { $0.isFinite && $0 >= 0 }, "\(path) n \(n): \(p)")
                XCTAssertEqual(p[0], 1, accuracy: 1e-6, "\(path)")
                XCTAssertEqual(Double(p.reduce(0, +)), 1, accuracy: 1e-6, "\(path)")

                // Large but finite differences: every probability from the definition.
                let moderate = rng.floats(n, -1...1).map { $0 * 300 + 5e4 }
                var q = moderate
                Kernels.softmax(&q, count: n)
                let reference = RowKernelTests.referenceLogSumExp(moderate)
                for i in 0..<n {
                    let expected = exp(Double(moderate[i]) - reference)
                    XCTAssertEqual(Double(q[i]), expected, accuracy: 1e-5 * expected + 1e-12, "\(path) [\(i)]")
                }
            }
        }
    }

    func testSoftmaxOfInfiniteRows() throws {
        try forEachKernelPath { path in
            var masked: [Float] = [-.infinity, -.infinity, -.infinity]
            XCTAssertEqual(Kernels.softmax(&masked, count: 3), -.infinity, "\(path)")
            XCTAssertEqual(masked, [1 / 3, 1 / 3, 1 / 3], "\(path)")
            var partlyMasked: [Float] = [-.infinity, 2, -.infinity, 2]
            Kernels.softmax(&partlyMasked, count: 4)
            XCTAssertEqual(partlyMasked, [0, 0.5, 0, 0.5], "\(path)")
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

    func testRotaryBothConventions() throws {
        var rng = SeededGenerator(seed: 36)
        try forEachKernelPath { path in
            for dimension in [2, 6, 16, 64, 128] {
                let heads = 3
                let angles = (0..<(dimension / 2)).map { i in 37 * pow(10000, -2 * Double(i) / Double(dimension)) }
                let cos = angles.map { Float(Foundation.cos($0)) }, sin = angles.map { Float(Foundation.sin($0)) }
                for convention in [RotaryConvention.adjacentPairs, .halfSplit] {
                    let x = rng.floats(heads * dimension)
                    var y = x
                    Kernels.rotate(&y, heads: heads, headDimension: dimension, cos: cos, sin: sin, convention: convention)
                    let expected = RowKernelTests.referenceRotate(x, heads: heads, dimension: dimension, cos: cos, sin: sin, convention: convention)
                    for i in y.indices {
                        XCTAssertEqual(Double(y[i]), expected[i], accuracy: 1e-6 * 4, "\(path) \(convention) d \(dimension) [\(i)]")
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
        try forEachKernelPath { path in
            let dimension = 64, half = 32
            let cos = (0..<half).map { Float(Foundation.cos(Double($0) * 0.37 + 1)) }
            let sin = (0..<half).map { Float(Foundation.sin(Double($0) * 0.37 + 1)) }
            for _ in 0..<5 {
                let q = rng.floats(dimension), k = rng.floats(dimension)
                // adjacent index 2i holds half-split index i, 2i + 1 holds i + d/2
                let permute = { (v: [Float]) in (0..<dimension).map { j in v[j % 2 == 0 ? j / 2 : j / 2 + half] } }
                var qHalf = q, kHalf = k, qAdjacent = permute(q), kAdjacent = permute(k)
                Kernels.rotate(&qHalf, heads: 1, headDimension: dimension, cos: cos, sin: sin, convention: .halfSplit)
                Kernels.rotate(&kHalf, heads: 1, headDimension: dimension, cos: cos, sin: sin, convention: .halfSplit)
                Kernels.rotate(&qAdjacent, heads: 1, headDimension: dimension, cos: cos, sin: sin, convention: .adjacentPairs)
                Kernels.rotate(&kAdjacent, heads: 1, headDimension: dimension, cos: cos, sin: sin, convention: .adjacentPairs)
                XCTAssertEqual(qAdjacent, permute(qHalf), "\(path): rotated vectors differ by more than the permutation")
                let scale = zip(qHalf, kHalf).reduce(0.0) { $0 + abs(Double($1.0 * $1.1)) }
                XCTAssertEqual(Double(Kernels.dot(qHalf, kHalf, count: dimension)),
                               Double(Kernels.dot(qAdjacent, kAdjacent, count: dimension)), accuracy: 1e-6 * scale, "\(path)")
            }
        }
    }
}
