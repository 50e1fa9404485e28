import Tensor

/// Collects attention maps for analysis while a session runs: the attention logits or scores
/// (softmax probabilities) averaged over the chosen layers and all heads — the reference's
/// `[batch, layer, head, q, k] → [q, k]` — as a grid of at most `resolution` cells per side,
/// accumulated tile by tile so memory stays O(resolution²) at any length.
///
/// Attach it with `InferenceSession.probe` before appending the tokens to analyse. Noise is
/// excluded from the collected values.
public final class AttentionProbe {
    /// What is averaged.
    public enum Quantity: String, Sendable, CaseIterable {
        /// Scaled dot products `q·k/√d` (after the method's position handling).
        case logits
        /// Softmax probabilities of each row.
        case scores
    }

    public let quantity: Quantity
    /// Layers to average (nil: every layer).
    public let layers: Set<Int>?
    /// Tokens the grid spans (queries and keys `0..<length`).
    public let length: Int
    /// Cells per side (at most `length`).
    public let resolution: Int

    var sums: [Double]
    var counts: [Int64]

    /// A probe for a sequence of `length` tokens. Throws for non-positive sizes.
    public init(quantity: Quantity, layers: Set<Int>? = nil, length: Int, resolution: Int = 512) throws {
        guard length >= 1, resolution >= 1 else {
            throw InferenceError.invalidArgument("an attention probe needs a positive length and resolution (got \(length), \(resolution))")
        }
        self.quantity = quantity
        self.layers = layers
        self.length = length
        self.resolution = min(resolution, length)
        sums = [Double](repeating: 0, count: self.resolution * self.resolution)
        counts = [Int64](repeating: 0, count: self.resolution * self.resolution)
    }

    /// Whether layer `layer` is probed.
    public func includes(layer: Int) -> Bool { layers?.contains(layer) ?? true }

    /// The averaged grid, rows = query cells, columns = key cells; NaN where no (query, key) pair
    /// was visible (above the causal diagonal).
    public var matrix: [[Float]] {
        (0..<resolution).map { row in
            (0..<resolution).map { column in
                let index = row * resolution + column
                return counts[index] == 0 ? .nan : Float(sums[index] / Double(counts[index]))
            }
        }
    }

    func accumulate(_ arguments: AttentionKernel.Arguments, kernel: AttentionKernel) throws {
        guard arguments.keyCount <= length else {
            throw InferenceError.invalidArgument("the attention probe covers \(length) tokens but the sequence has \(arguments.keyCount)")
        }
        try sums.withUnsafeMutableBufferPointer { sumPointer in
            try counts.withUnsafeMutableBufferPointer { countPointer in
                try kernel.probe(arguments, probabilities: quantity == .scores, totalLength: length, resolution: resolution,
                                 sums: sumPointer.baseAddress!, counts: countPointer.baseAddress!)
            }
        }
    }
}
