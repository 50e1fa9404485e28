import XCTest
import TestSupport
import Transformer

/// Every family fixture (HF folder and each GGUF file) against transformers' float32 per-token
/// NLL of the same weights (`scripts/make-family-fixtures.py`): exact precision within 1e-4 on
/// the mean and 2e-3 on every token; fast precision within the llama path's tolerance.
final class FamilyParityTests: XCTestCase {
    /// (fixture, file inside it or nil for the HF folder, expected mean, expected per token).
    static func cases() throws -> [(fixture: String, file: String?, mean: Double, nll: [Double], tokens: [Int])] {
        var result: [(String, String?, Double, [Double], [Int])] = []
        for name in TestResources.familyFixtureNames {
            let reference = try XCTUnwrap(TestResources.familyReference(name), "\(name)/reference.json")
            let tokens = try XCTUnwrap(reference["tokens"] as? [Int])
            let hf = try XCTUnwrap(reference["hf"] as? [String: Any])
            result.append((name, nil, try XCTUnwrap(hf["mean_nll"] as? Double), try XCTUnwrap(hf["nll"] as? [Double]), tokens))
            for (file, entry) in try XCTUnwrap(reference["gguf"] as? [String: [String: Any]]).sorted(by: { $0.key < $1.key }) {
                result.append((name, file, try XCTUnwrap(entry["mean_nll"] as? Double), try XCTUnwrap(entry["nll"] as? [Double]), tokens))
            }
        }
        return result
    }

    static func path(_ fixture: String, _ file: String?) -> String {
        let folder = TestResources.familyFixtures.appendingPathComponent(fixture)
        return (file.map { folder.appendingPathComponent($0) } ?? folder).path
    }

    func testEveryFamilyMatchesTransformersInExactPrecision() throws {
        let cases = try Self.cases()
        XCTAssertGreaterThanOrEqual(cases.count, 10, "fixtures missing")
        var report: [String] = []
        for entry in cases {
            let label = "\(entry.fixture)/\(entry.file ?? "hf")"
            let model = try LlamaModel(checkpoint: try ModelCheckpoint.open(path: Self.path(entry.fixture, entry.file)),
                                       threadCount: 1, precision: .exact)
            let result = try model.makeSession().score(entry.tokens)
            XCTAssertEqual(result.negativeLogLikelihoods.count, entry.nll.count, label)
            let worst = zip(result.negativeLogLikelihoods, entry.nll).map { abs(Double($0) - $1) }.max() ?? .infinity
            XCTAssertEqual(result.meanNegativeLogLikelihood, entry.mean, accuracy: 1e-4, label)
            XCTAssertLessThan(worst, 2e-3, label)
            report.append(String(format: "%@: mean %.6f (transformers %.6f), largest token difference %.2e", label,
                                 result.meanNegativeLogLikelihood, entry.mean, worst))
        }
        print(report.joined(separator: "\n"))
    }

    func testEveryFamilyStaysNearTransformersInFastPrecision() throws {
        for entry in try Self.cases() {
            let label = "\(entry.fixture)/\(entry.file ?? "hf")"
            let model = try LlamaModel(checkpoint: try ModelCheckpoint.open(path: Self.path(entry.fixture, entry.file)),
                                       threadCount: 1, precision: .fast)
            let result = try model.makeSession().score(entry.tokens)
            XCTAssertEqual(result.meanNegativeLogLikelihood, entry.mean, accuracy: 0.01, label)
        }
    }
}
