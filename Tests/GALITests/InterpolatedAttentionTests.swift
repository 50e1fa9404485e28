import Foundation
import XCTest
import Tensor
import TestSupport
import Transformer
import Extrapolation
@testable import GALI

/// GALI's fused path (blended keys through the tiled kernel) against a naive implementation that
/// materialises both logit matrices, A (keys at ⌈P_j⌉) and B (keys at ⌊P_j⌋), and blends them.
final class InterpolatedAttentionTests: XCTestCase {
    let d = 16, heads = 4, kvHeads = 2

    /// Naive: rotate in Double, logit = A + (B − A)·f with f = frac(⌈P_i⌉ − P_j), causal softmax.
    func naive(q: [Float], k: [Float], v: [Float], positions: [Float], queries: Range<Int>) -> [Float] {
        let base = 10000.0, half = d / 2, group = heads / kvHeads
        func rotate(_ x: ArraySlice<Float>, _ p: Double) -> [Double] {
            let x = Array(x).map(Double.init)
            var out = x
            for i in 0..<half {
                let angle = p * pow(base, -Double(2 * i) / Double(d))
                out[i] = x[i] * cos(angle) - x[i + half] * sin(angle)
                out[i + half] = x[i + half] * cos(angle) + x[i] * sin(angle)
            }
            return out
        }
        var output: [Float] = []
        for (row, i) in queries.enumerated() {
            let c = Double(positions[i].rounded(.up))
            for h in 0..<heads {
                let g = h / group
                let query = rotate(q[((row * heads + h) * d)..<((row * heads + h + 1) * d)], c)
                var logits: [Double] = []
                for j in 0...i {
                    let key = k[((j * kvHeads + g) * d)..<((j * kvHeads + g + 1) * d)]
                    let p = Double(positions[j])
                    let a = zip(query, rotate(key, p.rounded(.up))).reduce(0) { $0 + $1.0 * $1.1 } / Double(d).squareRoot()
                    let b = zip(query, rotate(key, p.rounded(.down))).reduce(0) { $0 + $1.0 * $1.1 } / Double(d).squareRoot()
                    let f = (c - p) - (c - p).rounded(.down)
                    logits.append(a + (b - a) * f)
                }
                let m = logits.max()!
                let w = logits.map { exp($0 - m) }
                let total = w.reduce(0, +)
                for t in 0..<d {
                    output.append(Float((0...i).reduce(0.0) { $0 + w[$1] * Double(v[(($1 * kvHeads + g) * d) + t]) } / total))
                }
            }
        }
        return output
    }

