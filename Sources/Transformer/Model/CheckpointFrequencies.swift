import Tensor

extension LlamaConfiguration {
    /// The model's own rotary frequencies: the base and dimension of the checkpoint, with the
    /// checkpoint's RoPE scaling applied (linear, YaRN, Llama 3.1's `llama3`) and GGUF per-pair
    /// frequency factors (`rope_freqs.weight`) divided out. A `dynamic` scaling only acts past the
    /// trained length, so inside it the frequencies are the plain ones (for extrapolation, pick
    /// the `dynamic_ntk` method). Other scalings throw.
    public func rotaryFrequencies(frequencyFactors: [Float]? = nil) throws -> RotaryFrequencies {
        var frequencies = RotaryFrequencies.standard(base: ropeBase, dimension: rotaryDimension)
        if let factors = frequencyFactors {
            guard factors.count == frequencies.pairCount, factors.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw ModelFileError(path: "model", reason: "rope_freqs has \(factors.count) factors for \(frequencies.pairCount) rotated pairs, or non-positive values")
            }
            frequencies = RotaryFrequencies(inverseFrequencies: zip(frequencies.inverseFrequencies, factors).map { $0 / $1 })
        }
        guard let scaling = ropeScaling, scaling.factor != 1 || scaling.kind == .llama3 else { return frequencies }
        func number(_ key: String, _ fallback: Double) -> Double {
            if case .number(let value)? = scaling.parameters[key] { return value }
            return fallback
        }
        switch scaling.kind {
        case .linear:
            return frequencies.dividedBy(Float(scaling.factor))
        case .dynamic:
            return frequencies
        case .yarn:
            let attention = scaling.parameters["attention_factor"].flatMap { value -> Float? in
                if case .number(let number) = value { return Float(number) }
                return nil
            }
            return .yarn(base: ropeBase, dimension: rotaryDimension, factor: scaling.factor,
                         originalWindow: scaling.originalContextLength ?? contextLength,
                         betaFast: number("beta_fast", 32), betaSlow: number("beta_slow", 1), attentionFactor: attention)
        case .llama3:
            if frequencyFactors != nil { return frequencies }  // GGUF files carry the llama3 scaling as rope_freqs
            return frequencies.llama3Scaled(factor: scaling.factor, lowFrequencyFactor: number("low_freq_factor", 1),
                                            highFrequencyFactor: number("high_freq_factor", 4),
                                            originalWindow: scaling.originalContextLength ?? 8192)
        case .longrope, .other:
            throw ModelFileError(path: "model", reason: "RoPE scaling \"\(scaling.kind)\" is not supported")
        }
    }
}
