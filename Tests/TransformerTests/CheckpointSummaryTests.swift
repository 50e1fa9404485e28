import TestSupport
import Foundation
import Tensor
import Transformer
import XCTest

/// `ModelSummary` (what `gali info` prints) on the tiny fixtures and on SmolLM2 when present.
final class CheckpointSummaryTests: XCTestCase {
    typealias Support = ModelFilesTestSupport

    /// The default model in the cache, or nil (tests needing it skip).
    static var smolLMPath: String? {
        let environment = ProcessInfo.processInfo.environment
        let directory = environment["GALI_MODEL_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache/swift-gali/models")
        let path = (directory as NSString).appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf")
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    func testTinyHuggingFaceDirectory() throws {
        let directory = try TinyCheckpoint.temporaryDirectory("summary")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TinyCheckpoint().writeHuggingFace(to: directory, dtype: .bf16)
        let summary = try ModelSummary(checkpoint: try ModelCheckpoint.open(path: directory))
        let c = summary.configuration
        XCTAssertEqual(c.architecture, "llama")
        XCTAssertEqual([c.layerCount, c.hiddenSize, c.headCount, c.keyValueHeadCount, c.intermediateSize, c.vocabularySize, c.contextLength],
                       [2, 64, 4, 2, 128, 300, 256])
        XCTAssertEqual(c.ropeBase, 10000)
        XCTAssertEqual(c.rotaryConvention, .halfSplit)
        XCTAssertEqual(summary.tensorCount, 1 + 2 * 9 + 2)
        XCTAssertEqual(summary.tensorCountsByType, ["BF16": 21])
        XCTAssertEqual(summary.tokenizerKind, "BPE")
        XCTAssertEqual(summary.tokenizerVocabularySize, 300)
        let size = try FileManager.default.attributesOfItem(atPath: (directory as NSString).appendingPathComponent("model.safetensors"))[.size] as? Int
        XCTAssertEqual(summary.fileSize, size)
        let parameters = 2 * 300 * 64 + 64 + 2 * (2 * 64 + 64 * 64 * 2 + 32 * 64 * 2 + 3 * 128 * 64)
        XCTAssertEqual(summary.parameterCount, parameters)

        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: summary.jsonData()) as? [String: Any])
        XCTAssertEqual(json["layers"] as? Int, 2)
        XCTAssertEqual(json["kv_heads"] as? Int, 2)
        XCTAssertEqual(json["rope_convention"] as? String, "half_split")
        XCTAssertEqual((json["tokenizer"] as? [String: Any])?["vocab_size"] as? Int, 300)
        XCTAssertTrue(summary.text.contains("half split"))
        XCTAssertTrue(summary.text.contains("BPE, 300 tokens"))
    }

    func testTinyGGUFFile() throws {
        let directory = try TinyCheckpoint.temporaryDirectory("summary")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = (directory as NSString).appendingPathComponent("tiny.gguf")
        try TinyCheckpoint(ropeScaling: RopeScaling(kind: .linear, factor: 2)).writeGGUF(to: path, matrixType: .q8_0)
        let summary = try ModelSummary(checkpoint: try ModelCheckpoint.open(path: path))
        XCTAssertEqual(summary.format, "GGUF v3")
        XCTAssertEqual(summary.name, "tiny-llama-test")
        XCTAssertEqual(summary.tensorCountsByType, ["F32": 5, "Q8_0": 16])
        XCTAssertEqual(summary.tokenizerKind, "gpt2")
        XCTAssertEqual(summary.tokenizerVocabularySize, 300)
        XCTAssertEqual(summary.configuration.rotaryConvention, .adjacentPairs)
        XCTAssertEqual(summary.configuration.ropeScaling, RopeScaling(kind: .linear, factor: 2))
        XCTAssertTrue(summary.text.contains("linear × 2"), summary.text)
        XCTAssertTrue(summary.text.contains("adjacent pairs"))
    }

    func testDamagedTokenizerJSONIsNamed() throws {
        let directory = try TinyCheckpoint.temporaryDirectory("summary")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TinyCheckpoint().writeHuggingFace(to: directory)
        let tokenizer = (directory as NSString).appendingPathComponent("tokenizer.json")
        try "{\"model\": ".write(toFile: tokenizer, atomically: true, encoding: .utf8)
        Support.expectError([tokenizer, "not valid JSON"]) { _ = try ModelSummary(checkpoint: try ModelCheckpoint.open(path: directory)) }
        // Without a tokenizer the model cannot run, so info fails as loading it would.
        try FileManager.default.removeItem(atPath: tokenizer)
        Support.expectError([directory, "no tokenizer.json"]) { _ = try ModelSummary(checkpoint: try ModelCheckpoint.open(path: directory)) }
    }

    func testSmolLM2() throws {
        guard let path = Self.smolLMPath else {
            throw XCTSkip("SmolLM2-135M-Instruct.Q4_1.gguf is not in the model cache; run scripts/fetch-model")
        }
        let checkpoint = try ModelCheckpoint.open(path: path)
        let summary = try ModelSummary(checkpoint: checkpoint)
        let c = summary.configuration
        XCTAssertEqual(c.architecture, "llama")
        XCTAssertEqual(c.layerCount, 30)
        XCTAssertEqual(c.hiddenSize, 576)
        XCTAssertEqual(c.headCount, 9)
        XCTAssertEqual(c.keyValueHeadCount, 3)
        XCTAssertEqual(c.intermediateSize, 1536)
        XCTAssertEqual(c.vocabularySize, 49152)
        XCTAssertEqual(c.contextLength, 8192)
        XCTAssertEqual(c.ropeBase, 100000)
        XCTAssertEqual(c.headDimension, 64)
        XCTAssertEqual(c.rotaryDimension, 64)
        XCTAssertEqual(c.rmsNormEpsilon, Float(bitPattern: 0x3727_C5AC))  // float32 1e-5 as stored
        XCTAssertNil(c.ropeScaling)
        XCTAssertEqual(c.rotaryConvention, .adjacentPairs)
        XCTAssertTrue(c.tiedEmbeddings)
        XCTAssertEqual(summary.tensorCount, 272)
        XCTAssertEqual(summary.tensorCountsByType, ["F32": 61, "Q4_1": 210, "Q8_0": 1])
        XCTAssertEqual(summary.fileSize, 98_362_432)
        XCTAssertEqual(summary.tokenizerKind, "gpt2")
        XCTAssertEqual(summary.tokenizerVocabularySize, 49152)
        XCTAssertEqual(checkpoint.weights.layers.count, 30)
        XCTAssertEqual(checkpoint.weights.tokenEmbedding.dtype, .q8_0)
        XCTAssertEqual(checkpoint.weights.layers[0].query.dtype, .q4_1)
        XCTAssertEqual(checkpoint.weights.layers[29].key.rows, 192)
        XCTAssertEqual(checkpoint.weights.outputHead.rows, 49152)
        XCTAssertEqual(checkpoint.weights.finalNorm.count, 576)
    }
}
