extension ModelFamily {
    /// Phi-3: LLaMA blocks with fused query/key/value and gate/up projections.
    public static let phi3: ModelFamily = {
        var options = DecoderOptions()
        options.fusedQueryKeyValue = true
        options.fusedGateUp = true
        return ModelFamily(name: "phi3", ggufArchitecture: "phi3", huggingFaceModelTypes: ["phi3"],
                           huggingFaceClasses: ["Phi3ForCausalLM"], options: options,
                           ggufNames: [.gateUp: "blk.%d.ffn_up.weight"])
    }()
}
