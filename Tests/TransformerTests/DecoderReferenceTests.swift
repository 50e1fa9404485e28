import Foundation
import XCTest
import Tensor
import TestSupport
@testable import Transformer

/// The decoder against a naive Double implementation on tiny random checkpoints, in both file
/// formats (so both rotary pair conventions) and both precisions.
final class DecoderReferenceTests: XCTestCase {
    let tokens = [5, 77, 300 - 1, 12, 40, 3, 250, 9, 100, 101, 7, 64, 180, 33, 2, 90, 91, 92, 93, 150]

    func load(_ checkpoint: TinyCheckpoint, format: String, precision: Precision) throws -> LlamaModel {
        let directory = try TinyCheckpoint.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let path: String
        if format == "gguf" {
            path = directory + "/tiny.gguf"
            try checkpoint.writeGGUF(to: path)
        } else {
            path = directory
            try checkpoint.writeHuggingFace(to: directory)
        }
        let loaded = try ModelCheckpoint.open(path: path)
        XCTAssertEqual(loaded.configuration.rotaryConvention, format == "gguf" ? .adjacentPairs : .halfSplit)
        return try LlamaModel(checkpoint: loaded, threadCount: 2, precision: precision)
    }

    func allLogits(_ session: InferenceSession, _ tokens: [Int]) throws -> [[Float]] {
        var rows: [[Float]] = []
        try session.append(tokens, logits: .all) { _, row in rows.append(Array(row)) }
        return rows
    }

    /// Largest |a − b| relative to the largest |b|.
    func relativeError(_ actual: [[Float]], _ expected: [[Double]]) -> Double {
        var worst = 0.0, scale = 0.0
        for (a, e) in zip(actual, expected) {
            for (x, y) in zip(a, e) {
                worst = max(worst, abs(Double(x) - y))
                scale = max(scale, abs(y))
            }
        }
        return worst / scale
    }

    func testExactDecoderMatchesNaiveInBothFormats() throws {
        for tied in [false, true] {
            let checkpoint = TinyCheckpoint(tied: tied)
            let expected = NaiveDecoder(checkpoint).logits(tokens)
            for format in ["gguf", "safetensors"] {
                let model = try load(checkpoint, format: format, precision: .exact)
                let logits = try allLogits(try model.makeSession(), tokens)
                XCTAssertEqual(logits.count, tokens.count)
                XCTAssertLessThan(relativeError(logits, expected), 1e-4, "\(format), tied \(tied)")
            }
        }
    }

    func testFastDecoderStaysCloseToNaive() throws {
        let checkpoint = TinyCheckpoint()
        let expected = NaiveDecoder(checkpoint).logits(tokens)
        let model = try load(checkpoint, format: "gguf", precision: .fast)
        // 8-bit activations round each value by up to 1/254 of its block's maximum.
        XCTAssertLessThan(relativeError(try allLogits(try model.makeSession(), tokens), expected), 3e-2)
    }

    func testBatchingAndTokenByTokenGiveTheSameLogits() throws {
        let model = try load(TinyCheckpoint(), format: "gguf", precision: .exact)
        let whole = try allLogits(try model.makeSession(), tokens)
        let smallBatches = try allLogits(try model.makeSession(batchSize: 3), tokens)
        let stepwise = try model.makeSession()
        var oneByOne: [[Float]] = []
        for token in tokens { oneByOne += try allLogits(stepwise, [token]) }
        let expected = whole.map { $0.map(Double.init) }
        XCTAssertLessThan(relativeError(smallBatches, expected), 1e-4)
        XCTAssertLessThan(relativeError(oneByOne, expected), 1e-4)
    }

    func testBadTokensAndEmptyInputs() throws {
        let model = try load(TinyCheckpoint(), format: "gguf", precision: .exact)
        let session = try model.makeSession()
        XCTAssertThrowsError(try session.append([1, 300])) { XCTAssertTrue("\($0)".contains("300"), "\($0)") }
        XCTAssertThrowsError(try session.append([-1]))
        XCTAssertEqual(session.count, 0, "a rejected append leaves the session unchanged")
        XCTAssertNoThrow(try session.append([]))
        XCTAssertThrowsError(try session.score([4]))
        XCTAssertThrowsError(try model.makeSession(batchSize: 0))
    }
}
