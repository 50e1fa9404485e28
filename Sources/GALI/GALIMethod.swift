import Extrapolation
import Tensor
import Transformer

/// GALI — Greedy Attention Logit Interpolation (`gali`, alias `dpi`).
///
/// * Prefill: the first `W` tokens run as ordinary attention; the rest follows in chunks
///   (`chunk_coe`). Every step places all `n` tokens so far with `GreedyPositions(n, W, lw)`
///   and re-positions every cached (unrotated) key; decoding does the same each token.
/// * With `appro_attn`, a query sits at `⌈P_i⌉` and the logit for key `j` interpolates the two
///   in-distribution logits at relative distances `⌊r⌋` and `⌈r⌉`: with `f = ⌈P_j⌉ − P_j`,
///   `logit = (1 − f)·q·R(⌈P_j⌉)k + f·q·R(⌊P_j⌋)k`. That is linear in the key, so each key is
///   blended once per step and the fused attention kernel runs unchanged; memory stays O(tile).
///   (The reference computes `f` per pair as `(⌈P_i⌉ − P_j) mod 1` in float32, which equals
///   `⌈P_j⌉ − P_j` up to float32 rounding at the query's magnitude, below 1e-4.)
/// * Optional noise on interpolated logits (gaussian or uniform), reproducible with `seed`.
/// * Keys from the integer tail on (`GreedyPositions.integerTailStart`) sit one position apart
///   up to the newest token, so their distances to every query equal the unmodified model's:
///   they are attended in the unmodified frame (cache slot 0, rotated once at their sequence
///   index, query at its sequence index). Only the older keys form the re-positioned view, and
///   their positions change only when the group size does or a key leaves the tail, so a
///   decoding step re-rotates about one key per layer instead of the whole tail. (The row-mean
///   noise option, `scale_mean`, needs every key in one view and keeps the single view.)
public struct GALIMethod: PositionalExtrapolation {
    public static let descriptor = MethodDescriptor(
        name: "gali", aliases: ["dpi"],
        summary: "Greedy positions inside [0, W) (group size ⌈(n − lw)/(W − lw)⌉, newest ≥ lw tokens at exact integers); query at ⌈P_i⌉, logit interpolated between key positions ⌈P_j⌉ and ⌊P_j⌋; chunked prefill; optional noise.",
        constraint: "local_window < W",
        parameters: GALIParameters.specs,
        scoresWholeText: true)

    public let originalWindow: Int
    /// The method's settings.
    public let parameters: GALIParameters

    public init(parameters: MethodParameters, originalWindow: Int) throws {
        try self.init(GALIParameters(parameters), originalWindow: originalWindow)
    }

    /// Builds GALI from typed parameters.
    public init(_ parameters: GALIParameters, originalWindow: Int) throws {
        guard parameters.localWindow >= 0, parameters.localWindow < originalWindow else {
            throw ExtrapolationError.invalidConfiguration(
                method: Self.descriptor.name, message: "local_window (\(parameters.localWindow)) must be below the window W (\(originalWindow))")
        }
        switch parameters.chunkCoefficient {
        case .fixed(let size) where size < 1:
            throw ExtrapolationError.invalidParameter(method: Self.descriptor.name, name: "chunk_coe", message: "must be positive, not \(size)")
        case .relative(let coefficient) where !(coefficient > 0):
            throw ExtrapolationError.invalidParameter(method: Self.descriptor.name, name: "chunk_coe", message: "must be positive, not \(coefficient)")
        default: break
        }
        self.originalWindow = originalWindow
        self.parameters = parameters
    }

    public func cachedKeySlotCount(context: PositioningContext) -> Int { 1 }
    public func keepsUnrotatedKeys(context: PositioningContext) -> Bool { true }

    /// The greedy schedule for `count` tokens.
    public func positions(count: Int) throws -> GreedyPositions {
        try GreedyPositions(count: count, window: originalWindow, localWindow: parameters.localWindow)
    }

    /// Prefill chunks: up to `W` first, then `chunk_coe`-sized chunks (the last one cut to fit).
    public func stepLengths(cached: Int, adding count: Int, context: PositioningContext) -> [Int] {
        var steps: [Int] = []
        var done = cached
        let end = cached + count
        while done < end {
            var next: Int
            if done < originalWindow {
                next = originalWindow - done
            } else {
                switch parameters.chunkCoefficient {
                case .fixed(let size): next = size
                case .relative(let coefficient): next = max(1, Int(Double(done) * coefficient))
                }
            }
            next = min(next, end - done)
            steps.append(next)
            done += next
        }
        return steps
    }

    public func layout(cached: Int, adding count: Int, context: PositioningContext) throws -> AttentionLayout {
        let total = cached + count
        let frequencies = context.baseFrequencies
        let schedule = try positions(count: total)
        let newTokens = cached..<total
        let sequence = newTokens.map { Float($0) }
        let slot = CachedKeyRotation(frequencies: frequencies, newKeyPositions: sequence)
        if total <= originalWindow {
            return AttentionLayout(cachedKeys: [slot], views: [AttentionView(frequencies: frequencies, queryPositions: sequence,
                                                                              keys: .cached(slot: 0))])
        }
        let positions = schedule.positions
        let noise = self.noise
        let tail = noise?.meanFromRow == true ? 0 : schedule.integerTailStart
        let tailView = AttentionView(frequencies: frequencies, queryPositions: sequence, keys: .cached(slot: 0))
        let thresholds = [Int32](repeating: Int32(tail), count: tail > 0 ? count : 0)
        // Keys of the tail get a fixed placeholder rotation in the re-positioned view (the tail view covers them).
        func older(_ values: [Float]) -> [Float] { tail > 0 ? Array(values[..<tail]) + [Float](repeating: 0, count: total - tail) : values }
        guard parameters.interpolateLogits else {
            let view = AttentionView(frequencies: frequencies, queryPositions: newTokens.map { positions[$0] }, keys: .positioned(older(positions)))
            return tail > 0 ? AttentionLayout(cachedKeys: [slot], views: [tailView, view], thresholds: thresholds)
                            : AttentionLayout(cachedKeys: [slot], views: [view])
        }
        let upper = positions.map { $0.rounded(.up) }
        let lower = positions.map { $0.rounded(.down) }
        let weights = zip(upper, positions).map { $0 - $1 }
        let view = AttentionView(frequencies: frequencies, queryPositions: newTokens.map { upper[$0] },
                                 keys: .blended(upper: older(upper), lower: older(lower), lowerWeight: older(weights)))
        return tail > 0 ? AttentionLayout(cachedKeys: [slot], views: [tailView, view], thresholds: thresholds, noise: noise)
                        : AttentionLayout(cachedKeys: [slot], views: [view], noise: noise)
    }

    /// The noise setting of the layout (nil for `noise_type = "no"`).
    var noise: LogitNoise? {
        let kind: LogitNoise.Kind
        switch parameters.noiseType {
        case .no: return nil
        case .gaussian: kind = .gaussian
        case .uniform: kind = .uniform
        }
        return LogitNoise(kind: kind, onlyInterpolated: parameters.noiseOnlyOnInterpolated,
                          meanFromRow: parameters.meanFromRow,
                          scaleStandardDeviation: parameters.scaleStandardDeviation,
                          standardDeviationBase: Float(parameters.standardDeviationBase),
                          maximumFromRow: parameters.maximumFromRow, seed: parameters.seed)
    }
}
