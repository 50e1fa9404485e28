import Foundation
import Tokenizers

/// When and how generation ends.
public struct GenerationOptions: Sendable {
    /// Upper bound on new tokens.
    public var maxNewTokens: Int
    /// How tokens are picked.
    public var sampling: SamplingOptions
    /// Stop (and cut the text) when the generated text contains one of these.
    public var stopStrings: [String]
    /// Stop at the tokenizer's end-of-sequence / end-of-turn tokens.
    public var stopAtStopTokens: Bool

    /// Options; by default up to 256 greedy tokens, stopping at the model's stop tokens.
    public init(maxNewTokens: Int = 256, sampling: SamplingOptions = .greedy, stopStrings: [String] = [], stopAtStopTokens: Bool = true) {
        self.maxNewTokens = maxNewTokens
        self.sampling = sampling
        self.stopStrings = stopStrings
        self.stopAtStopTokens = stopAtStopTokens
    }
}

/// Why generation ended.
public enum StopReason: String, Sendable, Equatable {
    /// A stop token (end of sequence or of turn) was generated.
    case stopToken
    /// A stop string appeared in the text.
    case stopString
    /// `maxNewTokens` were generated.
    case maxTokens
    /// The caller's callback asked to stop.
    case cancelled
}

/// What a generation produced, with timings.
public struct GenerationResult: Sendable {
    /// Generated token ids (a stop token, if any, excluded).
    public var tokens: [Int]
    /// Generated text (cut before a stop string).
    public var text: String
    /// Why generation ended.
    public var stopReason: StopReason
    /// Tokens of the prompt.
    public var promptTokenCount: Int
    /// Seconds spent on the prompt (prefill, first logits included).
    public var prefillSeconds: Double
    /// Seconds spent generating after the prompt.
    public var decodeSeconds: Double
}

/// Generates text from a session: prefill the prompt, then sample one token per step,
/// streaming text as soon as it is complete UTF-8 and cannot be the start of a stop string.
public struct TextGenerator {
    /// The sequence to extend (it keeps the prompt and generated tokens afterwards).
    public let session: InferenceSession
    /// Turns tokens into text.
    public let tokenizer: Tokenizer

    /// A generator extending `session`, decoding with `tokenizer`.
    public init(session: InferenceSession, tokenizer: Tokenizer) {
        self.session = session
        self.tokenizer = tokenizer
    }

    /// Generates after `promptTokens`; `onText` receives text pieces as they become final and
    /// returns false to stop early.
    public func generate(promptTokens: [Int], options: GenerationOptions,
                         onText: (String) -> Bool = { _ in true }) throws -> GenerationResult {
        guard !promptTokens.isEmpty else { throw InferenceError.invalidArgument("the prompt is empty") }
        guard options.maxNewTokens >= 0 else { throw InferenceError.invalidArgument("max new tokens must be ≥ 0, not \(options.maxNewTokens)") }
        var sampler = try Sampler(options: options.sampling)
        var decoder = tokenizer.makeStreamingDecoder()
        var history = session.tokens + promptTokens
        var generated: [Int] = []
        var text = ""
        var emitted = 0  // characters of `text` already handed to onText
        let holdBack = max(0, (options.stopStrings.map(\.count).max() ?? 0) - 1)
        var next = 0
        let start = Date()
        try session.append(promptTokens, logits: .last) { _, row in next = sampler.sample(row, history: history) }
        let prefillSeconds = Date().timeIntervalSince(start)
        var reason = StopReason.maxTokens

        func flush(upTo end: Int) -> Bool {
            guard end > emitted else { return true }
            let from = text.index(text.startIndex, offsetBy: emitted), to = text.index(text.startIndex, offsetBy: end)
            emitted = end
            return onText(String(text[from..<to]))
        }

        while generated.count < options.maxNewTokens {
            if options.stopAtStopTokens && tokenizer.isStopToken(next) { reason = .stopToken; break }
            generated.append(next)
            history.append(next)
            text += try decoder.append(next)
            if let stop = options.stopStrings.compactMap({ text.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
                text = String(text[..<stop.lowerBound])
                reason = .stopString
                break
            }
            if !flush(upTo: max(emitted, text.count - holdBack)) { reason = .cancelled; break }
            if generated.count == options.maxNewTokens { break }
            try session.append([next], logits: .last) { _, row in next = sampler.sample(row, history: history) }
        }
        if reason != .stopString && reason != .cancelled { text += decoder.finish() }
        if reason != .cancelled { _ = flush(upTo: text.count) }
        return GenerationResult(tokens: generated, text: text, stopReason: reason, promptTokenCount: promptTokens.count,
                                prefillSeconds: prefillSeconds, decodeSeconds: Date().timeIntervalSince(start) - prefillSeconds)
    }

    /// The same generation as an asynchronous stream of text pieces.
    public func stream(promptTokens: [Int], options: GenerationOptions) -> AsyncThrowingStream<String, Error> {
        AsyncThrowingStream { continuation in
            let worker = Thread {
                do {
                    _ = try generate(promptTokens: promptTokens, options: options) { piece in
                        if case .terminated = continuation.yield(piece) { return false }
                        return true
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            worker.start()
        }
    }
}
