import Tensor

extension LlamaConfiguration {
    /// Reads the configuration from a GGUF file's `general.architecture` and `llama.*` metadata,
    /// with `rotaryConvention` `.adjacentPairs` and `tiedEmbeddings` true when the file has no
    /// `output.weight`. Throws a `ModelFileError` naming the file for a missing or mistyped key
    /// or an invalid configuration.
    public init(gguf file: GGUFFile) throws {
        func failure(_ reason: String) -> ModelFileError { ModelFileError(path: file.path, reason: reason) }
        guard let architectureValue = file.metadata["general.architecture"] else {
            throw failure("has no general.architecture metadata")
        }
        guard let architecture = architectureValue.stringValue else {
            throw failure("general.architecture is not a string")
        }
        guard architecture == "llama" else {
            throw failure("architecture \"\(architecture)\" is not a LLaMA model")
        }
        func optionalInt(_ key: String) throws -> Int? {
            guard let value = file.metadata[key] else { return nil }
            guard let number = value.intValue else { throw failure("metadata \(key) must be an integer, not \(value.summary)") }
            return number
        }
        func requiredInt(_ key: String) throws -> Int {
            guard let number = try optionalInt(key) else { throw failure("has no \(key) metadata") }
            return number
        }
        func optionalNumber(_ key: String) throws -> Double? {
            guard let value = file.metadata[key] else { return nil }
            guard let number = value.doubleValue else { throw failure("metadata \(key) must be a number, not \(value.summary)") }
            return number
        }

        let hiddenSize = try requiredInt("llama.embedding_length")
        let headCount = try requiredInt("llama.attention.head_count")
        let keyValueHeadCount = try optionalInt("llama.attention.head_count_kv") ?? headCount
        var headDimension = try optionalInt("llama.attention.key_length")
        if let keyLength = headDimension, let valueLength = try optionalInt("llama.attention.value_length"), valueLength != keyLength {
            throw failure("llama.attention.key_length \(keyLength) differs from llama.attention.value_length \(valueLength)")
        }
        if headDimension == nil {
            guard headCount > 0, hiddenSize % headCount == 0 else {
                throw failure("embedding length \(hiddenSize) is not a multiple of the \(headCount) attention heads")
            }
            headDimension = hiddenSize / headCount
        }

        var vocabularySize = try optionalInt("llama.vocab_size")
        if vocabularySize == nil, let tokens = file.metadata["tokenizer.ggml.tokens"]?.arrayValue {
            vocabularySize = tokens.count
        }
        if vocabularySize == nil, let embedding = file.tensorInfo(named: "token_embd.weight") {
            vocabularySize = embedding.shape.first
        }
        guard let vocabularySize else {
            throw failure("has neither llama.vocab_size, tokenizer.ggml.tokens nor token_embd.weight to give the vocabulary size")
        }

        let epsilon: Float
        switch file.metadata["llama.attention.layer_norm_rms_epsilon"] {
        case .float32(let value)?: epsilon = value
        case let value?:
            guard let number = value.doubleValue else {
                throw failure("metadata llama.attention.layer_norm_rms_epsilon must be a number, not \(value.summary)")
            }
            epsilon = Float(number)
        case nil: throw failure("has no llama.attention.layer_norm_rms_epsilon metadata")
        }

        self.init(architecture: architecture,
                  layerCount: try requiredInt("llama.block_count"),
                  hiddenSize: hiddenSize,
                  intermediateSize: try requiredInt("llama.feed_forward_length"),
                  headCount: headCount,
                  keyValueHeadCount: keyValueHeadCount,
                  headDimension: headDimension,
                  rotaryDimension: try optionalInt("llama.rope.dimension_count"),
                  vocabularySize: vocabularySize,
                  contextLength: try requiredInt("llama.context_length"),
                  ropeBase: try optionalNumber("llama.rope.freq_base") ?? 10000,
                  rmsNormEpsilon: epsilon,
                  ropeScaling: try LlamaConfiguration.ggufRopeScaling(file, failure: failure),
                  rotaryConvention: .adjacentPairs,
                  tiedEmbeddings: !file.hasTensor(named: "output.weight"))
        try validate(path: file.path)
    }

    private static let scalingPrefix = "llama.rope.scaling."

