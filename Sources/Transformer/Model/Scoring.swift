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
    /// computed from the same batched forward passes as a prefill. No `n × vocabulary` matrix is
    /// kept: the output head runs once per batch into each row's log-sum-exp and target logit
    /// (`LinearKernel.logSumExp`), or for short batches a few logit rows at a time.
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
            try append(piece, decodingFollows: false) { rows, first in
                let local = first - start
                let targets = (local..<(local + rows)).map { $0 + 1 < tokens.count ? tokens[$0 + 1] : -1 }
                try scoreBatch(rows: rows, firstIndex: first, targets: targets, into: &nll, at: local)
                progress?(local + rows, tokens.count)
            }
            offset += piece.count
        }
        return ScoreResult(tokenCount: tokens.count, negativeLogLikelihoods: nll)
    }

    /// NLLs of the last batch's `rows` rows (the first at session index `firstIndex`; `targets`:
    /// each row's next token, -1 for none) into `nll[first...]`. A batch of more rows than the
    /// output head computes at once runs the head once into each row's log-sum-exp and target
    /// logit, so its weights are unpacked once for the batch. Shorter batches, and models with a
    /// final logit soft-cap, reduce logit rows as they come (up to three rows need no unpacking).
    private func scoreBatch(rows: Int, firstIndex: Int, targets: [Int], into nll: inout [Float], at first: Int) throws {
        let c = model.configuration
        if rows <= DecoderWorkspace.logitRowsPerBlock || c.options.finalLogitSoftCap > 0 {
            try emitLogits(rows: 0..<rows, firstIndex: firstIndex) { index, row in
                let target = targets[index - firstIndex]
                if target >= 0 { nll[first + index - firstIndex] = Kernels.logSumExp(row.baseAddress!, count: row.count) - row[target] }
            }
            return
        }
        var logSumExp = [Float](repeating: 0, count: rows), targetLogits = [Float](repeating: 0, count: rows)
        try model.linear.prepare(input: workspace.normed.pointer, rows: rows, columns: c.hiddenSize)
        try model.linear.logSumExp(model.weights.outputHead, targets: targets, logSumExp: &logSumExp, targetLogits: &targetLogits)
        for row in 0..<rows where targets[row] >= 0 { nll[first + row] = logSumExp[row] - targetLogits[row] }
    }
}
