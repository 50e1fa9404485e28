import Foundation
import Tensor
import ModelFiles

extension LlamaConfiguration {
    /// The model's own rotary frequencies: the base and dimension of the checkpoint, with the
    /// checkpoint's RoPE scaling applied (linear, YaRN, Llama 3.1's `llama3`) and GGUF per-pair
    /// frequency factors (`rope_freqs.weight`) divided out. A `dynamic` scaling only acts past the
    /// trained length, so inside it the frequencies are the plain ones (for extrapolation, pick
    /// the `dynamic_ntk` method). LongRoPE uses `longRopeFactors` (GGUF tensors) or the
    /// scaling's own lists. Other scalings throw.
    public func rotaryFrequencies(frequencyFactors: [Float]? = nil,
                                  longRopeFactors: (long: [Float], short: [Float])? = nil) throws -> RotaryFrequencies {
        var frequencies = RotaryFrequencies.standard(base: ropeBase, dimension: rotaryDimension)
        if let factors = frequencyFactors {
            guard factors.count == frequencies.pairCount, factors.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw ModelFileError(path: "model", reason: "rope_freqs has \(factors.count) factors for \(frequencies.pairCount) rotated pairs, or non-positive values")
            }
            frequencies = RotaryFrequencies(inverseFrequencies: zip(frequencies.inverseFrequencies, factors).map { $0 / $1 })
        }
        guard let scaling = ropeScaling, scaling.factor != 1 || scaling.kind == .llama3 || scaling.kind == .longrope else { return frequencies }
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
        case .longrope:
            return try longRope(scaling, factors: longRopeFactors, base: frequencies)
        case .other:
            throw ModelFileError(path: "model", reason: "RoPE scaling \"\(scaling.kind)\" is not supported")
        }
    }

    /// GGUF tensors holding LongRoPE's per-pair factors (llama.cpp's names).
    public static let longRopeTensorNames = (long: "rope_factors_long.weight", short: "rope_factors_short.weight")

    /// Phi-3's LongRoPE (`longrope`, `su`): per-pair factors dividing the frequencies, the long ones
    /// when the checkpoint's window exceeds its original one (as llama.cpp chooses for a context
    /// above the original), and cos, sin × `attention_factor` (default `√(1 + ln s / ln W₀)` with
    /// `s = window / W₀`). Factors come from `long_factor`/`short_factor` or the GGUF tensors.
    private func longRope(_ scaling: RopeScaling, factors tensors: (long: [Float], short: [Float])?,
                          base: RotaryFrequencies) throws -> RotaryFrequencies {
        func failure(_ reason: String) -> ModelFileError { ModelFileError(path: "model", reason: "longrope scaling: " + reason) }
        guard let original = scaling.originalContextLength, original > 1 else {
            throw failure("needs the original context length (original_max_position_embeddings)")
        }
        let useLong = contextLength > original
        var factors: [Float]
        if let tensors {
            factors = useLong ? tensors.long : tensors.short
        } else {
            guard case .array(let values)? = scaling.parameters[useLong ? "long_factor" : "short_factor"] else {
                throw failure("has no \(useLong ? "long_factor" : "short_factor") list")
            }
            factors = values.compactMap { $0.numberValue.map(Float.init) }
        }
        guard factors.count == base.pairCount, factors.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw failure("needs \(base.pairCount) positive factors, not \(factors.count)")
        }
        let scale = Double(contextLength) / Double(original)
        var attention = scale <= 1 ? 1 : Float((1 + log(scale) / log(Double(original))).squareRoot())
        if case .number(let value)? = scaling.parameters["attention_factor"] ?? scaling.parameters["attn_factor"] { attention = Float(value) }
        let powers = RotaryFrequencies.powers(base: ropeBase, dimension: rotaryDimension)
        return RotaryFrequencies(inverseFrequencies: zip(factors, powers).map { 1 / ($0 * $1) }, attentionScaling: attention)
    }
}
