/// How the next token is chosen from a row of logits.
public struct SamplingOptions: Sendable, Equatable {
    /// 0 picks the most likely token (greedy); higher values flatten the distribution.
    public var temperature: Double
    /// Keep only the `topK` most likely tokens (0: all).
    public var topK: Int
    /// Keep the smallest set of tokens whose probability reaches `topP` (1: all).
    public var topP: Double
    /// Divides positive logits (multiplies negative ones) of tokens already seen; 1: off.
    public var repetitionPenalty: Double
    /// Seed of the random generator, for reproducible sampling.
    public var seed: UInt64

    /// Options; the defaults are greedy decoding.
    public init(temperature: Double = 0, topK: Int = 0, topP: Double = 1, repetitionPenalty: Double = 1, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.repetitionPenalty = repetitionPenalty
        self.seed = seed
    }

    /// Greedy decoding.
    public static let greedy = SamplingOptions()

    /// Throws `InferenceError.invalidArgument` naming a value out of range.
    public func validate() throws {
        guard temperature >= 0, temperature.isFinite else { throw InferenceError.invalidArgument("temperature must be ≥ 0, not \(temperature)") }
        guard topK >= 0 else { throw InferenceError.invalidArgument("top-k must be ≥ 0, not \(topK)") }
        guard topP > 0, topP <= 1 else { throw InferenceError.invalidArgument("top-p must be in (0, 1], not \(topP)") }
        guard repetitionPenalty > 0, repetitionPenalty.isFinite else {
            throw InferenceError.invalidArgument("repetition penalty must be > 0, not \(repetitionPenalty)")
        }
    }
}
