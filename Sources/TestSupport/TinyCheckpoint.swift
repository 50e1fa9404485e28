import Foundation
import Tensor
import Transformer
import ModelFiles

/// A tiny random LLaMA checkpoint for tests (2 layers, hidden 64, 4 heads, 2 key/value heads,
/// feed-forward 128, a 300-token byte-level BPE vocabulary), written with the library's writers
/// in both formats from the same weights:
///
/// * `writeGGUF(to:)`: a GGUF file whose query and key rows are permuted for adjacent-pair rotary
///   embedding (as llama.cpp's converter does), with a `gpt2` tokenizer in its metadata;
/// * `writeHuggingFace(to:)`: a directory with `config.json`, safetensors (half-split rows) and
///   `tokenizer.json` / `tokenizer_config.json`.
///
/// `values(_:)` gives each weight in Hugging Face layout (row-major, `[out, in]`), so a decoder
/// test can compute reference outputs independently of the files.
public struct TinyCheckpoint {
    /// The hyper-parameters (Hugging Face convention; the GGUF file declares adjacent pairs).
    public let configuration: LlamaConfiguration
    /// Every weight in Hugging Face layout.
    public let weights: [LlamaTensorName: [Float]]
    /// The byte-level BPE vocabulary shared by both formats.
    public let vocabulary = TinyVocabulary()

    /// Makes random weights from `seed`. `tied` shares the embedding with the output head.
    public init(seed: UInt64 = 0x5EED, tied: Bool = false, layerCount: Int = 2, contextLength: Int = 256,
         ropeBase: Double = 10000, ropeScaling: RopeScaling? = nil) {
        let vocabulary = TinyVocabulary()
        configuration = LlamaConfiguration(
            layerCount: layerCount, hiddenSize: 64, intermediateSize: 128, headCount: 4, keyValueHeadCount: 2,
            vocabularySize: vocabulary.tokens.count, contextLength: contextLength, ropeBase: ropeBase,
            rmsNormEpsilon: 1e-5, ropeScaling: ropeScaling, rotaryConvention: .halfSplit, tiedEmbeddings: tied)
        var random = SeededRandom(seed: seed)
        var weights: [LlamaTensorName: [Float]] = [:]
        for name in LlamaTensorName.all(layerCount: layerCount) {
            if name == .outputHead && tied { continue }
            let shape = name.expectedShape(configuration)
            let count = shape.reduce(1, *)
            if shape.count == 1 {
                weights[name] = (0..<count).map { _ in 1 + 0.2 * (random.nextFloat() - 0.5) }
            } else {
                let scale = 1 / Float(shape[1]).squareRoot()
                weights[name] = (0..<count).map { _ in scale * 2 * (random.nextFloat() - 0.5) }
            }
        }
        self.weights = weights
    }

    /// The weight `name` in Hugging Face layout (the embedding for a tied output head).
    public func values(_ name: LlamaTensorName) -> [Float] {
        if name == .outputHead && configuration.tiedEmbeddings { return weights[.tokenEmbedding] ?? [] }
        return weights[name] ?? []
    }

    /// The weight `name` as a GGUF file stores it: query and key rows in adjacent-pair order.
    public func ggufValues(_ name: LlamaTensorName) throws -> [Float] {
        let c = configuration
        switch name {
        case .query:
            return try RotaryRowOrder.adjacentPairs(fromHalfSplit: values(name), heads: c.headCount, columns: c.hiddenSize)
        case .key:
            return try RotaryRowOrder.adjacentPairs(fromHalfSplit: values(name), heads: c.keyValueHeadCount, columns: c.hiddenSize)
        default:
            return values(name)
        }
    }

    /// The GGUF file's bytes. Matrices are stored as `matrixType` (F32, F16, BF16, Q8_0 or
    /// Q4_1), norms as F32; `embeddingType` defaults to `matrixType`.
    public func ggufData(matrixType: DType = .f32, embeddingType: DType? = nil, version: UInt32 = 3) throws -> Data {
        var writer = try GGUFWriter(version: version)
        var gguf = configuration
        gguf.rotaryConvention = .adjacentPairs
        writer.setMetadata("general.architecture", .string("llama"))
        writer.setMetadata("general.name", .string("tiny-llama-test"))
        writer.setMetadata(gguf.ggufMetadata)
        writer.setMetadata("general.file_type", .uint32(matrixType == .f32 ? 0 : 1))
        writer.setMetadata(vocabulary.ggufMetadata)
        for name in LlamaTensorName.all(layerCount: configuration.layerCount) {
            if name == .outputHead && configuration.tiedEmbeddings { continue }
            let shape = name.expectedShape(configuration)
            let type: DType = shape.count == 1 ? .f32 : name == .tokenEmbedding ? (embeddingType ?? matrixType) : matrixType
            try writer.addTensor(name: name.ggufName, values: try ggufValues(name), shape: shape, as: type)
        }
        return try writer.serialized()
    }