    /// The library's path: layout from GALI (every view, with its thresholds), rotation tables,
    /// cached or blended keys, fused kernel.
    func fused(q: [Float], k: [Float], v: [Float], count n: Int, cached: Int, method: GALIMethod) throws -> [Float] {
        let context = PositioningContext(baseFrequencies: .standard(base: 10000, dimension: d), ropeBase: 10000, rotaryDimension: d,
                                         contextLength: 4096)
        let layout = try method.layout(cached: cached, adding: n - cached, context: context)
        let pool = try ThreadPool(threadCount: 2)
        let stride = KeyBlockLayout.floatsPerHead(capacity: n, headDimension: d)
        var values = [Float](repeating: 0, count: kvHeads * n * d)
        for j in 0..<n { for g in 0..<kvHeads { for t in 0..<d { values[(g * n + j) * d + t] = v[(j * kvHeads + g) * d + t] } } }
        var viewQueries: [[Float]] = [], viewKeys: [[Float]] = []
        for view in layout.views {
            let table = RotaryTable(frequencies: view.frequencies, convention: .halfSplit)
            let queryAngles = RotaryAngles(), keyAngles = RotaryAngles(), lowerAngles = RotaryAngles()
            view.queryPositions.withUnsafeBufferPointer { table.computeAngles($0, into: queryAngles) }
            var keys = [Float](repeating: 0, count: kvHeads * stride)
            var rotatedQueries = [Float](repeating: 0, count: q.count)
            q.withUnsafeBufferPointer { input in
                rotatedQueries.withUnsafeMutableBufferPointer { output in
                    table.rotateRows(input.baseAddress!, inputStride: heads * d, into: output.baseAddress!, outputStride: heads * d,
                                     rows: n - cached, heads: heads, headDimension: d, angles: queryAngles, pool: pool)
                }
            }
            func rotateKeys(_ positions: [Float], blend: (lower: [Float], weights: [Float])?) {
                positions.withUnsafeBufferPointer { table.computeAngles($0, into: keyAngles) }
                if let blend { blend.lower.withUnsafeBufferPointer { table.computeAngles($0, into: lowerAngles) } }
                let weights = blend?.weights ?? []
                k.withUnsafeBufferPointer { input in
                    keys.withUnsafeMutableBufferPointer { output in
                        weights.withUnsafeBufferPointer { w in
                            table.rotateKeys(input.baseAddress!, rowStride: kvHeads * d, range: 0..<n, keyValueHeads: kvHeads, headDimension: d,
                                             angles: keyAngles, blend: blend == nil ? nil : (lowerAngles, w.baseAddress!),
                                             into: output.baseAddress!, outputHeadStride: stride, pool: pool)
                        }
                    }
                }
            }
            switch view.keys {
            case .blended(let upper, let lower, let weights):
                rotateKeys(upper, blend: (lower, weights))
            case .positioned(let positions):
                rotateKeys(positions, blend: nil)
            case .cached(let slot):
                // GALI's slot holds every key at its sequence index (this step's keys say so; earlier steps' did too)
                XCTAssertEqual(layout.cachedKeys[slot].newKeyPositions, (cached..<n).map(Float.init))
                rotateKeys((0..<n).map(Float.init), blend: nil)
            }
            viewQueries.append(rotatedQueries)
            viewKeys.append(keys)
        }
        var output = [Float](repeating: 0, count: (n - cached) * heads * d)
        let queryPointers = viewQueries.map { array -> UnsafeMutablePointer<Float> in
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: array.count)
            pointer.initialize(from: array, count: array.count)
            return pointer
        }
        let keyPointers = viewKeys.map { array -> UnsafeMutablePointer<Float> in
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: array.count)
            pointer.initialize(from: array, count: array.count)
            return pointer
        }
        defer { (queryPointers + keyPointers).forEach { $0.deallocate() } }
        try values.withUnsafeBufferPointer { vp in
            try layout.thresholds.withUnsafeBufferPointer { thresholds in
                try output.withUnsafeMutableBufferPointer { op in
                    try AttentionKernel(pool: pool).run(AttentionKernel.Arguments(
                        queryCount: n - cached, firstQueryIndex: cached, keyCount: n, heads: heads, keyValueHeads: kvHeads,
                        headDimension: d, queries: queryPointers.map { UnsafePointer($0) }, keys: keyPointers.map { UnsafePointer($0) },
                        keyHeadStride: stride, values: vp.baseAddress!, valueHeadStride: n * d,
                        thresholds: layout.views.count > 1 ? thresholds.baseAddress : nil,
                        logitScale: 1 / Float(d).squareRoot(), output: op.baseAddress!))
                }
            }
        }
        return output
    }

    func testFusedMatchesTwoMaterialisedLogitMatrices() throws {
        var random = SeededRandom(seed: 11)
        // (tokens, new tokens in the step, window, local window): several fractional layouts.
        for (n, added, window, lw) in [(40, 8, 16, 4), (97, 1, 32, 0), (64, 20, 24, 8), (33, 33 - 16, 16, 15), (200, 50, 48, 12)] {
            let method = try GALIMethod(GALIParameters(localWindow: lw, noiseType: .no), originalWindow: window)
            let cached = n - added
            let q = (0..<(added * heads * d)).map { _ in random.nextFloat() * 2 - 1 }
            let k = (0..<(n * kvHeads * d)).map { _ in random.nextFloat() * 2 - 1 }
            let v = (0..<(n * kvHeads * d)).map { _ in random.nextFloat() * 2 - 1 }
            let positions = try method.positions(count: n).positions
            XCTAssertTrue(positions.contains { $0 != $0.rounded() }, "layout must have fractional positions")
            let expected = naive(q: q, k: k, v: v, positions: positions, queries: cached..<n)
            defer { try? Kernels.setPath(Kernels.bestPath) }
            for path in Kernels.supportedPaths {  // rotation and attention on every instruction set
                try Kernels.setPath(path)
                let actual = try fused(q: q, k: k, v: v, count: n, cached: cached, method: method)
                let worst = zip(actual, expected).map { abs($0 - $1) }.max()!
                XCTAssertLessThan(worst, 1e-4, "n=\(n) W=\(window) lw=\(lw) on \(path)")
            }
        }
    }

    func testZeroFractionIsOrdinaryAttention() throws {
        // Within the window every position is an integer: f = 0 and GALI is plain RoPE attention.
        var random = SeededRandom(seed: 5)
        let n = 30
        let method = try GALIMethod(GALIParameters(localWindow: 4, noiseType: .no), originalWindow: 64)
        let q = (0..<(n * heads * d)).map { _ in random.nextFloat() - 0.5 }
        let k = (0..<(n * kvHeads * d)).map { _ in random.nextFloat() - 0.5 }
        let v = (0..<(n * kvHeads * d)).map { _ in random.nextFloat() - 0.5 }
        let expected = naive(q: q, k: k, v: v, positions: (0..<n).map(Float.init), queries: 0..<n)
        let actual = try fused(q: q, k: k, v: v, count: n, cached: 0, method: method)
        XCTAssertLessThan(zip(actual, expected).map { abs($0 - $1) }.max()!, 1e-5)
    }
}
