import Foundation
import XCTest
import Extrapolation
import TestSupport
import Transformer
import GALI

/// Past the original window, decoding one token at a time with the key/value cache gives the
/// logits a single prefill of the same tokens gives, for every method whose positions do not
/// depend on how the sequence was fed. Dynamic NTK and ChunkLlama's default scale `m(L)` are left
/// out on purpose: they depend on the current length, so tokens prefilled at one length carry
/// different hidden states than tokens prefilled at another (as in the reference). GALI
/// re-positions everything at each chunk, so its decode equals a prefill in chunks of one token.
final class DecodingPastTheWindowTests: XCTestCase {
    let window = 16
    let tokens = (0..<40).map { 7 + ($0 * 37) % 250 }
    let prefilled = 28

    func testDecodeMatchesPrefillForEveryMethod() throws {
        let model = try TinyCheckpoint().temporaryGGUF("decode")
        defer { model.remove() }
        let path = model.path
        let specs: [MethodSpec] = [
            .original, .linear(factor: 4), .ntk(factor: 4), .yarn(factor: 4),
            .selfExtend(groupSize: 4, windowSize: 8), .chunkLlama(mscale: false),
            .gali(GALIParameters(chunkCoefficient: .fixed(1), localWindow: 4, noiseType: .no)),
            .gali(GALIParameters(chunkCoefficient: .fixed(1), localWindow: 0, interpolateLogits: false, noiseType: .no)),
        ]
        for spec in specs {
            let loaded = try ModelFactory.make(method: spec, maxPositionEmbeddings: window, model: path, threads: 2, precision: .exact)
            var whole: [[Float]] = []
            try loaded.makeSession().append(tokens, logits: .all) { _, row in whole.append(Array(row)) }
            let decoding = try loaded.makeSession()
            try decoding.append(Array(tokens.prefix(prefilled)), logits: .none)
            var worst: Float = 0
            for index in prefilled..<tokens.count {
                var stepped: [Float] = []
                try decoding.append([tokens[index]], logits: .last) { _, row in stepped = Array(row) }
                XCTAssertEqual(stepped.count, whole[index].count, "\(spec)")
                worst = max(worst, zip(stepped, whole[index]).map { abs($0 - $1) }.max() ?? .infinity)
            }
            XCTAssertLessThan(worst, 1e-4, "\(spec): decoding past the window differs from prefill")
        }
    }
}
