import Tensor

/// What the model tells a positioning scheme about itself.
public struct PositioningContext: Sendable {
    /// The model's own RoPE frequencies (base and dimension from the checkpoint).
    public var baseFrequencies: RotaryFrequencies
    /// RoPE base of the checkpoint.
    public var ropeBase: Double
    /// Rotated dimensions per head.
    public var rotaryDimension: Int
    /// Length the checkpoint was trained for.
    public var contextLength: Int

    public init(baseFrequencies: RotaryFrequencies, ropeBase: Double, rotaryDimension: Int, contextLength: Int) {
        self.baseFrequencies = baseFrequencies
        self.ropeBase = ropeBase
        self.rotaryDimension = rotaryDimension
        self.contextLength = contextLength
    }
}

/// The positions-and-logits seam: decides, for each forward step, how queries and keys are
/// rotated and combined. The unmodified model (`StandardPositioning`) is one conforming type;
/// every extrapolation method is another.
///
/// Conforming types are immutable values: the layout of a step depends only on how many tokens
/// are cached and how many the step adds.
public protocol AttentionPositioning: Sendable {
    /// Number of rotated copies of each key the cache keeps (the slots layouts refer to).
    func cachedKeySlotCount(context: PositioningContext) -> Int
    /// Whether layouts re-position keys every step (views with `.positioned` or `.blended`
    /// keys), so that the engine needs every key's unrotated form. With a Float32 cache the
    /// engine stores the unrotated keys; with a compact cache it recovers them from cache slot 0,
    /// which every layout must then fill with the unmodified rotation (each key at its sequence
    /// index, the checkpoint's frequencies; see `storesUnrotatedKeys(context:cacheType:)`).
    func keepsUnrotatedKeys(context: PositioningContext) -> Bool
    /// How `count` new tokens after `cached` split into forward steps (lengths summing to
    /// `count`). Each step gets one layout; the engine may still compute a step in smaller
    /// batches unless the layout requires the whole step at once.
    func stepLengths(cached: Int, adding count: Int, context: PositioningContext) -> [Int]
    /// The layout of a step adding `count` tokens after `cached`.
    func layout(cached: Int, adding count: Int, context: PositioningContext) throws -> AttentionLayout
    /// Throws when the sequence would grow to `length` tokens, more than the scheme supports;
    /// the session checks this once per `append`, before any work.
    func checkLength(_ length: Int) throws
}

extension AttentionPositioning {
    public func cachedKeySlotCount(context: PositioningContext) -> Int { 1 }
    public func keepsUnrotatedKeys(context: PositioningContext) -> Bool { false }
    public func stepLengths(cached: Int, adding count: Int, context: PositioningContext) -> [Int] { count > 0 ? [count] : [] }
    public func checkLength(_ length: Int) throws {}

    /// Whether a cache of `cacheType` stores unrotated keys (Float32) for this scheme: only
    /// when the scheme re-positions keys and the cache is Float32, where storing them keeps
    /// exact precision's re-positioned keys bit for bit. A compact cache recovers them from
    /// slot 0 instead (rotating back with the same angle rows), which saves a Float32 copy of
    /// every key and adds only float rounding to the rounding the compact type already has.
    public func storesUnrotatedKeys(context: PositioningContext, cacheType: CacheElementType) -> Bool {
        keepsUnrotatedKeys(context: context) && cacheType == .f32
    }

    /// The ordinary layout with the checkpoint's own frequencies (schemes that move positions
    /// or change frequencies replace it).
    public func layout(cached: Int, adding count: Int, context: PositioningContext) throws -> AttentionLayout {
        standardLayout(cached: cached, adding: count, frequencies: context.baseFrequencies)
    }

    /// The ordinary layout: positions `cached..<cached+count`, keys rotated once when cached.
    public func standardLayout(cached: Int, adding count: Int, frequencies: RotaryFrequencies) -> AttentionLayout {
        let positions = (cached..<(cached + count)).map { Float($0) }
        return AttentionLayout(cachedKeys: [CachedKeyRotation(frequencies: frequencies, newKeyPositions: positions)],
                               views: [AttentionView(frequencies: frequencies, queryPositions: positions, keys: .cached(slot: 0))])
    }
}

/// The unmodified model: positions `0..<n` with the checkpoint's own frequencies (every default
/// of `AttentionPositioning`; `OriginalMethod` is the same scheme as a registered method).
public struct StandardPositioning: AttentionPositioning {
    /// The unmodified scheme.
    public init() {}
}
