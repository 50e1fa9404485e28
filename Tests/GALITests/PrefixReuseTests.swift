import Foundation
import XCTest
import Extrapolation
import TestSupport
import Transformer
import GALI

/// Keeping a shared prefix in the cache (`InferenceSession.truncate` up to the method's
/// `reusablePrefix`) and appending the rest of a new prompt gives the logits a fresh session
/// gives the new prompt, for every method — whatever the previous prompt's length was.
final class PrefixReuseTests: XCTestCase {
    let window = 16

    func testReusedPrefixGivesFreshLogitsForEveryMethod() throws {
        let model = try TinyCheckpoint().temporaryGGUF("prefix")
        defer { model.remove() }
        let path = model.path
        let specs: [MethodSpec] = [
            .original, .linear(factor: 4), .ntk(factor: 4), .dynamicNTK(factor: 4), .yarn(factor: 4),
            .selfExtend(groupSize: 4, windowSize: 8), .chunkLlama(mscale: false), .chunkLlama(mscale: true),
            .gali(GALIParameters(chunkCoefficient: .fixed(5), localWindow: 4, noiseType: .no)),
            .gali(GALIParameters(chunkCoefficient: .fixed(5), localWindow: 4)),
        ]
        let shared = (0..<12).map { 7 + ($0 * 37) % 250 }
        let first = shared + (0..<24).map { 11 + ($0 * 53) % 240 }
        let second = shared + (0..<20).map { 5 + ($0 * 29) % 245 }
        for spec in specs {
            let loaded = try ModelFactory.make(method: spec, maxPositionEmbeddings: window, model: path, threads: 2, precision: .exact)
            var fresh: [Int: [Float]] = [:]
            try loaded.makeSession().append(second, logits: .all) { index, row in fresh[index] = Array(row) }

            let reused = try loaded.makeSession()
            try reused.append(first + [3, 4], logits: .none)
            let kept = loaded.method.reusablePrefix(common: shared.count, promptLength: second.count)
            reused.truncate(to: kept)
            XCTAssertEqual(reused.tokens, Array(second.prefix(kept)), "\(spec)")
            var worst: Float = 0
            try reused.append(Array(second[kept...]), logits: .all) { index, row in
                worst = max(worst, zip(row, fresh[index] ?? []).map { abs($0 - $1) }.max() ?? .infinity)
            }
            XCTAssertLessThan(worst, 1e-4, "\(spec): logits after a reused prefix of \(kept) tokens differ")
            switch loaded.method.name {
            case "dynamic_ntk": XCTAssertEqual(kept, 0)
            case "chunk_llama" where (loaded.method as? ChunkLlama)?.mscale == true: XCTAssertEqual(kept, 0)
            default: XCTAssertEqual(kept, 12, "\(spec)")
            }
        }
    }

    func testReuseStaysWithinTheWindowAndLeavesATokenToAppend() throws {
        let ntk = NTKScaling(factor: 4, originalWindow: 16)
        XCTAssertEqual(ntk.reusablePrefix(common: 40, promptLength: 50), 16)
        XCTAssertEqual(ntk.reusablePrefix(common: 10, promptLength: 10), 9)
        XCTAssertEqual(ntk.reusablePrefix(common: 0, promptLength: 1), 0)
    }
}
