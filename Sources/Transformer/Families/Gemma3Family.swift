extension ModelFamily {
    /// Gemma 3 (text): Gemma 2's block layout with per-head query/key norms instead of
    /// soft-capping, five local layers (own RoPE base) for every global one.
    public static let gemma3: ModelFamily = {
        var options = gemmaOptions
        options.normalizesBlockOutputs = true
        options.queryKeyNorm = true
        return ModelFamily(
            name: "gemma3", ggufArchitecture: "gemma3", huggingFaceModelTypes: ["gemma3_text"],
            huggingFaceClasses: ["Gemma3ForCausalLM"], options: options, ggufNormsIncludeOne: true,
            windowPattern: .localExceptEvery(period: 6), huggingFaceNames: gemmaSandwichHuggingFaceNames,
            ggufNames: gemmaSandwichGGUFNames, huggingFaceActivations: ["gelu_pytorch_tanh", "gelu"], tiesEmbeddingsByDefault: true)
    }()
}
