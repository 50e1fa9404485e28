import Foundation
import Tensor
import ModelFiles

extension LlamaConfiguration {
    /// Reads a Hugging Face `config.json` at `path`.
    public init(huggingFaceConfigAt path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ModelFileError(path: path, reason: FileManager.default.fileExists(atPath: path)
                ? "cannot be read (\(JSONFields.oneLine(error)))" : "does not exist")
        }
        try self.init(huggingFaceConfig: data, path: path)
    }

    /// Reads a Hugging Face `config.json` from `data` (`path` names it in errors), with
    /// `rotaryConvention` `.halfSplit`. The family comes from `model_type` (or, without it,
    /// `architectures`) and must be one of `ModelFamily.supported`; its layer options take their
    /// numbers from the family's keys (`sliding_window`, `layer_types`, `query_pre_attn_scalar`,
    /// soft-caps, `rope_local_base_freq`, `partial_rotary_factor`). RoPE base and scaling come
    /// from `rope_theta` and `rope_scaling`, or from transformers 5's `rope_parameters`.
    public init(huggingFaceConfig data: Data, path: String) throws {
        let config = try JSONFields.parse(data, path: path, what: "config.json")
        func failure(_ reason: String) -> ModelFileError { ModelFileError(path: path, reason: reason) }

        let modelType = try config.string("model_type")
        var architectures: [String] = []
        if config.has("architectures") {
            guard let names = config.object["architectures"] as? [Any] else {
                throw failure("\"architectures\" must be an array of strings")
            }
            architectures = names.compactMap { $0 as? String }
        }
        guard let family = ModelFamily.huggingFace(modelType: modelType, classes: architectures) else {
            let name = modelType ?? architectures.first ?? "unknown (no model_type or architectures)"
            throw failure(ModelFamily.unsupported(name, gguf: false))
        }
        if !family.options.queryKeyValueBias, try config.bool("attention_bias") == true {
            throw failure("attention_bias is true; \(family.name) models without attention biases are supported only")
        }
        if try config.bool("mlp_bias") == true {
            throw failure("mlp_bias is true; models without feed-forward biases are supported only")
        }
        for key in ["hidden_activation", "hidden_act"] {
            guard let activation = try config.string(key) else { continue }
            guard family.huggingFaceActivations.contains(activation) else {
                throw failure("\(key) \"\(activation)\" is not supported (\(family.name) uses \(family.huggingFaceActivations[0]))")
            }
            break
        }

        let hiddenSize = try config.requiredInt("hidden_size")
        let headCount = try config.requiredInt("num_attention_heads")
        var headDimension = try config.int("head_dim")
        if headDimension == nil {
            guard headCount > 0, hiddenSize % headCount == 0 else {
                throw failure("hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(headCount)")
            }
            headDimension = hiddenSize / headCount
        }
        var rotaryDimension = headDimension
        if let fraction = try config.double("partial_rotary_factor"), fraction != 1, let head = headDimension {
            guard fraction > 0, fraction < 1 else { throw failure("partial_rotary_factor \(fraction) must be between 0 and 1") }
            rotaryDimension = Int((Double(head) * fraction).rounded(.down))
        }
        let layerCount = try config.requiredInt("num_hidden_layers")
        let epsilon = try config.double("rms_norm_eps") ?? 1e-6
        self.init(architecture: family.name,
                  layerCount: layerCount,
                  hiddenSize: hiddenSize,
                  intermediateSize: try config.requiredInt("intermediate_size"),
                  headCount: headCount,
                  keyValueHeadCount: try config.int("num_key_value_heads") ?? headCount,
                  headDimension: headDimension,
                  rotaryDimension: rotaryDimension,
                  vocabularySize: try config.requiredInt("vocab_size"),
                  contextLength: try config.int("max_position_embeddings") ?? 2048,
                  ropeBase: try config.double("rope_theta") ?? LlamaConfiguration.ropeParameters(config)?.double("rope_theta") ?? 10000,
                  rmsNormEpsilon: Float(epsilon),
                  ropeScaling: try LlamaConfiguration.huggingFaceRopeScaling(config),
                  rotaryConvention: .halfSplit,
                  tiedEmbeddings: try config.bool("tie_word_embeddings") ?? family.tiesEmbeddingsByDefault,
                  options: try LlamaConfiguration.huggingFaceOptions(config, family: family, layerCount: layerCount))
        try validate(path: path)
    }

    /// The family's options with the numbers of `config`.
    private static func huggingFaceOptions(_ config: JSONFields, family: ModelFamily, layerCount: Int) throws -> DecoderOptions {
        var options = family.options
        options.attentionSoftCap = Float(try config.double("attn_logit_softcapping") ?? 0)
        options.finalLogitSoftCap = Float(try config.double("final_logit_softcapping") ?? 0)
        options.queryScale = try config.double("query_pre_attn_scalar").map { Float(1 / $0.squareRoot()) }
        var window = try config.int("sliding_window") ?? 0
        if try config.bool("use_sliding_window") == false { window = 0 }  // Qwen2 declares a window it does not use
        var pattern = family
        if case .localExceptEvery = family.windowPattern, let period = try config.int("sliding_window_pattern") {
            guard period > 0 else { throw config.failure("sliding_window_pattern \(period) must be positive") }
            pattern = family.with(windowPattern: .localExceptEvery(period: period))
        }
        options.layerAttention = pattern.layerAttention(layerCount: layerCount, slidingWindow: window)
        if window > 0, config.has("layer_types") {
            guard let types = config.object["layer_types"] as? [Any], types.count == layerCount else {
                throw config.failure("layer_types must list one attention type per layer (\(layerCount))")
            }
            options.layerAttention = try types.map { type in
                switch type as? String {
                case "full_attention": return .global
                case "sliding_attention":
                    if case .everyLayer = family.windowPattern { return LayerAttention(slidingWindow: window, isLocal: false) }
                    return LayerAttention(slidingWindow: window, isLocal: true)
                default: throw config.failure("layer_types holds \(JSONFields.describe(type)), not \"full_attention\" or \"sliding_attention\"")
                }
            }
        }
        if options.hasLocalLayers, let localBase = try config.double("rope_local_base_freq")
            ?? config.nested("rope_parameters")?.nested("sliding_attention")?.double("rope_theta") {
            options.localRopeBase = localBase
        }
        return options
    }

    /// transformers 5's `rope_parameters` (base and scaling in one object; per layer type for
    /// Gemma 3, whose global layers' entry is `full_attention`), or nil.
    private static func ropeParameters(_ config: JSONFields) throws -> JSONFields? {
        guard let parameters = try config.nested("rope_parameters") else { return nil }
        return try parameters.nested("full_attention") ?? parameters
    }

    private static func huggingFaceRopeScaling(_ config: JSONFields) throws -> RopeScaling? {
        guard let scaling = try config.nested("rope_scaling") ?? ropeParameters(config) else { return nil }
        guard let name = try scaling.string("rope_type") ?? scaling.string("type") else {
            throw config.failure("rope_scaling has neither \"rope_type\" nor \"type\"")
        }
        if name == "default" { return nil }
        var parameters: [String: ConfigurationValue] = [:]
        for (key, value) in scaling.object {
            switch key {
            case "rope_type", "type", "factor", "original_max_position_embeddings", "rope_theta", "partial_rotary_factor": continue
            default:
                if let converted = configurationValue(value) { parameters[key] = converted }
            }
        }
        // Phi-3 keeps its original window beside rope_scaling, not inside it.
        let original = try scaling.int("original_max_position_embeddings") ?? config.int("original_max_position_embeddings")
        return RopeScaling(kind: RopeScaling.Kind(name: name), factor: try scaling.double("factor") ?? 1,
                           originalContextLength: original, parameters: parameters)
    }

    private static func configurationValue(_ value: Any) -> ConfigurationValue? {
        if let flag = JSONFields.boolean(value) { return .bool(flag) }
        if let number = JSONFields.number(value) { return .number(number) }
        if let text = value as? String { return .string(text) }
        if let items = value as? [Any] { return .array(items.compactMap(configurationValue)) }
        return nil
    }

    /// This configuration as a Hugging Face `config.json` object (`LlamaForCausalLM`), for
    /// writing a checkpoint directory. Epsilon is written as the shortest decimal of its float.
    public var huggingFaceConfig: [String: Any] {
        var config: [String: Any] = [
            "architectures": ["LlamaForCausalLM"],
            "model_type": "llama",
            "num_hidden_layers": layerCount,
            "hidden_size": hiddenSize,
            "intermediate_size": intermediateSize,
            "num_attention_heads": headCount,
            "num_key_value_heads": keyValueHeadCount,
            "head_dim": headDimension,
            "rope_theta": ropeBase,
            "rms_norm_eps": Double(String(rmsNormEpsilon)) ?? Double(rmsNormEpsilon),
            "max_position_embeddings": contextLength,
            "vocab_size": vocabularySize,
            "tie_word_embeddings": tiedEmbeddings,
            "attention_bias": false,
            "mlp_bias": false,
            "hidden_act": "silu",
            "torch_dtype": "float32",
        ]
        if let scaling = ropeScaling {
            var entry: [String: Any] = ["rope_type": scaling.kind.name, "factor": scaling.factor]
            if let original = scaling.originalContextLength { entry["original_max_position_embeddings"] = original }
            for (key, value) in scaling.parameters { entry[key] = LlamaConfiguration.jsonValue(value) }
            config["rope_scaling"] = entry
        } else {
            config["rope_scaling"] = NSNull()
        }
        return config
    }

    /// `huggingFaceConfig` serialised as pretty-printed JSON with sorted keys.
    public func huggingFaceConfigJSON() throws -> Data {
        try JSONSerialization.data(withJSONObject: huggingFaceConfig, options: [.prettyPrinted, .sortedKeys])
    }

    private static func jsonValue(_ value: ConfigurationValue) -> Any {
        switch value {
        case .number(let number): return number
        case .string(let text): return text
        case .bool(let flag): return flag
        case .array(let items): return items.map(jsonValue)
        }
    }
}
