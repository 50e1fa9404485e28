import TestSupport
import Foundation
import Tensor
import Transformer
import XCTest
import ModelFiles

/// Opening tiny GGUF files and Hugging Face directories as `ModelCheckpoint`s.
final class CheckpointLoadingTests: XCTestCase {
    typealias Support = ModelFilesTestSupport
    private var directory = ""

    override func setUpWithError() throws {
        directory = try TinyCheckpoint.temporaryDirectory("load")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    private func assertMatrix(_ matrix: WeightMatrix, equals values: [Float], tolerance: Float = 0,
                              _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let stored = try matrix.tensor.floatValues()
        XCTAssertEqual(stored.count, values.count, label, file: file, line: line)
        let error = zip(stored, values).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(error, tolerance, label, file: file, line: line)
    }

    func testVocabularyFixtureIsConsistent() {
        let vocabulary = TinyVocabulary()
        XCTAssertEqual(vocabulary.tokens.count, 300)
        XCTAssertEqual(Set(vocabulary.tokens).count, 300, "tokens must be unique")
        let known = Set(vocabulary.tokens)
        for (left, right) in TinyVocabulary.mergePairs {
            XCTAssertTrue(known.contains(left) && known.contains(right), "\(left) \(right)")
        }
        XCTAssertEqual(TinyVocabulary.byteSymbols[32], "Ġ")
        XCTAssertEqual(TinyVocabulary.byteSymbols[65], "A")
    }

    func testRotaryRowOrderRoundTrips() throws {
        let values: [Float] = (0..<(2 * 8 * 3)).map(Float.init)
        let adjacent = try RotaryRowOrder.adjacentPairs(fromHalfSplit: values, heads: 2, columns: 3)
        // Head 0 has rows 0..7; half-split pair 1 is rows 1 and 5, which become rows 2 and 3.
        XCTAssertEqual(Array(adjacent[6..<12]), [3, 4, 5, 15, 16, 17])
        XCTAssertEqual(try RotaryRowOrder.halfSplit(fromAdjacentPairs: adjacent, heads: 2, columns: 3), values)
        XCTAssertThrowsError(try RotaryRowOrder.adjacentPairs(fromHalfSplit: values, heads: 5, columns: 3))
    }

    func testGGUFAndHuggingFaceGiveTheSameModel() throws {
        let tiny = TinyCheckpoint()
        try tiny.writeGGUF(to: path("tiny.gguf"))
        try tiny.writeHuggingFace(to: path("hf"))
        let gguf = try ModelCheckpoint.open(path: path("tiny.gguf"))
        let hf = try ModelCheckpoint.open(path: path("hf"))

        var expected = tiny.configuration
        XCTAssertEqual(hf.configuration, expected)
        expected.rotaryConvention = .adjacentPairs
        XCTAssertEqual(gguf.configuration, expected)
        guard case .gguf(let file) = gguf.source else { return XCTFail("GGUF source expected") }
        XCTAssertEqual(file.metadata["tokenizer.ggml.model"], .string("gpt2"))
        guard case .huggingFace(let hfDirectory) = hf.source else { return XCTFail("Hugging Face source expected") }
        XCTAssertEqual(hfDirectory, path("hf"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: (hfDirectory as NSString).appendingPathComponent("tokenizer.json")))

        let c = tiny.configuration
        XCTAssertEqual(gguf.weights.layers.count, 2)
        try assertMatrix(hf.weights.tokenEmbedding, equals: tiny.values(.tokenEmbedding), "hf embedding")
        try assertMatrix(gguf.weights.tokenEmbedding, equals: tiny.values(.tokenEmbedding), "gguf embedding")
        try assertMatrix(hf.weights.outputHead, equals: tiny.values(.outputHead), "hf head")
        try assertMatrix(gguf.weights.outputHead, equals: tiny.values(.outputHead), "gguf head")
        XCTAssertEqual(hf.weights.finalNorm, tiny.values(.finalNorm))
        XCTAssertEqual(gguf.weights.finalNorm, tiny.values(.finalNorm))
        for layer in 0..<2 {
            let h = hf.weights.layers[layer], g = gguf.weights.layers[layer]
            XCTAssertEqual(h.attentionNorm, tiny.values(.attentionNorm(layer: layer)))
            XCTAssertEqual(g.feedForwardNorm, tiny.values(.feedForwardNorm(layer: layer)))
            try assertMatrix(h.query, equals: tiny.values(.query(layer: layer)), "hf q")
            try assertMatrix(h.key, equals: tiny.values(.key(layer: layer)), "hf k")
            // GGUF stores q/k rows in adjacent-pair order; undoing that gives the HF weights.
            let q = try RotaryRowOrder.halfSplit(fromAdjacentPairs: g.query.tensor.floatValues(), heads: c.headCount, columns: c.hiddenSize)
            let k = try RotaryRowOrder.halfSplit(fromAdjacentPairs: g.key.tensor.floatValues(), heads: c.keyValueHeadCount, columns: c.hiddenSize)
            XCTAssertEqual(q, tiny.values(.query(layer: layer)))
            XCTAssertEqual(k, tiny.values(.key(layer: layer)))
            XCTAssertNotEqual(try g.query.tensor.floatValues(), tiny.values(.query(layer: layer)))
            for (name, matrix, other) in [("v", g.value, h.value), ("o", g.output, h.output), ("gate", g.gate, h.gate),
                                          ("up", g.up, h.up), ("down", g.down, h.down)] {
                XCTAssertEqual(try matrix.tensor.floatValues(), try other.tensor.floatValues(), name)
                XCTAssertEqual(matrix.rows, other.rows)
                XCTAssertEqual(matrix.columns, other.columns)
            }
            XCTAssertEqual(g.gate.rows, 128)
            XCTAssertEqual(g.down.columns, 128)
        }
    }

    func testWeightsViewTheMappedFile() throws {
        try TinyCheckpoint().writeGGUF(to: path("tiny.gguf"))
        let checkpoint = try ModelCheckpoint.open(path: path("tiny.gguf"))
        guard case .gguf(let file) = checkpoint.source else { return XCTFail() }
        XCTAssertFalse(checkpoint.weights.tokenEmbedding.tensor.storage.isWritable, "weights must stay memory-mapped")
        XCTAssertEqual(checkpoint.weights.tokenEmbedding.tensor.byteOffset, file.tensorInfo(named: "token_embd.weight")?.fileOffset)
    }

    func testTiedQuantizedAndHalfPrecisionVariants() throws {
        let tied = TinyCheckpoint(seed: 3, tied: true)
        try tied.writeGGUF(to: path("tied.gguf"), matrixType: .q4_1, embeddingType: .q8_0)
        try tied.writeHuggingFace(to: path("tied-hf"), dtype: .bf16, shards: 2)
        let gguf = try ModelCheckpoint.open(path: path("tied.gguf"))
        let hf = try ModelCheckpoint.open(path: path("tied-hf"))
        XCTAssertTrue(gguf.configuration.tiedEmbeddings)
        XCTAssertTrue(hf.configuration.tiedEmbeddings)
        XCTAssertEqual(gguf.weights.outputHead.dtype, .q8_0)
        XCTAssertEqual(gguf.weights.layers[0].gate.dtype, .q4_1)
        XCTAssertEqual(hf.weights.layers[1].down.dtype, .bf16)
        XCTAssertEqual(hf.weights.outputHead.tensor.byteOffset, hf.weights.tokenEmbedding.tensor.byteOffset)
        try assertMatrix(hf.weights.layers[1].down, equals: tied.values(.down(layer: 1)), tolerance: 2e-3, "bf16 down")
        try assertMatrix(gguf.weights.layers[1].down, equals: tied.values(.down(layer: 1)), tolerance: 0.02, "q4_1 down")
    }

    func testWrongShapeNamesTensorAndShapes() throws {
        let tiny = TinyCheckpoint()
        var writer = SafetensorsWriter()
        for file in try tiny.safetensorsFiles() {
            writer = file.writer
        }
        var broken = SafetensorsWriter()
        for name in writer.tensorNames {
            let tensorName = LlamaTensorName.all(layerCount: 2).first { $0.huggingFaceName == name }!
            var shape = tensorName.expectedShape(tiny.configuration)
            if tensorName == .key(layer: 1) { shape = [shape[1], shape[0]] }
            try broken.addTensor(name: name, values: tiny.values(tensorName), shape: shape)
        }
        try FileManager.default.createDirectory(atPath: path("hf"), withIntermediateDirectories: true)
        try tiny.configuration.huggingFaceConfigJSON().write(to: URL(fileURLWithPath: path("hf/config.json")))
        try broken.write(to: path("hf/model.safetensors"))
        Support.expectError(["hf/model.safetensors", "model.layers.1.self_attn.k_proj.weight", "[64, 32]", "expected [32, 64]"]) {
            _ = try ModelCheckpoint.open(path: path("hf"))
        }
    }

    func testMissingPiecesAreNamed() throws {
        let tiny = TinyCheckpoint()
        try tiny.writeHuggingFace(to: path("hf"))
        try FileManager.default.removeItem(atPath: path("hf/config.json"))
        Support.expectError([path("hf/config.json"), "does not exist"]) { _ = try ModelCheckpoint.open(path: path("hf")) }

        try tiny.writeHuggingFace(to: path("hf2"))
        try FileManager.default.removeItem(atPath: path("hf2/model.safetensors"))
        Support.expectError([path("hf2"), "model.safetensors"]) { _ = try ModelCheckpoint.open(path: path("hf2")) }

        Support.expectError([path("nothing"), "does not exist"]) { _ = try ModelCheckpoint.open(path: path("nothing")) }

        // An HF checkpoint whose config does not tie embeddings but lacks lm_head.
        let tied = TinyCheckpoint(tied: true)
        try tied.writeHuggingFace(to: path("hf3"))
        var untied = tied.configuration
        untied.tiedEmbeddings = false
        try untied.huggingFaceConfigJSON().write(to: URL(fileURLWithPath: path("hf3/config.json")))
        Support.expectError(["lm_head.weight"]) { _ = try ModelCheckpoint.open(path: path("hf3")) }

        // A GGUF file missing one block tensor.
        var writer = try GGUFWriter()
        writer.setMetadata(tiny.configuration.ggufMetadata)
        try writer.addTensor(name: "token_embd.weight", values: tiny.values(.tokenEmbedding), shape: [300, 64])
        try writer.write(to: path("partial.gguf"))
        Support.expectError([path("partial.gguf"), "blk.0.attn_norm.weight"]) { _ = try ModelCheckpoint.open(path: path("partial.gguf")) }
    }

    func testNonLlamaGGUFIsRejectedByName() throws {
        var writer = try GGUFWriter()
        writer.setMetadata("general.architecture", .string("gpt2"))
        try writer.write(to: path("gpt2.gguf"))
        Support.expectError([path("gpt2.gguf"), "architecture \"gpt2\" is not supported", "supported: llama, qwen2"]) {
            _ = try ModelCheckpoint.open(path: path("gpt2.gguf"))
        }
    }
}