    /// Writes the GGUF file to `path`.
    public func writeGGUF(to path: String, matrixType: DType = .f32, embeddingType: DType? = nil) throws {
        try ggufData(matrixType: matrixType, embeddingType: embeddingType).write(to: URL(fileURLWithPath: path))
    }

    /// The safetensors writers for the weights: one file, or `shards` files splitting the tensor
    /// list evenly (file names as Hugging Face spells them).
    public func safetensorsFiles(dtype: DType = .f32, shards: Int = 1) throws -> [(name: String, writer: SafetensorsWriter)] {
        let names = LlamaTensorName.all(layerCount: configuration.layerCount).filter {
            !($0 == .outputHead && configuration.tiedEmbeddings)
        }
        let shardCount = max(1, min(shards, names.count))
        var writers = [SafetensorsWriter](repeating: SafetensorsWriter(), count: shardCount)
        for (position, name) in names.enumerated() {
            let shard = position * shardCount / names.count
            try writers[shard].addTensor(name: name.huggingFaceName, values: values(name),
                                         shape: name.expectedShape(configuration), as: dtype)
        }
        writers[0].metadata = ["format": "pt"]
        if shardCount == 1 { return [("model.safetensors", writers[0])] }
        return writers.enumerated().map { index, writer in
            (String(format: "model-%05d-of-%05d.safetensors", index + 1, shardCount), writer)
        }
    }

