import Foundation
import Tensor

/// Per-token negative log-likelihood of a text under a model.
public struct ScoreResult: Sendable, Equatable {
    /// Tokens scored (the first has no prediction).
    public var tokenCount: Int
    /// `nll[i] = -ln p(token[i+1] | tokens[0...i])`, natural log; `tokenCount - 1` values.
    public var negativeLogLikelihoods: [Float]

    /// A result for `tokenCount` tokens and their `tokenCount - 1` losses.
    public init(tokenCount: Int, negativeLogLikelihoods: [Float]) {
        self.tokenCount = tokenCount
        self.negativeLogLikelihoods = negativeLogLikelihoods
    }

    /// Mean of the NLLs (accumulated in Double).
    public var meanNegativeLogLikelihood: Double {
        guard !negativeLogLikelihoods.isEmpty else { return .nan }
        return negativeLogLikelihoods.reduce(0.0) { $0 + Double($1) } / Double(negativeLogLikelihoods.count)
    }

    /// `exp(mean NLL)`.
    public var perplexity: Double { exp(meanNegativeLogLikelihood) }
}


extension InferenceSession {
    /// Appends `tokens` (at least two) and returns the NLL of every token after the first,
    /// computed from the same batched forward passes as a prefill; logits rows are reduced as
    /// they come, so no `n × vocabulary` matrix is kept.
    ///
    /// With `stride`, the tokens are appended in pieces of `stride` tokens, one forward call each,
    /// with the key/value cache carrying the context — the reference's perplexity protocol for
    /// methods other than GALI and ChunkLlama (which score the whole text in one call). Every
    /// token after the first is scored either way. `progress(done, total)` is called as rows
    /// are scored.
    public func score(_ tokens: [Int], stride: Int? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> ScoreResult {
        guard tokens.count >= 2 else {
            throw InferenceError.invalidArgument("scoring needs at least 2 tokens, got \(tokens.count)")
        }
        if let stride, stride < 1 { throw InferenceError.invalidArgument("the scoring stride must be at least 1, not \(stride)") }
        let start = count
        var nll = [Float](repeating: 0, count: tokens.count - 1)
        let pieceLength = stride ?? tokens.count
        var offset = 0
        while offset < tokens.count {
            let piece = Array(tokens[offset..<min(offset + pieceLength, tokens.count)])
            try append(piece, logits: .all) { index, row in
                let local = index - start
                if local < tokens.count - 1 {
                    let target = tokens[local + 1]
                    nll[local] = Kernels.logSumExp(row.baseAddress!, count: row.count) - row[target]
                }
                if let progress, local % 64 == 63 || local == tokens.count - 1 { progress(local + 1, tokens.count) }
            }
            offset += piece.count
        }
        return ScoreResult(tokenCount: tokens.count, negativeLogLikelihoods: nll)
    }
}
