import XCTest
import Tensor
@testable import Transformer

/// The unmodified SmolLM2 against the float32 reference NLLs of `nll.json`.
final class OriginalModelReferenceTests: XCTestCase {
    func testExactPathMatchesReferenceNLL() throws {
        let model = try LlamaModel(checkpoint: ModelCheckpoint.open(path: TestResources.requireModel()), precision: .exact)
        let tokens = Array(try TestResources.referenceTokens().prefix(2048))
        let reference = try TestResources.referenceResult("original")
        let expectedNLL = reference["nll"] as! [Double]
        let session = try model.makeSession()
        let result = try session.score(tokens)
        XCTAssertEqual(result.negativeLogLikelihoods.count, expectedNLL.count)
        XCTAssertEqual(result.meanNegativeLogLikelihood, reference["mean_nll"] as! Double, accuracy: 1e-3)
        var worst = 0.0
        for (actual, expected) in zip(result.negativeLogLikelihoods, expectedNLL) { worst = max(worst, abs(Double(actual) - expected)) }
        XCTAssertLessThan(worst, 0.02, "largest per-token difference")
        print("exact mean NLL \(result.meanNegativeLogLikelihood) (reference \(reference["mean_nll"]!)), worst token diff \(worst)")
    }
}
