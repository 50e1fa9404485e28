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

    /// Frequencies for the rotary dimension pairs, and a factor applied to cos and sin (YaRN, ChunkLlama).
    public init(inverseFrequencies: [Float], attentionScaling: Float = 1) {
        self.inverseFrequencies = inverseFrequencies
        self.attentionScaling = attentionScaling
    }

    /// The standard RoPE frequencies `base^(-2i/dimension)`, rounded as PyTorch computes them
    /// in float32: base and exponent `2i/dimension` as float32, the power, then `1/x`.
    public static func standard(base: Double, dimension: Int) -> RotaryFrequencies {
        RotaryFrequencies(inverseFrequencies: powers(base: base, dimension: dimension).map { 1 / $0 })
    }

    /// `base^(2i/dimension)` for each pair, in float32 as PyTorch computes it.
    public static func powers(base: Double, dimension: Int) -> [Float] {
        let roundedBase = Double(Float(base))
        return (0..<(dimension / 2)).map { index -> Float in
            Float(pow(roundedBase, Double(Float(2 * index) / Float(dimension))))
        }
    }

    /// These frequencies divided by `factor` (positions scaled by `1/factor`).
    public func dividedBy(_ factor: Float) -> RotaryFrequencies {
        RotaryFrequencies(inverseFrequencies: inverseFrequencies.map { $0 / factor }, attentionScaling: attentionScaling)
    }

    /// These frequencies with cos and sin multiplied by `scaling`.
    public func withAttentionScaling(_ scaling: Float) -> RotaryFrequencies {
        RotaryFrequencies(inverseFrequencies: inverseFrequencies, attentionScaling: scaling)
    }

    /// Number of rotated pairs.
    public var pairCount: Int { inverseFrequencies.count }
}
