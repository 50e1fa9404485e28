import XCTest
import Extrapolation
import GALI
import TestSupport
import Transformer

/// Every method on SmolLM2 (exact precision, original window 512) against the reference mean
/// NLLs of `nll.json`, which come from transformers and an independent clean-room implementation.
final class MethodReferenceTests: XCTestCase {
    static let cases: [(key: String, spec: MethodSpec, tokens: Int)] = [
        ("linear", .linear(factor: 4), 2048),
        ("ntk", .ntk(factor: 4), 2048),
        ("dynamic_ntk", .dynamicNTK(factor: 4), 2048),
        ("yarn", .yarn(factor: 4), 2048),
        ("selfextend", .selfExtend(groupSize: 4, windowSize: 128), 1536),
        ("chunkllama", .chunkLlama(), 1536),
        ("chunkllama_no_mscale", .chunkLlama(mscale: false), 1536),
        ("gali_chunk_coe_256", .gali(GALIParameters(chunkCoefficient: .fixed(256), localWindow: 128, noiseType: .no)), 1536),
        ("gali_chunk_coe_0.25", .gali(GALIParameters(chunkCoefficient: .relative(0.25), localWindow: 128, noiseType: .no)), 1536),
    ]

    func testEveryMethodMatchesReferenceMeanNLL() throws {
        let path = try require(TestResources.modelPath, "SmolLM2 model")
        let tokens = try require(TestResources.referenceTokens, "reference tokens")
        var report: [String] = []
        for entry in Self.cases {
            let reference = try require(TestResources.referenceResult(entry.key), "nll.json \(entry.key)")
            let loaded = try ModelFactory.make(method: entry.spec, maxPositionEmbeddings: 512, model: path, precision: .exact)
            let result = try loaded.makeSession().score(Array(tokens.prefix(entry.tokens)))
            let expected = reference["mean_nll"] as! Double
            XCTAssertEqual(result.meanNegativeLogLikelihood, expected, accuracy: 2e-3, entry.key)
            let perToken = zip(result.negativeLogLikelihoods, reference["nll"] as! [Double]).map { abs(Double($0) - $1) }.max() ?? 0
            XCTAssertLessThan(perToken, 0.02, entry.key)
            report.append(String(format: "%@: %.6f (reference %.6f), largest token difference %.4f",
                                 entry.key, result.meanNegativeLogLikelihood, expected, perToken))
        }
        print(report.joined(separator: "\n"))
    }

    func testFastPathStaysNearReference() throws {
        let path = try require(TestResources.modelPath, "SmolLM2 model")
        let tokens = Array(try require(TestResources.referenceTokens, "reference tokens").prefix(2048))
        let reference = try require(TestResources.referenceResult("original"), "nll.json original")
        let loaded = try ModelFactory.make(method: .original, model: path, precision: .fast)
        let result = try loaded.makeSession().score(tokens)
        XCTAssertEqual(result.meanNegativeLogLikelihood, reference["mean_nll"] as! Double, accuracy: 0.01)
    }
}
