import Foundation
import Tensor
import Transformer

/// ChunkLlama / dual chunk attention (`chunk_llama`, alias `repro_chunkllama`). From the window
/// W: chunk size `s = ⌊3W/4⌋`, local window `w = ⌊W/16⌋`, chunk length `c = s − w`. Key `j` is at
/// `j mod c`; query `i` is at `i mod c` for keys of its own chunk, `min(i mod c + c, s)` for the
/// previous chunk and `min(2c − 1, s)` for older chunks. The three parts share one softmax
/// (an exact merge; the reference's bfloat16 merge weights are not reproduced).
///
/// With `mscale` (the reference's behaviour), when the length `L` after a step exceeds W, cos and
/// sin of that step's queries and new keys are multiplied by `0.1·ln(L/W) + 1`; cached keys keep
/// the factor of the step that computed them, as in the reference's decoding.
public struct ChunkLlama: PositionalExtrapolation {
    public static let descriptor = MethodDescriptor(
        name: "chunk_llama", aliases: ["repro_chunkllama"],
        summary: "Keys at j mod c; queries at i mod c (same chunk), min(i mod c + c, s) (previous chunk), min(2c − 1, s) (older); s = ⌊3W/4⌋, c = s − ⌊W/16⌋.",
        parameters: [ParameterSpec("mscale", .boolean, default: .bool(true), "scale cos/sin by 0.1·ln(L/W) + 1 beyond W, as the reference does")],
        scoresWholeText: true)

    public let originalWindow: Int
    /// Whether to apply the reference's length-dependent scaling.
    public let mscale: Bool

    public init(parameters: MethodParameters, originalWindow: Int) throws {
        self.originalWindow = originalWindow
        self.mscale = try parameters.bool("mscale")
    }

    /// Chunk size s.
    public var chunkSize: Int { 3 * originalWindow / 4 }
    /// Local window w.
    public var localWindow: Int { originalWindow / 16 }
    /// Chunk length c.
    public var chunkLength: Int { max(chunkSize - localWindow, 1) }

    /// Scaling of cos/sin at length `length`.
    public func scaling(atLength length: Int) -> Float {
        guard mscale, length > originalWindow else { return 1 }
        return Float(0.1 * log(Double(length) / Double(originalWindow)) + 1)
    }

    /// Query positions of sequence index `i` for keys in the same, previous and older chunks.
    public func queryPositions(_ i: Int) -> (same: Int, previous: Int, older: Int) {
        let c = chunkLength
        return (i % c, min(i % c + c, chunkSize), min(2 * c - 1, chunkSize))
    }

    /// None with `mscale`: a step's keys carry the factor of the length after it, so a prefix
    /// cached while computing a longer prompt differs from a fresh one; else the default.
    public func reusablePrefix(common: Int, promptLength: Int) -> Int {
        mscale ? 0 : max(0, min(common, originalWindow, promptLength - 1))
    }

    public func layout(cached: Int, adding count: Int, context: PositioningContext) throws -> AttentionLayout {
        let indices = cached..<(cached + count)
        let frequencies = context.baseFrequencies.withAttentionScaling(scaling(atLength: cached + count))
        let c = chunkLength
        let positions = indices.map(queryPositions)
        var thresholds: [Int32] = []
        thresholds.reserveCapacity(count * 2)
        for i in indices {
            let chunk = i / c
            thresholds.append(Int32(chunk * c))
            thresholds.append(Int32((chunk - 1) * c))
        }
        return AttentionLayout(
            cachedKeys: [CachedKeyRotation(frequencies: frequencies, newKeyPositions: indices.map { Float($0 % c) })],
            views: [AttentionView(frequencies: frequencies, queryPositions: positions.map { Float($0.same) }, keys: .cached(slot: 0)),
                    AttentionView(frequencies: frequencies, queryPositions: positions.map { Float($0.previous) }, keys: .cached(slot: 0)),
                    AttentionView(frequencies: frequencies, queryPositions: positions.map { Float($0.older) }, keys: .cached(slot: 0))],
            thresholds: thresholds)
    }
}
