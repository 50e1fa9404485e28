import Transformer

/// The unmodified model (`original`, alias `repro_original`): positions `0..<n` with the
/// checkpoint's frequencies. Beyond the training window its logits go out of distribution —
/// the failure the other methods fix. Its layout is `AttentionPositioning`'s default, the one
/// `StandardPositioning` uses.
public struct OriginalMethod: PositionalExtrapolation {
    public static let descriptor = MethodDescriptor(
        name: "original", aliases: ["repro_original"],
        summary: "Positions 0..<n, RoPE untouched.", parameters: [])

    public let originalWindow: Int

    public init(parameters: MethodParameters, originalWindow: Int) throws {
        self.originalWindow = originalWindow
    }
}
