import XCTest
import Extrapolation
import TestSupport
import Tensor
import Transformer

/// Decoding token by token (the key/value caches of global and local layers growing one token per
/// step, sliding windows moving) gives the same next-token NLLs as scoring the text in one step,
/// on the families with windows, local layers, biases and norms.
final class FamilyDecodingTests: XCTestCase {
    func testTokenByTokenDecodingMatchesOneStepScoring() throws {
        let methods: [(String, MethodSpec)] = [("original", .original), ("linear", .linear(factor: 4)),
                                               ("selfextend", .selfExtend(groupSize: 4, windowSize: 8))]
        for fixture in ["mistral", "qwen2", "gemma2", "gemma3", "phi3_longrope"] {
            let reference = try XCTUnwrap(TestResources.familyReference(fixture))
            let tokens = Array(try XCTUnwrap(reference["tokens"] as? [Int]).prefix(64))
            let path = TestResources.familyFixtures.appendingPathComponent(fixture).path
            for (name, method) in methods {
                let loaded = try ModelFactory.make(method: method, maxPositionEmbeddings: 32, model: path, threads: 1, precision: .exact)
                let whole = try loaded.makeSession().score(tokens).negativeLogLikelihoods
                let session = try loaded.makeSession()
                var stepwise: [Float] = []
                let prefill = 20
                func nll(_ row: UnsafeBufferPointer<Float>, next: Int) -> Float {
                    var copy = Array(row)
                    let logSum = copy.withUnsafeMutableBufferPointer { Kernels.logSumExp($0.baseAddress!, count: $0.count) }
                    return logSum - row[next]
                }
                try session.append(Array(tokens[..<prefill]), logits: .all) { index, row in
                    stepwise.append(nll(row, next: tokens[index + 1]))
                }
                for index in prefill..<(tokens.count - 1) {
                    try session.append([tokens[index]], logits: .last) { _, row in stepwise.append(nll(row, next: tokens[index + 1])) }
                }
                XCTAssertEqual(stepwise.count, whole.count, "\(fixture) \(name)")
                let worst = zip(stepwise, whole).map { abs($0 - $1) }.max() ?? .infinity
                XCTAssertLessThan(worst, 1e-4, "\(fixture) \(name)")
            }
        }
    }
}
