extension ModelFamily {
    /// Mistral (Hugging Face `MistralForCausalLM`): LLaMA blocks with a sliding window on every
    /// layer. Its GGUF files say `llama`.
    public static let mistral = ModelFamily(
        name: "mistral", ggufArchitecture: nil, huggingFaceModelTypes: ["mistral"],
        huggingFaceClasses: ["MistralForCausalLM"], windowPattern: .everyLayer)
}
