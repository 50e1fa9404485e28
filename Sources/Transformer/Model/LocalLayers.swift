import Tensor

/// A session's local (sliding-window) layers, which run as trained whatever positioning scheme
/// the global layers use: plain positions with the local RoPE frequencies, their own key/value
/// cache, and one layout and set of angles per step.
final class LocalLayers {
    /// Keys and values of the local layers only (indexed by `cacheIndex`).
    let cache: KeyValueCache
    /// Plain positions with the local layers' frequencies.
    let context: PositioningContext
    let anglePool = AnglePool()
    /// The current step's layout and angles (set by `beginStep`).
    private(set) var layout: AttentionLayout?
    private(set) var angles: StepAngles?

    init(cache: KeyValueCache, context: PositioningContext) {
        self.cache = cache
        self.context = context
    }

    /// Prepares the plain layout of a step adding `count` tokens after `cached`.
    func beginStep(cached: Int, adding count: Int, session: InferenceSession) throws {
        let stepLayout = try StandardPositioning().layout(cached: cached, adding: count, context: context)
        layout = stepLayout
        angles = session.prepareAngles(for: stepLayout, pool: anglePool, tracksRepositionedKeys: false)
    }
}

extension PositioningContext {
    /// The context of a model's local layers: plain frequencies with `localBase` (or the
    /// model's own frequencies when the local layers share the global base).
    func local(base localBase: Double?) -> PositioningContext {
        guard let localBase else { return self }
        return PositioningContext(baseFrequencies: .standard(base: localBase, dimension: rotaryDimension), ropeBase: localBase,
                                  rotaryDimension: rotaryDimension, contextLength: contextLength)
    }
}
