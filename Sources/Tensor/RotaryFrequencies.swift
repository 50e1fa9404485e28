#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The frequencies of rotary position embedding: a vector at position `p` is rotated pairwise
/// by the angles `Float(p) · inverseFrequencies[i]` (a Float32 product, as the reference
/// implementations compute it), and cos and sin are multiplied by `attentionScaling` (so
/// logits scale by its square; YaRN and ChunkLlama use it).
public struct RotaryFrequencies: Sendable, Hashable {
    /// One inverse frequency per rotated pair (`headDimension / 2` values).
    public var inverseFrequencies: [Float]
    /// Multiplies cos and sin.
    public var attentionScaling: Float

    public init(inverseFrequencies: [Float], attentionScaling: Float = 1) {
        self.inverseFrequencies = inverseFrequencies
        self.attentionScaling = attentionScaling
    }

    /// The standard RoPE frequencies `base^(-2i/dimension)`, rounded as PyTorch computes them
    /// in float32: the exponent `2i/dimension` in float32, the power, then `1/x` in float32.
    public static func standard(base: Double, dimension: Int) -> RotaryFrequencies {
        let values = (0..<(dimension / 2)).map { index -> Float in
            let exponent = Float(2 * index) / Float(dimension)
            let power = Float(pow(base, Double(exponent)))
            return 1 / power
        }
        return RotaryFrequencies(inverseFrequencies: values)
    }

    /// Number of rotated pairs.
    public var pairCount: Int { inverseFrequencies.count }
}
