import Extrapolation
import Tensor
import Transformer

/// A length-extrapolation method defined outside swift-gali, using only its public API, as your
/// own package would: ReRoPE-style capped relative distances. Keys within `window` of the query
/// use ordinary RoPE; farther keys all sit at distance `window` (query rotated to `window`, key
/// left at position 0).
///
/// Two key rotations are cached per token (slot 0 at the token's index, slot 1 at 0), two views
/// pair them with the query positions, and per-query thresholds pick the view for each key.
public struct CappedDistanceMethod: PositionalExtrapolation {
    public static let descriptor = MethodDescriptor(
        name: "capped_distance", aliases: ["rerope"],
        summary: "Relative distances above `window` are clamped to `window`.",
        parameters: [ParameterSpec("window", .integer(1...1_000_000), default: .int(64), "largest relative distance")])

    public let originalWindow: Int
    /// The largest relative distance the model sees.
    public let window: Int

    public init(parameters: MethodParameters, originalWindow: Int) throws {
        self.originalWindow = originalWindow
        self.window = try parameters.int("window")
        guard window < originalWindow else {
            throw ExtrapolationError.invalidConfiguration(method: Self.descriptor.name, message: "window must be below W")
        }
    }

    public func cachedKeySlotCount(context: PositioningContext) -> Int { 2 }

    public func layout(cached: Int, adding count: Int, context: PositioningContext) throws -> AttentionLayout {
        let indices = cached..<(cached + count)
        let frequencies = context.baseFrequencies
        return AttentionLayout(
            cachedKeys: [CachedKeyRotation(frequencies: frequencies, newKeyPositions: indices.map { Float($0) }),
                         CachedKeyRotation(frequencies: frequencies, newKeyPositions: indices.map { _ in 0 })],
            views: [AttentionView(frequencies: frequencies, queryPositions: indices.map { Float($0) }, keys: .cached(slot: 0)),
                    AttentionView(frequencies: frequencies, queryPositions: indices.map { _ in Float(window) }, keys: .cached(slot: 1))],
            thresholds: indices.map { Int32($0 - window + 1) })
    }
}
