/// How linear layers compute.
public enum Precision: String, Sendable, CaseIterable {
    /// The fastest path: activations may be quantized to 8 bits per value (per block of 32 with
    /// a float scale) and multiplied with integer dot products.
    case fast
    /// Weights dequantized exactly to Float32, activations kept in Float32, Float32
    /// accumulation. For parity checks against float32 references.
    case exact
}
