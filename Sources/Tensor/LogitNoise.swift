/// Noise added to attention logits (GALI's option), reproducible from `seed`: the setting a
/// method states once in its `AttentionLayout` and the attention kernel reads unchanged (each
/// call adds only its layer, mask and row statistics, in `AttentionNoise`).
public struct LogitNoise: Sendable, Equatable {
    /// The distribution.
    public enum Kind: Sendable, Equatable { case gaussian, uniform }
    public var kind: Kind
    /// Add noise only where the key is interpolated (blend weight ≠ 0).
    public var onlyInterpolated: Bool
    /// Gaussian: mean is the row mean of the logits over all keys of the step (else 0).
    public var meanFromRow: Bool
    /// Standard deviation `(i - j) / K · standardDeviationBase` (else 1).
    public var scaleStandardDeviation: Bool
    public var standardDeviationBase: Float
    /// Uniform: multiply by the row maximum of the logits over all keys of the step (else 1).
    public var maximumFromRow: Bool
    public var seed: UInt64

    /// A setting; `meanFromRow` applies to gaussian noise only and `maximumFromRow` to uniform
    /// noise only, so each is kept only for its kind.
    public init(kind: Kind, onlyInterpolated: Bool, meanFromRow: Bool = false, scaleStandardDeviation: Bool,
                standardDeviationBase: Float, maximumFromRow: Bool = false, seed: UInt64) {
        self.kind = kind
        self.onlyInterpolated = onlyInterpolated
        self.meanFromRow = kind == .gaussian && meanFromRow
        self.scaleStandardDeviation = scaleStandardDeviation
        self.standardDeviationBase = standardDeviationBase
        self.maximumFromRow = kind == .uniform && maximumFromRow
        self.seed = seed
    }
}
