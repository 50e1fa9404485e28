import Extrapolation
import Foundation
import Transformer

/// Greedy generation over a series of prompts that keeps one session: each prompt's first
/// tokens shared with the previous prompt are kept in the cache instead of recomputed, as far
/// as the method allows (`PositionalExtrapolation.reusablePrefix`: by default the shared part
/// within the original window — an instruction and the start of a haystack). Outputs equal
/// those of `GreedyGeneration.generate` on a fresh session.
public final class PrefixReusingGeneration {
    /// The model and method.
    public let loaded: LoadedModel
    private let batchSize: Int
    private var session: InferenceSession?

    /// A generator for `loaded` (prefill in batches of `batchSize`).
    public init(loaded: LoadedModel, batchSize: Int = 512) {
        self.loaded = loaded
        self.batchSize = batchSize
    }

    /// Generates after `prompt`, reusing what the previous prompt left in the cache.
    public func generate(prompt: [Int], maxNewTokens: Int) throws -> GreedyGeneration.Output {
        guard !prompt.isEmpty else { throw InferenceError.invalidArgument("the prompt is empty") }
        let start = Date()
        try loaded.checkFits(tokens: prompt.count + maxNewTokens)
        let session = try self.session ?? loaded.makeSession(batchSize: batchSize)
        self.session = session
        let cached = session.tokens
        var common = 0
        let limit = min(cached.count, prompt.count)
        while common < limit && cached[common] == prompt[common] { common += 1 }
        let kept = loaded.method.reusablePrefix(common: common, promptLength: prompt.count)
        session.truncate(to: kept)
        session.reserve(prompt.count + maxNewTokens + 1)
        var output = try GreedyGeneration.continueGreedily(session, loaded: loaded, appending: Array(prompt[kept...]), maxNewTokens: maxNewTokens)
        output.reusedTokens = kept
        output.seconds = Date().timeIntervalSince(start)
        return output
    }
}