    private static func ggufRopeScaling(_ file: GGUFFile, failure: (String) -> ModelFileError) throws -> RopeScaling? {
        let typeKey = scalingPrefix + "type"
        var kindName: String?
        if let value = file.metadata[typeKey] {
            guard let name = value.stringValue else { throw failure("metadata \(typeKey) must be a string") }
            kindName = name
        }
        var factor: Double?
        if let value = file.metadata[scalingPrefix + "factor"] {
            guard let number = value.doubleValue else { throw failure("metadata \(scalingPrefix)factor must be a number") }
            factor = number
        }
        if kindName == nil, let legacy = file.metadata["llama.rope.scale_linear"] {
            guard let number = legacy.doubleValue else { throw failure("metadata llama.rope.scale_linear must be a number") }
            kindName = "linear"
            factor = number
        }
        guard let name = kindName, name != "none", !name.isEmpty else { return nil }
        var original: Int?
        var parameters: [String: ConfigurationValue] = [:]
        for key in file.metadataKeys where key.hasPrefix(scalingPrefix) {
            let shortKey = String(key.dropFirst(scalingPrefix.count))
            guard let value = file.metadata[key] else { continue }
            switch shortKey {
            case "type", "factor": continue
            case "original_context_length":
                guard let number = value.intValue else { throw failure("metadata \(key) must be an integer") }
                original = number
            default:
                parameters[shortKey] = configurationValue(value)
            }
        }
        return RopeScaling(kind: RopeScaling.Kind(name: name), factor: factor ?? 1, originalContextLength: original,
                           parameters: parameters)
    }

    private static func configurationValue(_ value: GGUFValue) -> ConfigurationValue {
        switch value {
        case .bool(let flag): return .bool(flag)
        case .string(let text): return .string(text)
        default:
            if let items = value.arrayValue { return .array(items.map(configurationValue)) }
            return .number(value.doubleValue ?? .nan)
        }
    }

    /// The GGUF metadata that describes this configuration (`general.architecture` and the
    /// `llama.*` keys), in a conventional order, for writing a GGUF file.
    public var ggufMetadata: [(key: String, value: GGUFValue)] {
        var entries: [(key: String, value: GGUFValue)] = [
            ("general.architecture", .string(architecture)),
            ("llama.block_count", .uint32(UInt32(clamping: layerCount))),
            ("llama.context_length", .uint32(UInt32(clamping: contextLength))),
            ("llama.embedding_length", .uint32(UInt32(clamping: hiddenSize))),
            ("llama.feed_forward_length", .uint32(UInt32(clamping: intermediateSize))),
            ("llama.attention.head_count", .uint32(UInt32(clamping: headCount))),
            ("llama.attention.head_count_kv", .uint32(UInt32(clamping: keyValueHeadCount))),
            ("llama.rope.freq_base", .float32(Float(ropeBase))),
            ("llama.attention.layer_norm_rms_epsilon", .float32(rmsNormEpsilon)),
            ("llama.rope.dimension_count", .uint32(UInt32(clamping: rotaryDimension))),
            ("llama.vocab_size", .uint32(UInt32(clamping: vocabularySize))),
        ]
        if headCount > 0, headDimension * headCount != hiddenSize {
            entries.append(("llama.attention.key_length", .uint32(UInt32(clamping: headDimension))))
            entries.append(("llama.attention.value_length", .uint32(UInt32(clamping: headDimension))))
        }
        if let scaling = ropeScaling {
            entries.append(("llama.rope.scaling.type", .string(scaling.kind.name)))
            entries.append(("llama.rope.scaling.factor", .float32(Float(scaling.factor))))
            if let original = scaling.originalContextLength {
                entries.append(("llama.rope.scaling.original_context_length", .uint32(UInt32(clamping: original))))
            }
            for (key, value) in scaling.parameters.sorted(by: { $0.key < $1.key }) {
                entries.append(("llama.rope.scaling." + key, ggufValue(value)))
            }
        }
        return entries
    }

    private func ggufValue(_ value: ConfigurationValue) -> GGUFValue {
        switch value {
        case .number(let number): return .float32(Float(number))
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .array(let items): return .array(items.map(ggufValue))
        }
    }
}
