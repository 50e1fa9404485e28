import Foundation
import Tensor
import XCTest

/// `RotaryTable.repositionCachedKeys` (keys recovered from a rotated cache slot, then rotated and
/// blended) against a plain twin: the original unrotated keys rotated and blended in Double with
/// the same angle rows, on random keys, at sequence positions where a float32 angle is coarse.
/// The kernel works on a key block's 16 keys as vector lanes, 16 frequencies at a time, so the
/// cases include a head of 40 dimensions (20 frequencies: one whole group and a partial one) and
/// ranges that start and end inside a key block.
final class RepositionCachedKeysTests: XCTestCase {
    let kvHeads = 2

    /// Element `t` of key `j`, kv head `g`, from a blocked key buffer of `type`.
    func blockedElement(_ buffer: UnsafeRawPointer, type: CacheElementType, headStride: Int, d: Int, j: Int, g: Int, t: Int) -> Float {
        if type == .q8_0 {
            return PlainQ8_0.keyElement(buffer, block: g * headStride + j / 16 * 16 * d, dimension: d, key: j % 16, element: t)
        }
        var value: Float = 0
        let index = g * headStride + KeyBlockLayout.offset(key: j, element: t, headDimension: d)
        type.load(buffer + type.byteCount(elements: index), count: 1, into: &value)
        return value
    }

    func testRecoveredKeysMatchPlainRotationOfTheOriginalKeys() throws {
        var random = SeededGenerator(seed: 3)
        let pool = try ThreadPool(threadCount: 2)
        try forEachKernelPath { _ in
            for convention in [RotaryConvention.halfSplit, .adjacentPairs] {
                for type in CacheElementType.allCases {
                    try check(type: type, convention: convention, d: 64, range: 16_300..<16_400, random: &random, pool: pool)
                }
                // q8_0 keys need a multiple of 32 dimensions
                for type in [CacheElementType.f32, .f16] {
                    try check(type: type, convention: convention, d: 40, range: 16_291..<16_397, random: &random, pool: pool)
                }
            }
        }
    }

    func check(type: CacheElementType, convention: RotaryConvention, d: Int, range: Range<Int>, random: inout SeededGenerator,
               pool: ThreadPool) throws {
        // Keys past 16,000 of a cache: their float32 angles are rounded to about 1e-3 rad.
        let capacity = range.upperBound
        let table = RotaryTable(frequencies: .standard(base: 10000, dimension: d), convention: convention)
        let keys = random.floats(range.count * kvHeads * d, -3...3)  // key j at row j - range.lowerBound
        let stride = KeyBlockLayout.floatsPerHead(capacity: capacity, headDimension: d)
        let byteCount = type.byteCount(elements: kvHeads * stride)
        let cached = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        let output = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        defer { cached.deallocate(); output.deallocate() }

        // The cache slot: every key rotated at its sequence index.
        let sequenceAngles = RotaryAngles()
        let sequence = range.map(Float.init)
        sequence.withUnsafeBufferPointer { table.computeAngles($0, into: sequenceAngles) }
        keys.withUnsafeBufferPointer { k in
            table.rotateKeys(k.baseAddress! - range.lowerBound * kvHeads * d, rowStride: kvHeads * d, range: range, keyValueHeads: kvHeads, headDimension: d,
                             angles: sequenceAngles, into: cached, outputType: type, outputHeadStride: stride,
                             angleOffset: range.lowerBound, pool: pool)
        }
        // New positions below the window: fractional ones blend ⌈p⌉ and ⌊p⌋; a few are integers.
        func newPosition(_ j: Int) -> Float {
            let base = Float(j % 2048)
            return j % 7 == 0 ? base : base + Float(j % 5 + 1) / 6
        }
        let positions: [Float] = (0..<capacity).map(newPosition)
        let upper = positions.map { $0.rounded(.up) }, lower = positions.map { $0.rounded(.down) }
        let weights = zip(upper, positions).map { $0 - $1 }
        let upperAngles = RotaryAngles(), lowerAngles = RotaryAngles()
        upper.withUnsafeBufferPointer { table.computeAngles($0, into: upperAngles) }
        lower.withUnsafeBufferPointer { table.computeAngles($0, into: lowerAngles) }
        weights.withUnsafeBufferPointer { w in
            table.repositionCachedKeys(cached, cachedType: type, cachedHeadStride: stride, cachedAngles: sequenceAngles, range: range,
                                       keyValueHeads: kvHeads, headDimension: d, angles: upperAngles,
                                       blend: (lowerAngles, w.baseAddress!), into: output, outputType: type,
                                       outputHeadStride: stride, pool: pool)
        }

        // The plain twin, from the original keys.
        let half = d / 2
        func rotated(_ key: [Double], _ angles: RotaryAngles, row: Int) -> [Double] {
            var out = key
            for i in 0..<half {
                let c = Double(angles.cosines.pointer[row * half + i]), s = Double(angles.sines.pointer[row * half + i])
                let (a, b) = convention == .halfSplit ? (i, i + half) : (2 * i, 2 * i + 1)
                out[a] = key[a] * c - key[b] * s
                out[b] = key[b] * c + key[a] * s
            }
            return out
        }
        // Components reach 12 (keys up to 3·4, see `floats`). f16: the cached key and the output are
        // each rounded to half, half an ulp (2⁻⁸ at 8...16) each; q8_0: each quantized, half a step
        // max|x|/254 of its 32-dimension group each (≤ 12·√2/254 ≈ 0.067 once rotations mix the
        // pairs); f32: float rounding only.
        let tolerance: Double = type == .q8_0 ? 0.15 : type == .f16 ? 1.2e-2 : 1e-5
        var worst = 0.0
        for j in range {
            for g in 0..<kvHeads {
                let key = (0..<d).map { Double(keys[((j - range.lowerBound) * kvHeads + g) * d + $0]) }
                let a = rotated(key, upperAngles, row: j), b = rotated(key, lowerAngles, row: j)
                let w = Double(weights[j])
                for t in 0..<d {
                    let expected = (1 - w) * a[t] + w * b[t]
                    let actual = Double(blockedElement(output, type: type, headStride: stride, d: d, j: j, g: g, t: t))
                    worst = max(worst, abs(actual - expected))
                }
            }
        }
        XCTAssertLessThan(worst, tolerance, "\(type) \(convention) d \(d) on \(Kernels.path)")
        XCTAssertGreaterThan(worst, 0, "the comparison must have read the output")
    }
}
