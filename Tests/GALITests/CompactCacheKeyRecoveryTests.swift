import Foundation
import XCTest
import Extrapolation
import Tensor
import TestSupport
@testable import Transformer
@testable import GALI

/// GALI with a compact (f16) cache keeps no Float32 unrotated keys: it recovers them from cache
/// slot 0. That costs no more memory than the unmodified model's cache and moves the logits by
/// no more than the compact cache moves the unmodified model's.
final class CompactCacheKeyRecoveryTests: XCTestCase {
    func testCompactCacheStoresNoUnrotatedKeysAndOnlyRoundsLikeTheUnmodifiedModel() throws {
        let model = try TinyCheckpoint().temporaryGGUF("recovery")
        defer { model.remove() }
        let path = model.path
        let tokens = (0..<80).map { 7 + ($0 * 61) % 270 }
        let gali = MethodSpec.gali(GALIParameters(chunkCoefficient: .fixed(9), localWindow: 5, noiseType: .no))

        func run(_ method: MethodSpec, _ cacheType: CacheElementType) throws -> (rows: [[Float]], session: InferenceSession) {
            let loaded = try ModelFactory.make(method: method, maxPositionEmbeddings: 24, model: path, threads: 2, precision: .exact,
                                               cacheType: cacheType)
            let session = try loaded.makeSession(batchSize: 8)
            var rows: [[Float]] = []
            try session.append(Array(tokens.prefix(50)), logits: .all) { _, row in rows.append(Array(row)) }
            for token in tokens.dropFirst(50) {  // decoding past the window
                try session.append([token], logits: .all) { _, row in rows.append(Array(row)) }
            }
            return (rows, session)
        }
        func largestDifference(_ a: [[Float]], _ b: [[Float]]) -> Float {
            zip(a, b).map { zip($0, $1).map { abs($0 - $1) }.max()! }.max()!
        }
        let galiHalf = try run(gali, .f16), galiFloat = try run(gali, .f32)
        let originalHalf = try run(.original, .f16), originalFloat = try run(.original, .f32)

        XCTAssertFalse(galiHalf.session.cache.keepsUnrotatedKeys)
        XCTAssertTrue(galiFloat.session.cache.keepsUnrotatedKeys)
        XCTAssertEqual(galiHalf.session.cacheBytes, originalHalf.session.cacheBytes)
        XCTAssertGreaterThan(galiFloat.session.cacheBytes, originalFloat.session.cacheBytes)

        let galiRounding = largestDifference(galiHalf.rows, galiFloat.rows)
        let originalRounding = largestDifference(originalHalf.rows, originalFloat.rows)
        XCTAssertGreaterThan(originalRounding, 0, "the f16 cache must round something")
        // One more half rounding (the recovered key's) than the unmodified model has, on the older
        // keys only (measured: 8.6e-4 against 8.9e-4); a wrong recovery moves logits by O(1).
        XCTAssertLessThan(galiRounding, 2 * originalRounding, "GALI f16 vs f32: \(galiRounding); original: \(originalRounding)")
    }

    /// Recovery needs slot 0 at the sequence indices with the checkpoint's frequencies: GALI's
    /// layouts pass, a layout whose slot 0 is elsewhere is refused.
    func testKeyRecoveryNeedsTheUnmodifiedSlotZero() throws {
        let frequencies = RotaryFrequencies.standard(base: 10000, dimension: 16)
        let context = PositioningContext(baseFrequencies: frequencies, ropeBase: 10000, rotaryDimension: 16, contextLength: 64)
        let method = try GALIMethod(GALIParameters(localWindow: 4), originalWindow: 32)
        var layout = try method.layout(cached: 40, adding: 5, context: context)
        XCTAssertTrue(layout.repositionsKeys)
        XCTAssertNoThrow(try layout.validateKeyRecovery(cached: 40, frequencies: frequencies))
        layout.cachedKeys[0].newKeyPositions = layout.cachedKeys[0].newKeyPositions.map { $0 - 1 }
        XCTAssertThrowsError(try layout.validateKeyRecovery(cached: 40, frequencies: frequencies))
        XCTAssertThrowsError(try method.layout(cached: 40, adding: 5, context: context)
            .validateKeyRecovery(cached: 40, frequencies: .standard(base: 500, dimension: 16)))
    }
}