    /// Writes a Hugging Face checkpoint directory (created if needed) with `config.json`,
    /// safetensors in `dtype` (sharded with an index when `shards > 1`), `tokenizer.json` and
    /// `tokenizer_config.json`.
    public func writeHuggingFace(to directory: String, dtype: DType = .f32, shards: Int = 1) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func url(_ name: String) -> URL { URL(fileURLWithPath: directory).appendingPathComponent(name) }
        try configuration.huggingFaceConfigJSON().write(to: url("config.json"))
        let files = try safetensorsFiles(dtype: dtype, shards: shards)
        var weightMap: [String: String] = [:]
        var totalSize = 0
        for file in files {
            let data = file.writer.serialized()
            try data.write(to: url(file.name))
            totalSize += data.count
            for name in file.writer.tensorNames { weightMap[name] = file.name }
        }
        if files.count > 1 {
            try SafetensorsWriter.writeIndex(weightMap: weightMap, totalSize: totalSize,
                                             to: url("model.safetensors.index.json").path)
        }
        try vocabulary.tokenizerJSON().write(to: url("tokenizer.json"))
        try vocabulary.tokenizerConfigJSON().write(to: url("tokenizer_config.json"))
    }

    /// A fresh empty directory under the system temporary directory.
    public static func temporaryDirectory(_ label: String = "tiny") throws -> String {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("gali-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes this checkpoint as `tiny.gguf` in a fresh temporary directory (see
    /// `temporaryDirectory`); `remove()` deletes the directory.
    public func temporaryGGUF(_ label: String = "tiny") throws -> TemporaryModelFile {
        let file = TemporaryModelFile(directory: try Self.temporaryDirectory(label))
        try writeGGUF(to: file.path)
        return file
    }
}

/// A model file in a temporary directory of its own, for tests.
public struct TemporaryModelFile {
    /// The directory holding the file.
    public let directory: String
    /// The file.
    public var path: String { directory + "/tiny.gguf" }

    /// Deletes the directory and everything in it.
    public func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// A 300-token byte-level BPE vocabulary in GPT-2 style: three control tokens
/// (`<|endoftext|>`, `<|im_start|>`, `<|im_end|>`), the 256 byte tokens, then merged tokens.
public struct TinyVocabulary {
    /// Control tokens, ids 0...2.
    public static let specialTokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    /// Merge rules, in priority order (each joins two existing tokens).
    public static let mergePairs: [(String, String)] = [
        ("Ġ", "t"), ("Ġ", "a"), ("i", "n"), ("h", "e"), ("Ġt", "he"), ("e", "r"), ("o", "n"), ("r", "e"),
        ("a", "n"), ("Ġ", "s"), ("e", "n"), ("a", "t"), ("o", "r"), ("Ġ", "w"), ("Ġ", "o"), ("e", "s"),
        ("i", "s"), ("Ġ", "c"), ("Ġ", "b"), ("l", "l"), ("i", "t"), ("Ġ", "f"), ("Ġ", "p"), ("in", "g"),
        ("Ġ", "m"), ("a", "r"), ("e", "d"), ("Ġ", "h"), ("o", "u"), ("Ġ", "d"), ("Ġo", "f"), ("Ġ", "i"),
        ("Ġa", "n"), ("Ġan", "d"), ("Ġt", "o"), ("Ġi", "s"), ("Ġi", "n"), ("l", "e"), ("Ġ", "l"), ("t", "h"),
        ("Ġ", "Ġ"),
    ]

    /// Token strings by id.
    public let tokens: [String]
    /// GGUF token types by id (1 normal, 3 control).
    public let tokenTypes: [Int32]
    /// Merge rules as `"left right"`.
    public let merges: [String]

    public init() {
        var tokens = TinyVocabulary.specialTokens
        tokens += TinyVocabulary.byteSymbols
        for (left, right) in TinyVocabulary.mergePairs { tokens.append(left + right) }
        self.tokens = tokens
        tokenTypes = tokens.indices.map { $0 < TinyVocabulary.specialTokens.count ? 3 : 1 }
        merges = TinyVocabulary.mergePairs.map { "\($0.0) \($0.1)" }
    }

    /// GPT-2's printable stand-in for each byte value 0...255.
    public static let byteSymbols: [String] = {
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var symbols = [UInt32](repeating: 0, count: 256)
        for byte in printable { symbols[byte] = UInt32(byte) }
        var next: UInt32 = 256
        for byte in 0..<256 where !printable.contains(byte) {
            symbols[byte] = next
            next += 1
            printable.append(byte)
        }
        return symbols.map { String(Character(Unicode.Scalar($0) ?? "?")) }
    }()

    /// Chat template in ChatML form, as SmolLM2 uses.
    public static let chatTemplate = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"

    /// The `tokenizer.ggml.*` metadata of a GGUF file.
    public var ggufMetadata: [(key: String, value: GGUFValue)] {
        [
            ("tokenizer.ggml.model", .string("gpt2")),
            ("tokenizer.ggml.pre", .string("smollm")),
            ("tokenizer.ggml.tokens", .array(tokens.map { .string($0) })),
            ("tokenizer.ggml.token_type", .array(tokenTypes.map { .int32($0) })),
            ("tokenizer.ggml.merges", .array(merges.map { .string($0) })),
            ("tokenizer.ggml.bos_token_id", .uint32(1)),
            ("tokenizer.ggml.eos_token_id", .uint32(2)),
            ("tokenizer.ggml.unknown_token_id", .uint32(0)),
            ("tokenizer.ggml.padding_token_id", .uint32(2)),
            ("tokenizer.ggml.add_bos_token", .bool(false)),
            ("tokenizer.chat_template", .string(TinyVocabulary.chatTemplate)),
        ]
    }

    /// A Hugging Face `tokenizer.json` (BPE model, byte-level pre-tokenizer and decoder).
    public func tokenizerJSON() throws -> Data {
        var vocab: [String: Int] = [:]
        for (id, token) in tokens.enumerated() { vocab[token] = id }
        let added: [[String: Any]] = TinyVocabulary.specialTokens.enumerated().map { id, content in
            ["id": id, "content": content, "single_word": false, "lstrip": false, "rstrip": false,
             "normalized": false, "special": true]
        }
        let tokenizer: [String: Any] = [
            "version": "1.0",
            "truncation": NSNull(),
            "padding": NSNull(),
            "added_tokens": added,
            "normalizer": NSNull(),
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
            "post_processor": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true],
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": [
                "type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": NSNull(),
                "end_of_word_suffix": NSNull(), "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                "vocab": vocab, "merges": merges,
            ] as [String: Any],
        ]
        return try JSONSerialization.data(withJSONObject: tokenizer, options: [.prettyPrinted, .sortedKeys])
    }

    /// A Hugging Face `tokenizer_config.json` naming the special tokens and the chat template.
    public func tokenizerConfigJSON() throws -> Data {
        let config: [String: Any] = [
            "bos_token": "<|im_start|>", "eos_token": "<|im_end|>", "unk_token": "<|endoftext|>",
            "pad_token": "<|im_end|>", "add_prefix_space": false, "model_max_length": 8192,
            "tokenizer_class": "GPT2Tokenizer", "chat_template": TinyVocabulary.chatTemplate,
        ]
        return try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
    }
}
