import Transformer

/// Linear position interpolation (`linear`, alias `pi`): every position is divided by `factor`
/// (equivalently, `inv_freq / factor`).
public struct LinearInterpolation: ScalingFactorMethod {
    public static let descriptor = scalingDescriptor(name: "linear", aliases: ["pi"], summary: "Positions divided by factor s (inv_freq / s).")

    public func layout(cached: Int, adding count: Int, context: PositioningContext) throws -> AttentionLayout {
        return standardLayout(cached: cached, adding: count, frequencies: context.baseFrequencies.dividedBy(Float(factor)))
    }

    public let scaling: ScalingFactor
    public init(scaling: ScalingFactor) { self.scaling = scaling }
}
