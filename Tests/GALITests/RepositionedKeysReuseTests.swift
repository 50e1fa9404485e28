import Foundation
import XCTest
import Extrapolation
import Tensor
import TestSupport
@testable import Transformer
@testable import GALI

/// Reusing re-positioned keys between steps (rotating only keys whose rotation changed) gives
/// the same logits as rotating every key at every step.
final class RepositionedKeysReuseTests: XCTestCase {
    func testReuseMatchesFullRepositioning() throws {
        let model = try TinyCheckpoint().temporaryGGUF("reuse")
        defer { model.remove() }
        let path = model.path
        let tokens = (0..<90).map { 5 + ($0 * 53) % 280 }
        for parameters in [GALIParameters(chunkCoefficient: .fixed(7), localWindow: 6, noiseType: .no),
                           GALIParameters(chunkCoefficient: .relative(0.3), localWindow: 0, interpolateLogits: false, noiseType: .no),
                           GALIParameters(chunkCoefficient: .fixed(5), localWindow: 4)] {
          // f32: from stored unrotated keys; f16: recovered from cache slot 0
          for cacheType in CacheElementType.allCases where cacheType.supports(headDimension: 16) {  // the tiny model's heads
            let loaded = try ModelFactory.make(method: .gali(parameters), maxPositionEmbeddings: 24, model: path, threads: 2, precision: .exact,
                                               cacheType: cacheType)
            func run(reuse: Bool) throws -> [[Float]] {
                let session = try loaded.makeSession(batchSize: 4)
                session.reusesRepositionedKeys = reuse
                var rows: [[Float]] = []
                try session.append(Array(tokens.prefix(40)), logits: .all) { _, row in rows.append(Array(row)) }
                for token in tokens.dropFirst(40) {  // decoding: one step per token, the cache grows
                    try session.append([token], logits: .all) { _, row in rows.append(Array(row)) }
                }
                return rows
            }
            let reused = try run(reuse: true), full = try run(reuse: false)
            XCTAssertEqual(reused.count, tokens.count)
            let worst = zip(reused, full).map { zip($0, $1).map { abs($0 - $1) }.max()! }.max()!
            XCTAssertLessThan(worst, 1e-5, "\(parameters) \(cacheType)")
          }
        }
    }

    /// Steps whose layers share one re-positioned key buffer (re-rotating every key per layer)
    /// give the same logits as per-layer buffers, and a prefill that shares holds no per-layer buffer.
    func testSharedBufferMatchesPerLayerBuffers() throws {
        let model = try TinyCheckpoint().temporaryGGUF("shared")
        defer { model.remove() }
        let path = model.path
        let tokens = (0..<90).map { 5 + ($0 * 41) % 280 }
        for cacheType in CacheElementType.allCases where cacheType.supports(headDimension: 16) {  // the tiny model's heads
            let loaded = try ModelFactory.make(method: .gali(GALIParameters(chunkCoefficient: .fixed(9), localWindow: 6)),
                                               maxPositionEmbeddings: 24, model: path, threads: 2, precision: .exact, cacheType: cacheType)
            func run(sharingFrom minimumStep: Int) throws -> (rows: [[Float]], perLayerFloats: Int) {
                let session = try loaded.makeSession(batchSize: 4)
                session.sharedRepositioningMinimumStep = minimumStep
                var rows: [[Float]] = []
                try session.append(Array(tokens.prefix(60)), logits: .all) { _, row in rows.append(Array(row)) }
                let perLayerFloats = session.repositionedKeys.values.flatMap(\.layers).map(\.buffer.capacity).max() ?? 0
                for token in tokens.dropFirst(60) {
                    try session.append([token], logits: .all) { _, row in rows.append(Array(row)) }
                }
                return (rows, perLayerFloats)
            }
            let shared = try run(sharingFrom: 2), perLayer = try run(sharingFrom: Int.max)
            XCTAssertEqual(shared.rows, perLayer.rows, "\(cacheType)")
            // an unused buffer holds FloatBuffer's minimum of 16 floats; a used one every key of the layer
            XCTAssertLessThanOrEqual(shared.perLayerFloats, 16, "a prefill of 9-token chunks shares one buffer")
            XCTAssertGreaterThan(perLayer.perLayerFloats, 60 * 16)
        }
    }

    /// A prompt appended for generation (only its last logits selected) keeps the re-positioned
    /// keys of its last step per layer, though that step is long enough to share one buffer, so
    /// the first decoded token re-rotates only what changed; the logits equal a scoring prefill's.
    /// Only keys below the integer tail are re-positioned: the tail's logits come from the cached
    /// keys' view.
    func testPromptForDecodingKeepsPerLayerKeys() throws {
        let model = try TinyCheckpoint().temporaryGGUF("prompt")
        defer { model.remove() }
        let path = model.path
        let tokens = (0..<70).map { 5 + ($0 * 37) % 280 }
        let loaded = try ModelFactory.make(method: .gali(GALIParameters(chunkCoefficient: .fixed(9), localWindow: 6)),
                                           maxPositionEmbeddings: 24, model: path, threads: 2, precision: .fast, cacheType: .f16)
        func run(_ selection: LogitSelection) throws -> (rows: [[Float]], prepared: [Int]) {
            let session = try loaded.makeSession(batchSize: 4)
            session.sharedRepositioningMinimumStep = 2
            var rows: [[Float]] = []
            try session.append(Array(tokens.prefix(60)), logits: selection) { _, row in rows.append(Array(row)) }
            let prepared = session.repositionedKeys.values.flatMap(\.layers).map(\.prepared)
            for token in tokens.dropFirst(60) {
                try session.append([token], logits: .last) { _, row in rows.append(Array(row)) }
            }
            return (rows, prepared)
        }
        let generation = try run(.last), scoring = try run(.all)
        XCTAssertFalse(generation.prepared.isEmpty)
        let tailStart = try GreedyPositions(count: 60, window: 24, localWindow: 6).integerTailStart
        XCTAssertTrue(tailStart > 0 && tailStart < 60)
        XCTAssertTrue(generation.prepared.allSatisfy { $0 == tailStart },
                      "every layer keeps every key below the integer tail (\(tailStart)): \(generation.prepared)")
        XCTAssertTrue(scoring.prepared.allSatisfy { $0 == 0 }, "a scoring prefill shares one buffer: \(scoring.prepared)")
        XCTAssertEqual(generation.rows.count, 11)
        XCTAssertEqual(generation.rows, Array(scoring.rows.suffix(11)))
    }
}
