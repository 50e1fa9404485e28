extension ModelFamily {
    /// Qwen2 and Qwen2.5: LLaMA blocks with query, key and value biases.
    public static let qwen2: ModelFamily = {
        var options = DecoderOptions()
        options.queryKeyValueBias = true
        return ModelFamily(name: "qwen2", ggufArchitecture: "qwen2", huggingFaceModelTypes: ["qwen2"],
                           huggingFaceClasses: ["Qwen2ForCausalLM"], options: options)
    }()
}
