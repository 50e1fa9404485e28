import Foundation
import Tensor
import Transformer

/// Dynamic NTK scaling (`dynamic_ntk`, alias `repro_dynamic_ntk`): for current length `L`
/// (tokens after the step), if `L > W` the base is `b · ((s·L/W) − (s−1))^(d/(d−2))`, else `b`.
///
/// One forward step uses one base for all its tokens (so scoring N tokens in one pass uses
/// `L = N` for every token, as the reference does). Keys enter the cache rotated with the base
/// of their step and keep that rotation, as in Hugging Face transformers' implementation.
public struct DynamicNTKScaling: ScalingFactorMethod {
    public static let descriptor = scalingDescriptor(name: "dynamic_ntk", aliases: ["repro_dynamic_ntk"], summary: "Per step with length L > W: base b · ((s·L/W) − (s−1))^(d/(d−2)); cached keys keep their rotation.")

    /// The base in use at length `length`.
    public func base(atLength length: Int, base: Double, dimension: Int) -> Double {
        guard length > originalWindow else { return base }
        let term = factor * Double(length) / Double(originalWindow) - (factor - 1)
        return base * pow(term, Double(dimension) / Double(dimension - 2))
    }

    /// None: a step's base depends on the length after it, so a prefix cached while computing a
    /// longer prompt holds keys rotated with another base than a fresh session gives them.
    public func reusablePrefix(common: Int, promptLength: Int) -> Int { 0 }

    public func layout(cached: Int, adding count: Int, context: PositioningContext) throws -> AttentionLayout {
        let scaled = base(atLength: cached + count, base: context.ropeBase, dimension: context.rotaryDimension)
        return standardLayout(cached: cached, adding: count,
                              frequencies: .standard(base: scaled, dimension: context.rotaryDimension))
    }

    public let scaling: ScalingFactor
    public init(scaling: ScalingFactor) { self.scaling = scaling }
}
