import TestSupport
import Foundation
import Tensor
import Transformer
import XCTest
import ModelFiles

/// LLaMA configuration from GGUF metadata and from `config.json`, and its validation.
final class CheckpointConfigurationTests: XCTestCase {
    typealias Support = ModelFilesTestSupport

    private func ggufFile(_ entries: [(key: String, value: GGUFValue)], path: String = "c.gguf") throws -> GGUFFile {
        var writer = try GGUFWriter()
        writer.setMetadata(entries)
        return try GGUFFile(storage: Support.storage(try writer.serialized()), path: path)
    }

    private func baseEntries() -> [(key: String, value: GGUFValue)] {
        TinyCheckpoint().configuration.ggufMetadata
    }

    private func hfConfig(_ edit: (inout [String: Any]) -> Void = { _ in }) throws -> Data {
        var config = TinyCheckpoint().configuration.huggingFaceConfig
        edit(&config)
        return try JSONSerialization.data(withJSONObject: config)
    }

    func testGGUFMetadataRoundTrips() throws {
        var expected = TinyCheckpoint().configuration
        expected.rotaryConvention = .adjacentPairs
        expected.tiedEmbeddings = true  // the metadata-only file has no output.weight
        XCTAssertEqual(try LlamaConfiguration(gguf: try ggufFile(baseEntries())), expected)
    }

    func testGGUFDefaultsAndFallbacks() throws {
        var entries = baseEntries().filter { !["llama.rope.freq_base", "llama.vocab_size", "llama.rope.dimension_count",
                                                 "llama.attention.head_count_kv"].contains($0.key) }
        entries.append(("tokenizer.ggml.tokens", .array((0..<77).map { .string("t\($0)") })))
        let configuration = try LlamaConfiguration(gguf: try ggufFile(entries))
        XCTAssertEqual(configuration.ropeBase, 10000)
        XCTAssertEqual(configuration.vocabularySize, 77)
        XCTAssertEqual(configuration.rotaryDimension, 16)
        XCTAssertEqual(configuration.keyValueHeadCount, 4)
    }

    func testGGUFEpsilonKeepsTheFloat32Value() throws {
        var entries = baseEntries()
        entries.append(("llama.attention.layer_norm_rms_epsilon", .float32(9.999999747378752e-06)))
        XCTAssertEqual(try LlamaConfiguration(gguf: try ggufFile(entries)).rmsNormEpsilon, Float(1e-5))
    }

    func testGGUFRopeScaling() throws {
        var entries = baseEntries()
        entries += [("llama.rope.scaling.type", .string("yarn")), ("llama.rope.scaling.factor", .float32(4)),
                    ("llama.rope.scaling.original_context_length", .uint32(4096)),
                    ("llama.rope.scaling.attn_factor", .float32(0.5)), ("llama.rope.scaling.finetuned", .bool(true))]
        let scaling = try XCTUnwrap(LlamaConfiguration(gguf: try ggufFile(entries)).ropeScaling)
        XCTAssertEqual(scaling.kind, .yarn)
        XCTAssertEqual(scaling.factor, 4)
        XCTAssertEqual(scaling.originalContextLength, 4096)
        XCTAssertEqual(scaling.parameters, ["attn_factor": .number(0.5), "finetuned": .bool(true)])

        var none = baseEntries()
        none.append(("llama.rope.scaling.type", .string("none")))
        XCTAssertNil(try LlamaConfiguration(gguf: try ggufFile(none)).ropeScaling)
        var legacy = baseEntries()
        legacy.append(("llama.rope.scale_linear", .float32(2)))
        XCTAssertEqual(try LlamaConfiguration(gguf: try ggufFile(legacy)).ropeScaling, RopeScaling(kind: .linear, factor: 2))
    }

    func testGGUFProblemsAreNamed() throws {
        func expect(_ edit: (inout [(key: String, value: GGUFValue)]) -> Void, _ fragments: [String]) throws {
            var entries = baseEntries()
            edit(&entries)
            let file = try ggufFile(entries, path: "bad.gguf")
            Support.expectError(["bad.gguf"] + fragments) { _ = try LlamaConfiguration(gguf: file) }
        }
        try expect({ $0.removeAll { $0.key == "general.architecture" } }, ["general.architecture"])
        try expect({ $0[0].value = .string("gpt2") }, ["architecture \"gpt2\" is not supported", "supported: llama"])
        try expect({ $0[0].value = .uint32(3) }, ["not a string"])
        for key in ["llama.block_count", "llama.embedding_length", "llama.feed_forward_length", "llama.attention.head_count",
                    "llama.context_length", "llama.attention.layer_norm_rms_epsilon"] {
            try expect({ $0.removeAll { $0.key == key } }, [key])
        }
        try expect({ entries in entries = entries.map { $0.key == "llama.block_count" ? ($0.key, .string("2")) : $0 } }, ["llama.block_count", "integer"])
        try expect({ entries in entries = entries.map { $0.key == "llama.block_count" ? ($0.key, .uint32(0)) : $0 } }, ["layer count is 0"])
        try expect({ entries in entries = entries.map { $0.key == "llama.attention.head_count_kv" ? ($0.key, .uint32(3)) : $0 } }, ["not a multiple of 3"])
        try expect({ entries in entries = entries.map { $0.key == "llama.embedding_length" ? ($0.key, .uint32(65)) : $0 } }, ["not a multiple"])
        try expect({ entries in entries = entries.map { $0.key == "llama.attention.head_count" ? ($0.key, .uint32(64)) : $0 } }, ["odd"])
        try expect({ entries in entries = entries.map { $0.key == "llama.block_count" ? ($0.key, .uint64(1 << 60)) : $0 } }, ["absurdly large"])
        try expect({ entries in entries = entries.map { $0.key == "llama.rope.freq_base" ? ($0.key, .float32(-1)) : $0 } }, ["rope base"])
    }

