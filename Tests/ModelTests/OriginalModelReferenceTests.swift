import XCTest
import Tensor
import TestSupport
@testable import Transformer

/// The unmodified SmolLM2 against the float32 reference NLLs of `nll.json`.
final class OriginalModelReferenceTests: XCTestCase {
    func testExactPathMatchesReferenceNLL() throws {
        let path = try require(TestResources.modelPath, "SmolLM2 model")
        let model = try LlamaModel(checkpoint: ModelCheckpoint.open(path: path), precision: .exact)
        let tokens = Array(try require(TestResources.referenceTokens, "reference tokens").prefix(2048))
        let reference = try require(TestResources.referenceResult("original"), "nll.json original")
        let expectedNLL = reference["nll"] as! [Double]
        let session = try model.makeSession()
        let result = try session.score(tokens)
        XCTAssertEqual(result.negativeLogLikelihoods.count, expectedNLL.count)
        XCTAssertEqual(result.meanNegativeLogLikelihood, reference["mean_nll"] as! Double, accuracy: 1e-3)
        var worst = 0.0
        for (actual, expected) in zip(result.negativeLogLikelihoods, expectedNLL) { worst = max(worst, abs(Double(actual) - expected)) }
        XCTAssertLessThan(worst, 0.02, "largest per-token difference")
    }
}
