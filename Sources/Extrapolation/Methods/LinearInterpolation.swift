import Transformer

/// Linear position interpolation (`linear`, alias `pi`): every position is divided by `factor`
/// (equivalently, `inv_freq / factor`).
public struct LinearInterpolation: ScalingFactorMethod {
    public static let descriptor = MethodDescriptor(
        name: "linear", aliases: ["pi"],
        summary: "Positions divided by factor s (inv_freq / s).",
        constraint: factorConstraint, parameters: [factorParameter])

    public let originalWindow: Int
    /// Scaling factor s.
    public let factor: Double

    /// Linear interpolation with factor `s` from window `W`.
    public init(factor: Double, originalWindow: Int) {
        self.factor = factor
        self.originalWindow = originalWindow
    }

    public func layout(cached: Int, adding count: Int, context: PositioningContext) throws -> AttentionLayout {
        return standardLayout(cached: cached, adding: count, frequencies: context.baseFrequencies.dividedBy(Float(factor)))
    }
}
