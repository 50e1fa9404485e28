import XCTest
import Tensor
import Transformer
@testable import Extrapolation

/// SelfExtend's and ChunkLlama's positions and view thresholds on small, hand-checked cases.
final class PositionRemappingTests: XCTestCase {
    let context = PositioningContext(baseFrequencies: .standard(base: 10000, dimension: 8), ropeBase: 10000,
                                     rotaryDimension: 8, contextLength: 64)

    /// The position pair a (query, key) gets under a layout: (query position, key position).
    func pair(_ layout: AttentionLayout, firstQuery: Int, query i: Int, key j: Int, keyPositions: [[Float]]) -> (Float, Float) {
        let q = i - firstQuery
        var view = 0
        let count = layout.views.count
        while view < count - 1 && j < Int(layout.thresholds[q * (count - 1) + view]) { view += 1 }
        return (layout.views[view].queryPositions[q], keyPositions[view][j])
    }

    func testSelfExtendPositions() throws {
        // G = 2, neighbour window 4, W = 8.
        let method = try XCTUnwrap(MethodRegistry.builtIn.make(.selfExtend(groupSize: 2, windowSize: 4), originalWindow: 8) as? SelfExtend)
        XCTAssertEqual(method.maximumLength, (8 - 4) * 2 + 4)
        let layout = try method.layout(cached: 0, adding: 12, context: context)
        let slots = layout.cachedKeys.map(\.newKeyPositions)
        XCTAssertEqual(slots[0], (0..<12).map(Float.init))
        XCTAssertEqual(slots[1], [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        let keyPositions = layout.views.map { view -> [Float] in
            guard case .cached(let slot) = view.keys else { return [] }
            return slots[slot]
        }
        // i = 9: keys 6…9 are neighbours (ordinary positions), keys 0…5 grouped: q' = 4 + 4 − 2 = 6.
        for j in 0...9 {
            let (q, k) = pair(layout, firstQuery: 0, query: 9, key: j, keyPositions: keyPositions)
            if 9 - j < 4 {
                XCTAssertEqual(q, 9); XCTAssertEqual(k, Float(j))
            } else {
                XCTAssertEqual(q, 6); XCTAssertEqual(k, Float(j / 2))
            }
        }
        // Grouped distance never exceeds the window.
        for i in 0..<12 { for j in 0...i {
            let (q, k) = pair(layout, firstQuery: 0, query: i, key: j, keyPositions: keyPositions)
            XCTAssertLessThan(q - k, 8)
            XCTAssertGreaterThanOrEqual(q - k, 0)
        } }
        // The session checks the length once per append, before asking for a layout.
        XCTAssertNoThrow(try method.checkLength(12))
        XCTAssertThrowsError(try method.checkLength(13)) { error in
            XCTAssertTrue("\(error)".contains("at most 12"), "\(error)")
        }
    }

    func testChunkLlamaPositions() throws {
        // W = 32: s = 24, w = 2, c = 22.
        let method = try XCTUnwrap(MethodRegistry.builtIn.make(.chunkLlama(), originalWindow: 32) as? ChunkLlama)
        XCTAssertEqual(method.chunkSize, 24)
        XCTAssertEqual(method.localWindow, 2)
        XCTAssertEqual(method.chunkLength, 22)
        let layout = try method.layout(cached: 0, adding: 70, context: context)
        let keys = layout.cachedKeys[0].newKeyPositions
        XCTAssertEqual(keys, (0..<70).map { Float($0 % 22) })
        let keyPositions = [keys, keys, keys]
        // Query 50 (chunk 2, offset 6): same chunk keys 44…50 at q 6; previous chunk 22…43 at min(28, 24) = 24;
        // older keys 0…21 at min(43, 24) = 24.
        for j in 0...50 {
            let (q, k) = pair(layout, firstQuery: 0, query: 50, key: j, keyPositions: keyPositions)
            XCTAssertEqual(k, Float(j % 22))
            XCTAssertEqual(q, j >= 44 ? 6 : 24, "key \(j)")
        }
        // Query 30 (chunk 1, offset 8): previous-chunk query position min(8 + 22, 24) = 24; own chunk 8.
        XCTAssertEqual(pair(layout, firstQuery: 0, query: 30, key: 3, keyPositions: keyPositions).0, 24)
        XCTAssertEqual(pair(layout, firstQuery: 0, query: 30, key: 25, keyPositions: keyPositions).0, 8)
        let positions = method.queryPositions(3)
        XCTAssertEqual(positions.previous, 24)  // min(3 + 22, 24)
        // Scaling: 0.1·ln(70/32) + 1 on both queries and new keys; none without mscale or within W.
        XCTAssertEqual(layout.views[0].frequencies.attentionScaling, Float(0.1 * log(70.0 / 32.0) + 1), accuracy: 1e-6)
        XCTAssertEqual(layout.cachedKeys[0].frequencies.attentionScaling, layout.views[0].frequencies.attentionScaling)
        XCTAssertEqual(try method.layout(cached: 0, adding: 32, context: context).views[0].frequencies.attentionScaling, 1)
        let plain = try MethodRegistry.builtIn.make(.chunkLlama(mscale: false), originalWindow: 32)
        XCTAssertEqual(try plain.layout(cached: 0, adding: 70, context: context).views[0].frequencies.attentionScaling, 1)
    }
}
