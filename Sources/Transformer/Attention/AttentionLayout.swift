import Tensor

/// How one forward step positions its attention: the seam every extrapolation method plugs into.
///
/// A step adds `count` tokens after `cached` ones; its queries are the new tokens and its keys
/// are all `cached + count` tokens (causal by sequence index). The layout gives up to four
/// *views*, each a rotation of the queries paired with a rotation of the keys, and for each new
/// query the key thresholds that decide which view supplies the logit of each (query, key) pair:
/// view 0 covers keys `j >= t[0]` (the nearest), view 1 covers `t[1] <= j < t[0]`, and so on.
///
/// * Frequency methods (linear, NTK, YaRN, ...) use one view with their frequencies.
/// * SelfExtend uses two views (neighbour and grouped positions) split at `i - window + 1`.
/// * ChunkLlama uses three views (same, previous and older chunks) sharing one key rotation.
/// * GALI uses one view whose keys blend two rotations (attention-logit interpolation is linear
///   in the key, so blending keys equals blending the two logits).
public struct AttentionLayout: Sendable {
    /// Key rotations the cache keeps: for each slot, how the step's new keys are rotated before
    /// they are stored. Slots are fixed for a session; a key never changes once stored.
    public var cachedKeys: [CachedKeyRotation]
    /// The views, nearest first.
    public var views: [AttentionView]
    /// `[count][views.count - 1]` thresholds (sequence indices), one row per new token; empty
    /// with a single view.
    public var thresholds: [Int32]
    /// Noise added to logits (GALI), or nil.
    public var noise: LogitNoise?

    /// A layout: the cache slots, the views (nearest first), their thresholds and optional noise.
    public init(cachedKeys: [CachedKeyRotation], views: [AttentionView], thresholds: [Int32] = [], noise: LogitNoise? = nil) {
        self.cachedKeys = cachedKeys
        self.views = views
        self.thresholds = thresholds
        self.noise = noise
    }

    /// How many keys view `index` can serve to the step's new tokens `rows` (indices within the
    /// step) out of `keyCount`: view `v > 0` covers only keys below its nearer neighbour's
    /// threshold, so keys at or above the largest such threshold need no rotation for it.
    public func keysServed(byView index: Int, rows: Range<Int>, keyCount: Int) -> Int {
        guard index > 0, views.count > 1, !rows.isEmpty else { return keyCount }
        let stride = views.count - 1
        var bound = 0
        for row in rows { bound = max(bound, Int(thresholds[row * stride + index - 1])) }
        return min(bound, keyCount)
    }

    /// Whether the whole step must run as one batch: noise whose mean or scale comes from
    /// statistics over every key of the step needs all of the step's keys at once.
    public var requiresWholeStep: Bool { noise.map { $0.meanFromRow || $0.maximumFromRow } ?? false }

    /// Checks the layout's shape for a step of `count` new tokens after `cached`.
    public func validate(cached: Int, count: Int) throws {
        let total = cached + count
        func fail(_ message: String) -> AttentionLayoutError { AttentionLayoutError(message: message) }
        guard !views.isEmpty, views.count <= AttentionKernel.maximumViews else {
            throw fail("a layout needs 1...\(AttentionKernel.maximumViews) views, not \(views.count)")
        }
        guard thresholds.count == (views.count == 1 ? 0 : count * (views.count - 1)) || (views.count == 1 && thresholds.isEmpty) else {
            throw fail("\(views.count) views need \(count * (views.count - 1)) thresholds, not \(thresholds.count)")
        }
        for slot in cachedKeys where slot.newKeyPositions.count != count {
            throw fail("a cached key rotation needs \(count) positions, not \(slot.newKeyPositions.count)")
        }
        for view in views {
            guard view.queryPositions.count == count else {
                throw fail("a view needs \(count) query positions, not \(view.queryPositions.count)")
            }
            switch view.keys {
            case .cached(let slot):
                guard slot >= 0, slot < cachedKeys.count else { throw fail("a view uses key slot \(slot) of \(cachedKeys.count)") }
            case .positioned(let positions):
                guard positions.count == total else { throw fail("repositioned keys need \(total) positions, not \(positions.count)") }
            case .blended(let upper, let lower, let weight):
                guard upper.count == total, lower.count == total, weight.count == total else {
                    throw fail("blended keys need \(total) positions and weights")
                }
            }
        }
        if noise != nil && !views.contains(where: { if case .blended = $0.keys { return true } else { return false } }) {
            throw fail("logit noise needs a view with blended keys")
        }
    }

    /// Whether some view re-positions its keys (`.positioned` or `.blended`).
    public var repositionsKeys: Bool {
        views.contains { if case .cached = $0.keys { return false } else { return true } }
    }

    /// Checks that re-positioned keys can be recovered from cache slot 0 (a cache without
    /// unrotated keys): slot 0 must rotate each new key at its sequence index with
    /// `frequencies`, the checkpoint's own. Layouts that re-position no key pass.
    public func validateKeyRecovery(cached: Int, frequencies: RotaryFrequencies) throws {
        guard repositionsKeys else { return }
        guard let slot = cachedKeys.first, slot.frequencies == frequencies,
              slot.newKeyPositions.enumerated().allSatisfy({ $0.element == Float(cached + $0.offset) }) else {
            throw AttentionLayoutError(message: "re-positioned keys with a compact cache need cache slot 0 to hold every key at its sequence index with the checkpoint's frequencies")
        }
    }
}

/// How new keys of a step are rotated before they enter a cache slot.
public struct CachedKeyRotation: Sendable {
    /// Frequencies of the rotation.
    public var frequencies: RotaryFrequencies
    /// One position per new token.
    public var newKeyPositions: [Float]

    public init(frequencies: RotaryFrequencies, newKeyPositions: [Float]) {
        self.frequencies = frequencies
        self.newKeyPositions = newKeyPositions
    }
}

/// One rotation of queries and keys.
public struct AttentionView: Sendable {
    /// Frequencies for the queries (and for keys repositioned in this step).
    public var frequencies: RotaryFrequencies
    /// One position per new token.
    public var queryPositions: [Float]
    /// Where the keys come from.
    public var keys: ViewKeys

    public init(frequencies: RotaryFrequencies, queryPositions: [Float], keys: ViewKeys) {
        self.frequencies = frequencies
        self.queryPositions = queryPositions
        self.keys = keys
    }
}

/// The keys of a view.
public enum ViewKeys: Sendable {
    /// Keys as rotated when they entered cache slot `slot`.
    case cached(slot: Int)
    /// Every key rotated afresh at these positions (one per key of the step).
    case positioned([Float])
    /// Every key `j` becomes `(1 - w_j)·R(upper_j)k_j + w_j·R(lower_j)k_j`: the logit of the pair
    /// is then the interpolation of the logits at the two positions.
    case blended(upper: [Float], lower: [Float], lowerWeight: [Float])
}

/// A layout that does not fit the step it was made for.
public struct AttentionLayoutError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "invalid attention layout: \(message)" }
}
