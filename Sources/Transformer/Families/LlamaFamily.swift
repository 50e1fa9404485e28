extension ModelFamily {
    /// LLaMA 1/2/3.x (and Mistral GGUF files, which llama.cpp writes as `llama`): RMSNorm,
    /// SwiGLU, no biases; GGUF query/key rows permuted for adjacent-pair rotary embedding.
    public static let llama = ModelFamily(
        name: "llama", ggufArchitecture: "llama", huggingFaceModelTypes: ["llama"],
        huggingFaceClasses: ["LlamaForCausalLM"], ggufRotaryConvention: .adjacentPairs)
}
