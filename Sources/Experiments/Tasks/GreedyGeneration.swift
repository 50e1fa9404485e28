import Extrapolation
import Foundation
import Transformer

/// Greedy decoding as the reference's `model.generate(..., do_sample=False)` does it: the most
/// likely token each step, stopping after a stop token (which, like Hugging Face, is part of the
/// output but decoded away when special) or `maxNewTokens`.
public struct GreedyGeneration {
    /// What one generation produced.
    public struct Output: Sendable {
        /// Decoded new text, special tokens skipped (`skip_special_tokens=True`).
        public var text: String
        /// New token ids, the stop token included when one ended the generation.
        public var tokens: [Int]
        /// Prompt tokens.
        public var promptLength: Int
        /// Prompt plus new tokens (the reference's `final_len`).
        public var finalLength: Int { promptLength + tokens.count }
        /// Seconds for prefill and decoding.
        public var seconds: Double
        /// Prompt tokens taken from an earlier prompt's cache instead of computed.
        public var reusedTokens = 0
    }

    /// Generates after `prompt` in a fresh session. `extraStopTokens` end generation too (the
    /// reference's newline terminator for samsum); during the first `minNewTokens` steps no stop
    /// token may be chosen (Hugging Face's `min_length`).
    public static func generate(_ loaded: LoadedModel, prompt: [Int], maxNewTokens: Int, extraStopTokens: Set<Int> = [],
                                minNewTokens: Int = 0, batchSize: Int = 512) throws -> Output {
        guard !prompt.isEmpty else { throw InferenceError.invalidArgument("the prompt is empty") }
        let start = Date()
        try loaded.checkFits(tokens: prompt.count + maxNewTokens)
        let session = try loaded.makeSession(reserving: prompt.count + maxNewTokens + 1, batchSize: batchSize)
        var output = try continueGreedily(session, loaded: loaded, appending: prompt, maxNewTokens: maxNewTokens,
                                          extraStopTokens: extraStopTokens, minNewTokens: minNewTokens)
        output.seconds = Date().timeIntervalSince(start)
        return output
    }

    /// Appends `newTokens` (the rest of the prompt) to `session` and decodes greedily after them;
    /// the output's `promptLength` is the session's length before decoding.
    static func continueGreedily(_ session: InferenceSession, loaded: LoadedModel, appending newTokens: [Int], maxNewTokens: Int,
                                 extraStopTokens: Set<Int> = [], minNewTokens: Int = 0) throws -> Output {
        let stops = loaded.tokenizer.stopTokenIDs.union(extraStopTokens)
        var generated: [Int] = []
        var next = 0
        func choose(_ row: UnsafeBufferPointer<Float>) {
            let banStops = generated.count < minNewTokens
            var best = -1
            var bestValue = -Float.infinity
            for index in 0..<row.count {
                let value = row[index]
                if best >= 0 && !(value > bestValue) { continue }
                if banStops && stops.contains(index) { continue }
                best = index
                bestValue = value
            }
            next = max(best, 0)
        }
        let promptLength = session.count + newTokens.count
        if maxNewTokens > 0 {
            try session.append(newTokens, logits: .last) { _, row in choose(row) }
            while generated.count < maxNewTokens {
                generated.append(next)
                if stops.contains(next) || generated.count == maxNewTokens { break }
                try session.append([next], logits: .last) { _, row in choose(row) }
            }
        }
        let text = try loaded.tokenizer.decode(generated, skipSpecialTokens: true)
        return Output(text: text, tokens: generated, promptLength: promptLength, seconds: 0)
    }
}
