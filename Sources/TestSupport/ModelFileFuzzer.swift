import Foundation
import Tensor
import Transformer

/// Deterministic hostile model files for the fuzz tests and the soak run (`scripts/fuzz-soak`):
/// mutated and truncated GGUF files (header, metadata, tensor directory, data), GGUF files
/// crafted with broken tokenizer arrays, ids, templates, counts and configuration values, and
/// mutated `tokenizer.json`, `config.json` and safetensors headers — all derived from the tiny
/// test checkpoint. Case `i` of seed `s` is always the same file.
///
/// `run(_:)` loads a case the way the tool does (checkpoint, shared validation, tokenizer, a
/// chat prompt) and reports how it ended and the bytes charged to `LoadAccounting`.
public struct ModelFileFuzzer {
    /// One generated input.
    public struct Case {
        /// Which generator made it (for reports).
        public let kind: String
        /// What the bytes are.
        public let format: Format
        /// The file's bytes.
        public let bytes: Data
    }

    /// The kind of file a case is.
    public enum Format: Sendable {
        case gguf, tokenizerJSON, configJSON, safetensors
    }

    /// How loading a case ended.
    public enum Outcome {
        /// It loaded (and tokenized a chat prompt, or named why its template cannot).
        case loaded
        /// It threw a `ModelFileError` (one line, naming the file).
        case rejected(ModelFileError)
        /// It threw something else, or an error not naming the file: a bug.
        case unexpected(String)
    }

    /// The result of loading one case.
    public struct Result {
        public let outcome: Outcome
        /// Bytes charged to `LoadAccounting` while loading.
        public let chargedBytes: Int
        /// The budget for this case (`LoadAccounting.budget(fileSize:)`).
        public let budget: Int
        /// Wall-clock seconds.
        public let seconds: Double
    }

    /// The file name every case is loaded under (errors must name it).
    public static let fileName = "fuzz.model"

    private let gguf: Data
    private let ggufMetadata: [(key: String, value: GGUFValue)]
    private let ggufTensors: [(name: String, dtype: DType, shape: [Int], data: Data)]
    private let ggufHeaderSize: Int
    private let tokenizerJSON: [String: Any]
    private let configJSON: [String: Any]
    private let safetensors: Data
    private let checkpoint: TinyCheckpoint

    /// Builds the base files from a one-layer tiny checkpoint.
    public init() throws {
        checkpoint = TinyCheckpoint(layerCount: 1)
        let base = try checkpoint.ggufData(matrixType: .f16)
        gguf = base
        let file = try GGUFFile(storage: ModelFileFuzzer.storage(base), path: "base.gguf")
        ggufMetadata = file.metadataKeys.compactMap { key in file.metadata[key].map { (key, $0) } }
        ggufTensors = file.tensorInfos.map { info in
            (info.name, info.dtype, info.shape, base.subdata(in: info.fileOffset..<(info.fileOffset + info.byteCount)))
        }
        ggufHeaderSize = file.dataOffset
        tokenizerJSON = try JSONSerialization.jsonObject(with: checkpoint.vocabulary.tokenizerJSON()) as? [String: Any] ?? [:]
        configJSON = try JSONSerialization.jsonObject(with: checkpoint.configuration.huggingFaceConfigJSON()) as? [String: Any] ?? [:]
        safetensors = try checkpoint.safetensorsFiles(dtype: .bf16)[0].writer.serialized()
    }

    // MARK: - Generating cases

