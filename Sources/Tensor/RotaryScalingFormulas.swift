#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RotaryFrequencies {
    /// YaRN's frequency ramp pair indices `(low, high)` for base `base`, rotary dimension
    /// `dimension`, original window `originalWindow` and rotation counts `betaFast`, `betaSlow`:
    /// `dim(r) = d·ln(W/(2πr))/(2·ln b)`, low = ⌊dim(beta_fast)⌋ ≥ 0, high = ⌈dim(beta_slow)⌉ ≤ d − 1.
    public static func yarnCorrectionRange(base: Double, dimension: Int, originalWindow: Int,
                                           betaFast: Double, betaSlow: Double) -> (low: Double, high: Double) {
        func correctionDimension(_ rotations: Double) -> Double {
            Double(dimension) * log(Double(originalWindow) / (rotations * 2 * Double.pi)) / (2 * log(base))
        }
        let low = max(correctionDimension(betaFast).rounded(.down), 0)
        let high = min(correctionDimension(betaSlow).rounded(.up), Double(dimension - 1))
        return (low, high)
    }

    /// YaRN's frequencies (as Hugging Face transformers computes them, in float32): per pair,
    /// `inv_freq/s` and `inv_freq` blended along a linear ramp between the correction range's
    /// ends; cos and sin scaled by `attentionFactor` (default `0.1·ln s + 1`).
    public static func yarn(base: Double, dimension: Int, factor: Double, originalWindow: Int,
                            betaFast: Double = 32, betaSlow: Double = 1, attentionFactor: Float? = nil) -> RotaryFrequencies {
        let powers = RotaryFrequencies.powers(base: base, dimension: dimension)
        var (low, high) = yarnCorrectionRange(base: base, dimension: dimension, originalWindow: originalWindow,
                                              betaFast: betaFast, betaSlow: betaSlow)
        if low == high { high += 0.001 }
        let s = Float(factor)
        let values = powers.enumerated().map { index, power -> Float in
            let ramp = min(max((Float(index) - Float(low)) / (Float(high) - Float(low)), 0), 1)
            let extrapolationWeight = 1 - ramp
            let interpolated = 1 / (s * power), extrapolated = 1 / power
            return interpolated * (1 - extrapolationWeight) + extrapolated * extrapolationWeight
        }
        let scaling = attentionFactor ?? (factor <= 1 ? 1 : Float(0.1 * log(factor) + 1))
        return RotaryFrequencies(inverseFrequencies: values, attentionScaling: scaling)
    }

    /// Llama 3.1's frequency scaling (`rope_type = "llama3"`): long wavelengths (above
    /// `originalWindow / lowFrequencyFactor`) divided by `factor`, short ones (below
    /// `originalWindow / highFrequencyFactor`) kept, and a smooth blend between.
    public func llama3Scaled(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double,
                             originalWindow: Int) -> RotaryFrequencies {
        let window = Double(originalWindow)
        let lowWavelength = window / lowFrequencyFactor, highWavelength = window / highFrequencyFactor
        let values = inverseFrequencies.map { frequency -> Float in
            let wavelength = 2 * Double.pi / Double(frequency)
            if wavelength < highWavelength { return frequency }
            if wavelength > lowWavelength { return frequency / Float(factor) }
            let smooth = Float((window / wavelength - lowFrequencyFactor) / (highFrequencyFactor - lowFrequencyFactor))
            return (1 - smooth) * frequency / Float(factor) + smooth * frequency
        }
        return RotaryFrequencies(inverseFrequencies: values, attentionScaling: attentionScaling)
    }
}
