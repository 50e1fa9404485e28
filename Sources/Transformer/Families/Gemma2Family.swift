extension ModelFamily {
    /// Gemma 2: Gemma blocks with post-attention and pre/post feed-forward norms, attention and
    /// final-logit soft-capping, and sliding-window layers alternating with global ones.
    public static let gemma2: ModelFamily = {
        var options = gemmaOptions
        options.normalizesBlockOutputs = true
        return ModelFamily(
            name: "gemma2", ggufArchitecture: "gemma2", huggingFaceModelTypes: ["gemma2"], huggingFaceClasses: ["Gemma2ForCausalLM"],
            options: options, ggufNormsIncludeOne: true, windowPattern: .localExceptEvery(period: 2),
            huggingFaceNames: gemmaSandwichHuggingFaceNames, ggufNames: gemmaSandwichGGUFNames,
            huggingFaceActivations: ["gelu_pytorch_tanh", "gelu"], tiesEmbeddingsByDefault: true)
    }()

    /// Hugging Face names of Gemma 2/3's norms (LLaMA's `post_attention_layernorm` is the
    /// pre-feed-forward norm; in Gemma 2/3 it normalises the attention output).
    static let gemmaSandwichHuggingFaceNames: [LlamaTensorName.Kind: String] = [
        .postAttentionNorm: "model.layers.%d.post_attention_layernorm.weight",
        .feedForwardNorm: "model.layers.%d.pre_feedforward_layernorm.weight",
        .postFeedForwardNorm: "model.layers.%d.post_feedforward_layernorm.weight",
    ]

    /// GGUF names of Gemma 2/3's extra norms.
    static let gemmaSandwichGGUFNames: [LlamaTensorName.Kind: String] = [
        .postAttentionNorm: "blk.%d.post_attention_norm.weight",
        .postFeedForwardNorm: "blk.%d.post_ffw_norm.weight",
    ]
}
