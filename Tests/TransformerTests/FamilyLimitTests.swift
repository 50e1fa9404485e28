import XCTest
import TestSupport
import Transformer

/// What the generic decoder refuses, with one line naming the problem.
final class FamilyLimitTests: XCTestCase {
    typealias Support = ModelFilesTestSupport

    func testPartialRotaryIsAClearError() throws {
        let directory = try TestResources.editedFamilyFixture("phi3") { $0["partial_rotary_factor"] = 0.75 }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpoint = try ModelCheckpoint.open(path: directory)
        XCTAssertEqual(checkpoint.configuration.rotaryDimension, 12)
        Support.expectError(["partial rotary embedding (12 of 16 dimensions) is not supported"]) {
            _ = try LlamaModel(checkpoint: checkpoint, threadCount: 1)
        }
    }

    func testUnknownLayerTypeAndLlamaAttentionBiasAreClearErrors() throws {
        let layerTypes = try TestResources.editedFamilyFixture("gemma2") { $0["layer_types"] = ["sliding_attention", "chunked_attention"] }
        defer { try? FileManager.default.removeItem(atPath: layerTypes) }
        Support.expectError(["config.json", "layer_types", "chunked_attention"]) { _ = try ModelCheckpoint.open(path: layerTypes) }
        let biased = try TestResources.editedFamilyFixture("llama") { $0["attention_bias"] = true }
        defer { try? FileManager.default.removeItem(atPath: biased) }
        Support.expectError(["attention_bias is true; llama models without attention biases are supported only"]) {
            _ = try ModelCheckpoint.open(path: biased)
        }
    }

    func testWindowedLayersFollowTheFamilyPattern() throws {
        let gemma3 = try ModelCheckpoint.open(path: TestResources.familyFixtures.appendingPathComponent("gemma3").path).configuration
        XCTAssertEqual(gemma3.options.layerAttention.map(\.isLocal), [true, true, true, true, true, false])
        XCTAssertEqual(gemma3.options.localRopeBase, 10000)
        let mistral = try ModelCheckpoint.open(path: TestResources.familyFixtures.appendingPathComponent("mistral").path).configuration
        XCTAssertEqual(mistral.options.layerAttention, [LayerAttention(slidingWindow: 16, isLocal: false), LayerAttention(slidingWindow: 16, isLocal: false)])
        let gemma2 = try ModelCheckpoint.open(path: TestResources.familyFixtures.appendingPathComponent("gemma2/model-f16.gguf").path).configuration
        XCTAssertEqual(gemma2.options.layerAttention, [LayerAttention(slidingWindow: 16, isLocal: true), .global])
        XCTAssertFalse(gemma2.options.normWeightsAreOffsets, "GGUF stores Gemma norms as 1 + w")
    }

    func testGemmaTiesTheHeadUnlessTheConfigSaysOtherwise() throws {
        let gemma = try TestResources.editedFamilyFixture("gemma") { $0.removeValue(forKey: "tie_word_embeddings") }
        defer { try? FileManager.default.removeItem(atPath: gemma) }
        XCTAssertTrue(try ModelCheckpoint.open(path: gemma).configuration.tiedEmbeddings)
        let llama = try TestResources.editedFamilyFixture("llama") { $0.removeValue(forKey: "tie_word_embeddings") }
        defer { try? FileManager.default.removeItem(atPath: llama) }
        XCTAssertFalse(try ModelCheckpoint.open(path: llama).configuration.tiedEmbeddings)
    }
}
