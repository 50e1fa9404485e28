import Foundation
import Tensor
import Transformer

/// Static NTK-aware scaling (`ntk`, alias `repro_ntk`): the RoPE base is replaced once by
/// `b' = b · s^(d/(d-2))`.
public struct NTKScaling: ScalingFactorMethod {
    public static let descriptor = scalingDescriptor(name: "ntk", aliases: ["repro_ntk"], summary: "RoPE base b replaced by b · s^(d/(d-2)) for factor s and head dimension d.")

    /// The scaled base for a model with base `base` and rotary dimension `dimension`.
    public func scaledBase(base: Double, dimension: Int) -> Double {
        base * pow(factor, Double(dimension) / Double(dimension - 2))
    }

    public func layout(cached: Int, adding count: Int, context: PositioningContext) throws -> AttentionLayout {
        let frequencies = RotaryFrequencies.standard(base: scaledBase(base: context.ropeBase, dimension: context.rotaryDimension),
                                                     dimension: context.rotaryDimension)
        return standardLayout(cached: cached, adding: count, frequencies: frequencies)
    }

    public let scaling: ScalingFactor
    public init(scaling: ScalingFactor) { self.scaling = scaling }
}
