extension ModelFamily {
    /// Qwen3: LLaMA blocks with per-head RMSNorm on queries and keys, no biases.
    public static let qwen3: ModelFamily = {
        var options = DecoderOptions()
        options.queryKeyNorm = true
        return ModelFamily(name: "qwen3", ggufArchitecture: "qwen3", huggingFaceModelTypes: ["qwen3"],
                           huggingFaceClasses: ["Qwen3ForCausalLM"], options: options)
    }()
}
