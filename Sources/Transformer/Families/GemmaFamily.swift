extension ModelFamily {
    /// The options Gemma 1, 2 and 3 share: GeGLU, embeddings × √hidden, norms used as `1 + w`.
    static var gemmaOptions: DecoderOptions {
        var options = DecoderOptions()
        options.activation = .geluTanh
        options.scalesEmbedding = true
        options.normWeightsAreOffsets = true
        return options
    }

    /// Gemma: GeGLU, embeddings × √hidden, RMSNorm with `1 + w`, tied output head.
    public static let gemma = ModelFamily(
        name: "gemma", ggufArchitecture: "gemma", huggingFaceModelTypes: ["gemma"], huggingFaceClasses: ["GemmaForCausalLM"],
        options: gemmaOptions, ggufNormsIncludeOne: true, huggingFaceActivations: ["gelu_pytorch_tanh", "gelu"], tiesEmbeddingsByDefault: true)
}