    func testHuggingFaceConfigRoundTrips() throws {
        let expected = TinyCheckpoint().configuration
        XCTAssertEqual(try LlamaConfiguration(huggingFaceConfig: try expected.huggingFaceConfigJSON(), path: "config.json"), expected)
        let text = String(decoding: try expected.huggingFaceConfigJSON(), as: UTF8.self)
        XCTAssertTrue(text.contains("\"rms_norm_eps\" : 1e-05"), text)
    }

    func testHuggingFaceDefaultsAndScaling() throws {
        let data = try hfConfig { config in
            for key in ["num_key_value_heads", "head_dim", "rope_theta", "max_position_embeddings", "tie_word_embeddings",
                        "attention_bias", "mlp_bias", "hidden_act", "architectures"] { config.removeValue(forKey: key) }
            config["rope_scaling"] = ["rope_type": "llama3", "factor": 8.0, "original_max_position_embeddings": 8192,
                                      "low_freq_factor": 1, "high_freq_factor": 4.0]
        }
        let configuration = try LlamaConfiguration(huggingFaceConfig: data, path: "config.json")
        XCTAssertEqual(configuration.keyValueHeadCount, 4)
        XCTAssertEqual(configuration.headDimension, 16)
        XCTAssertEqual(configuration.ropeBase, 10000)
        XCTAssertEqual(configuration.contextLength, 2048)
        XCTAssertFalse(configuration.tiedEmbeddings)
        XCTAssertEqual(configuration.rotaryConvention, .halfSplit)
        XCTAssertEqual(configuration.ropeScaling, RopeScaling(kind: .llama3, factor: 8, originalContextLength: 8192,
                                                              parameters: ["low_freq_factor": .number(1), "high_freq_factor": .number(4)]))
        let linear = try hfConfig { $0["rope_scaling"] = ["type": "linear", "factor": 2] }
        XCTAssertEqual(try LlamaConfiguration(huggingFaceConfig: linear, path: "c").ropeScaling, RopeScaling(kind: .linear, factor: 2))
        let plain = try hfConfig { $0["rope_scaling"] = ["rope_type": "default"] }
        XCTAssertNil(try LlamaConfiguration(huggingFaceConfig: plain, path: "c").ropeScaling)
        let byClass = try hfConfig { $0.removeValue(forKey: "model_type") }
        XCTAssertEqual(try LlamaConfiguration(huggingFaceConfig: byClass, path: "c").architecture, "llama")
    }

    func testHuggingFaceProblemsAreNamed() throws {
        func expect(_ edit: @escaping (inout [String: Any]) -> Void, _ fragments: [String]) throws {
            let data = try hfConfig(edit)
            Support.expectError(["dir/config.json"] + fragments) { _ = try LlamaConfiguration(huggingFaceConfig: data, path: "dir/config.json") }
        }
        try expect({ $0["model_type"] = "gpt2"; $0["architectures"] = ["GPT2LMHeadModel"] }, ["architecture \"gpt2\" is not supported", "supported: llama"])
        try expect({ $0.removeValue(forKey: "model_type"); $0.removeValue(forKey: "architectures") }, ["is not supported", "supported: llama"])
        try expect({ $0["attention_bias"] = true }, ["attention_bias"])
        try expect({ $0["mlp_bias"] = true }, ["mlp_bias"])
        try expect({ $0["hidden_act"] = "gelu" }, ["gelu"])
        try expect({ $0.removeValue(forKey: "num_hidden_layers") }, ["num_hidden_layers"])
        try expect({ $0["hidden_size"] = "64" }, ["hidden_size", "integer"])
        try expect({ $0["hidden_size"] = 64.5 }, ["hidden_size", "integer"])
        try expect({ $0["num_attention_heads"] = 0 }, ["attention head count is 0"])
        try expect({ $0["num_key_value_heads"] = 3 }, ["not a multiple of 3"])
        try expect({ $0["head_dim"] = 15 }, ["odd"])
        try expect({ $0["rms_norm_eps"] = -1 }, ["epsilon"])
        try expect({ $0["rope_scaling"] = ["factor": 2] }, ["rope_scaling"])
        try expect({ $0["rope_scaling"] = ["type": "linear", "factor": -2] }, ["factor"])
        try expect({ $0["tie_word_embeddings"] = 1 }, ["tie_word_embeddings", "true or false"])
        Support.expectError(["c.json", "not valid JSON"]) { _ = try LlamaConfiguration(huggingFaceConfig: Data("{".utf8), path: "c.json") }
        Support.expectError(["c.json", "not a JSON object"]) { _ = try LlamaConfiguration(huggingFaceConfig: Data("[]".utf8), path: "c.json") }
        Support.expectError(["/nonexistent/config.json", "does not exist"]) { _ = try LlamaConfiguration(huggingFaceConfigAt: "/nonexistent/config.json") }
    }
}
