import XCTest
import Tensor
import TestSupport
@testable import Transformer

/// The compact key/value caches on SmolLM2: scoring with them stays close to the f32 cache.
final class CacheTypeModelTests: XCTestCase {
    /// Mean NLL of the first 1024 reference tokens (fast precision) with a `q8_0` cache against
    /// the f32 cache. Measured on this model: the q8_0 cache moves the mean NLL by -0.004% of
    /// the f32 cache's at 1024 tokens of the haystack, -0.12% at 2048 and -0.08% at 4096 (the
    /// f16 cache by -0.007%, -0.08%, -0.06%), at most 0.0038 nats; the tolerance, 0.01 nats,
    /// is a perplexity change of 1% (llama.cpp's q8_0 caches move perplexity by well under 1%).
    func testQ8CacheScoresWithinOnePercentPerplexityOfTheFloatCache() throws {
        let path = try require(TestResources.modelPath, "SmolLM2 model")
        let tokens = Array(try require(TestResources.referenceTokens, "reference tokens").prefix(1024))
        let checkpoint = try ModelCheckpoint.open(path: path)
        func score(_ type: CacheElementType) throws -> ScoreResult {
            try LlamaModel(checkpoint: checkpoint, precision: .fast, cacheType: type).makeSession().score(tokens)
        }
        let float = try score(.f32), quantized = try score(.q8_0)
        XCTAssertEqual(quantized.meanNegativeLogLikelihood, float.meanNegativeLogLikelihood, accuracy: 0.01,
                       "q8_0 \(quantized.meanNegativeLogLikelihood), f32 \(float.meanNegativeLogLikelihood)")
        XCTAssertNotEqual(quantized.negativeLogLikelihoods, float.negativeLogLikelihoods, "the q8_0 cache changed nothing")
    }
}
