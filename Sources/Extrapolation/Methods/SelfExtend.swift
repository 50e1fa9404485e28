import Transformer

/// SelfExtend (`self_extend`, alias `repro_se`): for query `i` and key `j ≤ i`, ordinary RoPE
/// when `i − j < window_size`, else grouped positions `q' = ⌊i/G⌋ + W_n − ⌊W_n/G⌋`,
/// `k' = ⌊j/G⌋`; one softmax over the merged logits.
///
/// Both key rotations are fixed per key, so the cache keeps two rotated copies and decoding
/// costs no re-rotation.
public struct SelfExtend: PositionalExtrapolation {
    public static let descriptor = MethodDescriptor(
        name: "self_extend", aliases: ["repro_se"],
        summary: "Neighbour keys (i − j < window_size) use ordinary RoPE; others use q' = ⌊i/G⌋ + W_n − ⌊W_n/G⌋, k' = ⌊j/G⌋.",
        constraint: "(W − window_size) · group_size + window_size ≥ target length",
        parameters: [
            ParameterSpec("group_size", .integer(1...1_000_000), default: nil, "group size G"),
            ParameterSpec("window_size", .integer(1...100_000_000), default: nil, "neighbour window W_n"),
        ],
        scoresWholeText: true)

    public let originalWindow: Int
    /// Group size G.
    public let groupSize: Int
    /// Neighbour window W_n.
    public let windowSize: Int

    public init(parameters: MethodParameters, originalWindow: Int) throws {
        self.originalWindow = originalWindow
        self.groupSize = try parameters.int("group_size")
        self.windowSize = try parameters.int("window_size")
    }

    public var maximumLength: Int? { (originalWindow - windowSize) * groupSize + windowSize }

    public func cachedKeySlotCount(context: PositioningContext) -> Int { 2 }

    /// Query position of sequence index `i` in the neighbour and grouped views.
    public func queryPositions(_ i: Int) -> (neighbour: Int, grouped: Int) {
        (i, i / groupSize + windowSize - windowSize / groupSize)
    }

    /// Key position of sequence index `j` in the neighbour and grouped views.
    public func keyPositions(_ j: Int) -> (neighbour: Int, grouped: Int) { (j, j / groupSize) }

    public func layout(cached: Int, adding count: Int, context: PositioningContext) throws -> AttentionLayout {
        let indices = cached..<(cached + count)
        let frequencies = context.baseFrequencies
        let neighbour = indices.map { Float(queryPositions($0).neighbour) }
        let grouped = indices.map { Float(queryPositions($0).grouped) }
        return AttentionLayout(
            cachedKeys: [CachedKeyRotation(frequencies: frequencies, newKeyPositions: indices.map { Float(keyPositions($0).neighbour) }),
                         CachedKeyRotation(frequencies: frequencies, newKeyPositions: indices.map { Float(keyPositions($0).grouped) })],
            views: [AttentionView(frequencies: frequencies, queryPositions: neighbour, keys: .cached(slot: 0)),
                    AttentionView(frequencies: frequencies, queryPositions: grouped, keys: .cached(slot: 1))],
            thresholds: indices.map { Int32($0 - windowSize + 1) })
    }
}