    /// Case `index` of the sequence for `seed`.
    public func makeCase(index: Int, seed: UInt64) -> Case {
        var random = SeededRandom(seed: seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(index))
        switch random.next() % 100 {
        case 0..<22: return Case(kind: "gguf-flip", format: .gguf, bytes: flipBytes(gguf, headerSize: ggufHeaderSize, &random))
        case 22..<32: return Case(kind: "gguf-truncate", format: .gguf, bytes: truncate(gguf, headerSize: ggufHeaderSize, &random))
        case 32..<52: return Case(kind: "gguf-field", format: .gguf, bytes: overwriteField(gguf, headerSize: ggufHeaderSize, &random))
        case 52..<72: return craftedGGUF(&random)
        case 72..<84: return Case(kind: "tokenizer-json", format: .tokenizerJSON, bytes: mutatedJSON(tokenizerJSON, &random))
        case 84..<92: return Case(kind: "config-json", format: .configJSON, bytes: mutatedJSON(configJSON, &random))
        default:
            let headerSize = 8 + Int(safetensors.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
            let bytes = random.next() % 3 == 0 ? truncate(safetensors, headerSize: headerSize, &random)
                : random.next() % 2 == 0 ? flipBytes(safetensors, headerSize: headerSize, &random)
                : overwriteField(safetensors, headerSize: headerSize, &random)
            return Case(kind: "safetensors", format: .safetensors, bytes: bytes)
        }
    }

    /// Values that break parsers: zero, one, powers of two near type limits, all ones.
    private static let interestingValues: [UInt64] = [
        0, 1, 2, 7, 8, 12, 13, 255, 256, 0x7FFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
        200_000_000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF,
    ]

    private func position(headerSize: Int, count: Int, _ random: inout SeededRandom) -> Int {
        let limit = random.next() % 5 == 0 ? count : min(headerSize, count)
        return Int(random.next() % UInt64(max(limit, 1)))
    }

    private func flipBytes(_ data: Data, headerSize: Int, _ random: inout SeededRandom) -> Data {
        var bytes = data
        for _ in 0..<(1 + Int(random.next() % 8)) {
            let at = position(headerSize: headerSize, count: bytes.count, &random)
            bytes[at] ^= UInt8(truncatingIfNeeded: 1 + random.next() % 255)
        }
        return bytes
    }

    private func truncate(_ data: Data, headerSize: Int, _ random: inout SeededRandom) -> Data {
        data.prefix(position(headerSize: headerSize, count: data.count, &random))
    }

    private func overwriteField(_ data: Data, headerSize: Int, _ random: inout SeededRandom) -> Data {
        var bytes = data
        let value = ModelFileFuzzer.interestingValues[Int(random.next() % UInt64(ModelFileFuzzer.interestingValues.count))]
        let width = random.next() % 2 == 0 ? 8 : 4
        let at = min(position(headerSize: headerSize, count: bytes.count, &random), max(bytes.count - width, 0))
        for byte in 0..<width where at + byte < bytes.count {
            bytes[at + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte)))
        }
        return bytes
    }

    /// A GGUF file rewritten with one hostile change to its metadata.
    private func craftedGGUF(_ random: inout SeededRandom) -> Case {
        var metadata = ggufMetadata
        func set(_ key: String, _ value: GGUFValue) {
            if let index = metadata.firstIndex(where: { $0.key == key }) { metadata[index].value = value } else { metadata.append((key, value)) }
        }
        let tokens = checkpoint.vocabulary.tokens
        let change = random.next() % 16
        let kind: String
        switch change {
        case 0:
            kind = "token_type-length"
            set("tokenizer.ggml.token_type", .array((0..<(tokens.count - 1 - Int(random.next() % 5))).map { _ in .int32(1) }))
        case 1:
            kind = "scores-length"
            set("tokenizer.ggml.scores", .array((0..<(tokens.count + 1)).map { _ in .float32(0) }))
        case 2:
            kind = "merge-missing-token"
            set("tokenizer.ggml.merges", .array([.string("Ġ t"), .string("zz\u{1} q")]))
        case 3:
            kind = "unknown-pre"
            set("tokenizer.ggml.pre", .string("no-such-pre-tokenizer"))
        case 4:
            kind = "special-id-out-of-range"
            let key = ["tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id"][Int(random.next() % 3)]
            set(key, .uint32(UInt32(truncatingIfNeeded: ModelFileFuzzer.interestingValues[Int(random.next() % 16) + 3])))
        case 5:
            kind = "rope-scaling"
            set("llama.rope.scaling.type", .string(["longrope", "weird", "yarn", "linear"][Int(random.next() % 4)]))
            set("llama.rope.scaling.factor", .float32([0, -1, 4, .infinity, .nan][Int(random.next() % 5)]))
        case 6:
            kind = "context-length"
            set("llama.context_length", .uint32(UInt32(random.next() % 3)))
        case 7:
            kind = "template-comments"
            let unit = String(repeating: " ", count: 64 + Int(random.next() % 512)) + "{# c #}"
            set("tokenizer.chat_template", .string(String(repeating: unit, count: 200 + Int(random.next() % 400))))
        case 8:
            kind = "template-unclosed"
            set("tokenizer.chat_template", .string(String(repeating: "{% if x %}{{ '", count: 1 + Int(random.next() % 2000))))
        case 9:
            kind = "blob"
            set("general.blob", .array((0..<(1 << 16)).map { _ in .uint8(UInt8(truncatingIfNeeded: random.next())) }))
        case 10:
            kind = "nested-arrays"
            var value = GGUFValue.array([.string("x")])
            for _ in 0..<(1 + Int(random.next() % 9)) { value = .array([value, value]) }
            set("general.nested", value)
        case 11:
            kind = "tokens-not-strings"
            set("tokenizer.ggml.tokens", .array(tokens.enumerated().map { $0.offset == 7 ? .uint32(7) : .string($0.element) }))
        case 12:
            kind = "token-type-values"
            set("tokenizer.ggml.token_type", .array(tokens.indices.map { _ in .int32(Int32(truncatingIfNeeded: random.next() % 9) - 1) }))
        case 13:
            kind = "empty-vocabulary"
            set("tokenizer.ggml.tokens", .array([]))
        case 14:
            kind = "model-kind"
            set("tokenizer.ggml.model", .string(["bert", "t5", "rwkv", ""][Int(random.next() % 4)]))
        default:
            kind = "sizes"
            let key = ["llama.block_count", "llama.embedding_length", "llama.attention.head_count", "llama.attention.head_count_kv",
                       "llama.feed_forward_length", "llama.vocab_size"][Int(random.next() % 6)]
            set(key, .uint64(ModelFileFuzzer.interestingValues[Int(random.next() % UInt64(ModelFileFuzzer.interestingValues.count))]))
        }
        do {
            var writer = try GGUFWriter()
            writer.setMetadata(metadata)
            for tensor in ggufTensors { try writer.addTensor(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, data: tensor.data) }
            return Case(kind: "gguf-crafted-" + kind, format: .gguf, bytes: try writer.serialized())
        } catch {
            return Case(kind: "gguf-crafted-" + kind, format: .gguf, bytes: gguf)
        }
    }

    /// A JSON object with one hostile change (a value replaced, a key removed, or the text's
    /// bytes flipped or cut).
    private func mutatedJSON(_ object: [String: Any], _ random: inout SeededRandom) -> Data {
        let hostile: [Any] = [2_147_483_647, 200_000_000, -1, 1.5, "x", true, NSNull(), [Any](), [String: Any](),
                              Double(1e300), "a b", [1, 2], String(repeating: "{# c #}", count: 300)]
        var copy = object
        let mode = random.next() % 6
        if mode < 4 {
            mutate(&copy, depth: 0, value: hostile[Int(random.next() % UInt64(hostile.count))], remove: mode == 3, &random)
        }
        let data = (try? JSONSerialization.data(withJSONObject: copy, options: [.sortedKeys])) ?? Data()
        switch mode {
        case 4: return flipBytes(data, headerSize: data.count, &random)
        case 5: return truncate(data, headerSize: data.count, &random)
        default: return data
        }
    }

    private func mutate(_ object: inout [String: Any], depth: Int, value: Any, remove: Bool, _ random: inout SeededRandom) {
        let keys = object.keys.sorted()
        guard !keys.isEmpty else { return }
        let key = keys[Int(random.next() % UInt64(keys.count))]
        if depth < 3, random.next() % 3 != 0 {
            if var inner = object[key] as? [String: Any] {
                mutate(&inner, depth: depth + 1, value: value, remove: remove, &random)
                object[key] = inner
                return
            }
            if var items = object[key] as? [Any], !items.isEmpty {
                let index = Int(random.next() % UInt64(items.count))
                if var inner = items[index] as? [String: Any] {
                    mutate(&inner, depth: depth + 1, value: value, remove: remove, &random)
                    items[index] = inner
                } else {
                    items[index] = value
                }
                object[key] = items
                return
            }
        }
        if remove { object[key] = nil } else { object[key] = value }
    }

    // MARK: - Loading cases

    /// Loads `fuzzCase` as the tool would, measuring charged bytes and time.
    public func run(_ fuzzCase: Case) -> Result {
        let start = Date()
        let measured = LoadAccounting.measureOutcome { try load(fuzzCase) }
        let outcome: Outcome
        switch measured.result {
        case .success:
            outcome = .loaded
        case .failure(let error as ModelFileError):
            outcome = error.path == ModelFileFuzzer.fileName && !error.reason.contains("\n") ? .rejected(error)
                : .unexpected("error does not name \(ModelFileFuzzer.fileName) on one line: \(error)")
        case .failure(let error):
            outcome = .unexpected("threw \(type(of: error)): \(error)")
        }
        return Result(outcome: outcome, chargedBytes: measured.chargedBytes, budget: LoadAccounting.budget(fileSize: fuzzCase.bytes.count),
                      seconds: Date().timeIntervalSince(start))
    }

    private func load(_ fuzzCase: Case) throws {
        let path = ModelFileFuzzer.fileName
        switch fuzzCase.format {
        case .gguf:
            let file = try GGUFFile(storage: ModelFileFuzzer.storage(fuzzCase.bytes), path: path)
            let tokenizer = try ModelCheckpoint(gguf: file).validateForInference()
            exercise(tokenizer)
        case .tokenizerJSON:
            exercise(try Tokenizer(tokenizerJSON: fuzzCase.bytes, source: path))
        case .configJSON:
            try LlamaConfiguration(huggingFaceConfig: fuzzCase.bytes, path: path).validate(path: path)
        case .safetensors:
            let file = try SafetensorsFile(storage: ModelFileFuzzer.storage(fuzzCase.bytes), path: path)
            _ = try LlamaWeights(huggingFace: try SafetensorsShards(files: [file]), configuration: checkpoint.configuration)
        }
    }

    /// Encodes, decodes and formats a chat prompt: what `score` and `generate` do first.
    private func exercise(_ tokenizer: Tokenizer) {
        let ids = tokenizer.encode("Hello <|im_start|>world 123 ünïcode", addSpecialTokens: true)
        _ = try? tokenizer.decode(ids)
        _ = try? tokenizer.applyChatTemplate(messages: [ChatMessage(role: "user", content: "hi")])
    }

    /// `bytes` in fresh storage, as a mapped file would be.
    static func storage(_ bytes: Data) -> TensorStorage {
        let storage = TensorStorage(allocating: bytes.count)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { storage.baseAddress.copyMemory(from: base, byteCount: bytes.count) }
        }
        return storage
    }
}
