import XCTest
import Extrapolation
import GALI
import TestSupport
import Transformer

/// Every extrapolation method on every model family (HF folder and GGUF file of each tiny
/// fixture), with an original window of 32 tokens on a 96-token text so every method is active.
/// Where transformers implements the method as a rope scaling (linear, dynamic, yarn on llama;
/// linear on Gemma 3's global layers) the NLLs must match it as closely as the unmodified model.
final class FamilyMethodMatrixTests: XCTestCase {
    static let window = 32
    static let methods: [(name: String, spec: MethodSpec)] = [
        ("original", .original), ("linear", .linear(factor: 4)), ("ntk", .ntk(factor: 4)),
        ("dynamic_ntk", .dynamicNTK(factor: 4)), ("yarn", .yarn(factor: 4)),
        ("selfextend", .selfExtend(groupSize: 4, windowSize: 8)), ("chunkllama", .chunkLlama()),
        ("gali", .gali(GALIParameters(chunkCoefficient: .fixed(16), localWindow: 8, noiseType: .no))),
    ]
    /// Our method name → the fixture's transformers rope scaling it must equal.
    static let transformersScaling = ["linear": "linear", "dynamic_ntk": "dynamic", "yarn": "yarn"]

    func testEveryMethodRunsOnEveryFamilyAndMatchesTransformersWhereItCan() throws {
        let fixtures = TestResources.familyFixtureNames
        XCTAssertGreaterThanOrEqual(fixtures.count, 8, "fixtures missing")
        var compared = 0
        for fixture in fixtures {
            let reference = try XCTUnwrap(TestResources.familyReference(fixture))
            let tokens = try XCTUnwrap(reference["tokens"] as? [Int])
            let folder = TestResources.familyFixtures.appendingPathComponent(fixture)
            let gguf = try XCTUnwrap((reference["gguf"] as? [String: Any])?.keys.sorted().first)
            let scalings = reference["scalings"] as? [String: [String: Any]] ?? [:]
            for path in [folder.path, folder.appendingPathComponent(gguf).path] {
                let original = try score(.original, path: path, tokens: tokens)
                for method in Self.methods {
                    let label = "\(fixture) \((path as NSString).lastPathComponent) \(method.name)"
                    let result = try score(method.spec, path: path, tokens: tokens)
                    XCTAssertEqual(result.negativeLogLikelihoods.count, tokens.count - 1, label)
                    XCTAssertTrue(result.negativeLogLikelihoods.allSatisfy(\.isFinite), label)
                    if method.name != "original" {
                        XCTAssertNotEqual(result.meanNegativeLogLikelihood, original.meanNegativeLogLikelihood, "\(label) changed nothing")
                    }
                    // GGUF weights differ from the HF ones only by storage rounding, not the method:
                    // transformers' numbers are for the HF weights.
                    guard path == folder.path, let key = Self.transformersScaling[method.name], let expected = scalings[key] else { continue }
                    let nll = try XCTUnwrap(expected["nll"] as? [Double])
                    let worst = zip(result.negativeLogLikelihoods, nll).map { abs(Double($0) - $1) }.max() ?? .infinity
                    XCTAssertEqual(result.meanNegativeLogLikelihood, try XCTUnwrap(expected["mean_nll"] as? Double), accuracy: 1e-4, label)
                    XCTAssertLessThan(worst, 2e-3, label)
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, 4, "comparisons with transformers (llama: linear, dynamic, yarn; gemma3: linear)")
    }

    /// Rope scalings written into llama's `config.json` (linear, yarn, llama3) are the
    /// checkpoint's own and must match transformers too.
    func testCheckpointDeclaredScalingsMatchTransformers() throws {
        let reference = try XCTUnwrap(TestResources.familyReference("llama"))
        let tokens = try XCTUnwrap(reference["tokens"] as? [Int])
        let scalings = try XCTUnwrap(reference["scalings"] as? [String: [String: Any]])
        for name in ["linear", "yarn", "llama3"] {
            let entry = try XCTUnwrap(scalings[name])
            let directory = try TestResources.editedFamilyFixture("llama") { config in
                config["rope_scaling"] = entry["rope_scaling"]
                config["max_position_embeddings"] = entry["max_position_embeddings"]
            }
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let result = try score(.original, path: directory, tokens: tokens)
            XCTAssertEqual(result.meanNegativeLogLikelihood, try XCTUnwrap(entry["mean_nll"] as? Double), accuracy: 1e-4, name)
        }
    }

    private func score(_ method: MethodSpec, path: String, tokens: [Int]) throws -> ScoreResult {
        let loaded = try ModelFactory.make(method: method, maxPositionEmbeddings: Self.window, model: path, threads: 1, precision: .exact)
        return try loaded.makeSession().score(tokens)
    }
}
