import Foundation
import Tensor
import Transformer

/// YaRN (`yarn`, alias `repro_yarn`): per-dimension blend of interpolated (`inv_freq / s`) and
/// original frequencies along a linear ramp between the correction dimensions of `beta_fast`
/// and `beta_slow`, with cos and sin multiplied by `0.1·ln(s) + 1`.
public struct YaRNScaling: ScalingFactorMethod {
    public static let descriptor = scalingDescriptor(
        name: "yarn", aliases: ["repro_yarn"],
        summary: "inv_freq' = (inv_freq/s)·ramp + inv_freq·(1−ramp), ramp linear between dim(beta_fast) and dim(beta_slow) with dim(r) = d·ln(W/(2πr))/(2·ln b); cos, sin × (0.1·ln s + 1).",
        extra: [
            ParameterSpec("beta_fast", .number(0...1e6), default: .double(32), "rotations where interpolation starts"),
            ParameterSpec("beta_slow", .number(0...1e6), default: .double(1), "rotations where interpolation is complete"),
        ])

    public let scaling: ScalingFactor
    /// Rotations per window below which a dimension is interpolated fully (transformers: 32).
    public let betaFast: Double
    /// Rotations per window above which a dimension is left as trained (transformers: 1).
    public let betaSlow: Double

    /// YaRN with the default ramp bounds (beta_fast 32, beta_slow 1).
    public init(scaling: ScalingFactor) {
        self.scaling = scaling
        self.betaFast = 32
        self.betaSlow = 1
    }

    public init(parameters: MethodParameters, originalWindow: Int) throws {
        self.scaling = (try parameters.double("factor"), originalWindow)
        self.betaFast = try parameters.double("beta_fast")
        self.betaSlow = try parameters.double("beta_slow")
        guard betaFast > 0, betaSlow > 0 else {
            throw ExtrapolationError.invalidConfiguration(method: Self.descriptor.name, message: "beta_fast and beta_slow must be positive")
        }
    }

    /// `0.1·ln(s) + 1` (1 when s ≤ 1).
    public var attentionFactor: Float { factor <= 1 ? 1 : Float(0.1 * log(factor) + 1) }

    /// The correction range `(low, high)` of pair indices for a model with this base and
    /// rotary dimension.
    public func correctionRange(base: Double, dimension: Int) -> (low: Double, high: Double) {
        RotaryFrequencies.yarnCorrectionRange(base: base, dimension: dimension, originalWindow: originalWindow,
                                              betaFast: betaFast, betaSlow: betaSlow)
    }

    /// YaRN's frequencies for a model with base `base` and rotary dimension `dimension`.
    public func frequencies(base: Double, dimension: Int) -> RotaryFrequencies {
        .yarn(base: base, dimension: dimension, factor: factor, originalWindow: originalWindow, betaFast: betaFast,
              betaSlow: betaSlow, attentionFactor: attentionFactor)
    }

    public func layout(cached: Int, adding count: Int, context: PositioningContext) throws -> AttentionLayout {
        return standardLayout(cached: cached, adding: count,
                              frequencies: frequencies(base: context.ropeBase, dimension: context.rotaryDimension))
    }
}
