/// A RULER task's sample maker: one integer `size` (haystack sentences, essay words, list
/// words, documents) sets how long a sample is; `RulerBudget` picks the size for a length.
public protocol RulerGenerator {
    /// The smallest size tried, and the step a sample backs off by when it overflows.
    var increment: Int { get }
    /// A sample of `size`, drawing from `random`.
    func sample(size: Int, random: inout RulerRandom) -> RulerSample
}

/// Sizes samples to a token budget as RULER's generators do: a binary search for the largest
/// size whose prompt plus the generated tokens fit the length (on one probe stream), then each
/// sample backs off until it fits (in finer steps than RULER's, see `backOff`).
public struct RulerBudget {
    /// Counts the tokens of a prompt (the model's tokenizer, chat wrapping included).
    public let countTokens: (String) throws -> Int
    /// Tokens reserved for the answer.
    public let tokensToGenerate: Int
    /// The length budget in tokens (prompt plus answer).
    public let length: Int

    /// A budget of `length` tokens with `tokensToGenerate` reserved.
    public init(length: Int, tokensToGenerate: Int, countTokens: @escaping (String) throws -> Int) {
        self.length = length
        self.tokensToGenerate = tokensToGenerate
        self.countTokens = countTokens
    }

    /// The largest size whose probe sample fits (the increment when none does): a binary search
    /// from RULER's estimate (three times the length over the tokens per unit of the smallest
    /// sample), the upper end doubled while it still fits.
    public func size(for generator: some RulerGenerator, probeSeed: Int) throws -> Int {
        let step = generator.increment
        func tokens(_ size: Int) throws -> Int {
            var random = RulerRandom(seed: probeSeed)
            return try countTokens(generator.sample(size: size, random: &random).prompt) + tokensToGenerate
        }
        let perUnit = Double(try tokens(step)) / Double(step)
        var low = step
        var high = max(Int(Double(length) / max(perUnit, 1e-3) * 3), step * 2)
        var best: Int?
        // The estimate counts fixed text (a worked example) as haystack; grow it until it overflows.
        while try tokens(high) <= length {
            best = high
            low = high + 1
            high *= 2
        }
        while low <= high {
            let middle = (low + high) / 2
            if try tokens(middle) <= length {
                best = middle
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        return best ?? step
    }

    /// How much an overflowing sample shrinks: RULER's increment, but at most 1% of the size
    /// (at least 1). RULER backs off a whole increment, which for 25 UUID needles is over a
    /// thousand tokens; the finer step keeps prompts close to their length.
    public static func backOff(size: Int, increment: Int) -> Int {
        max(1, min(increment, size / 100))
    }

    /// A sample from `random` at `size`, backed off (`backOff`) until prompt plus answer fit
    /// the length; returns it with its prompt tokens. Throws when even the smallest haystack
    /// does not fit.
    public func fittedSample(_ generator: some RulerGenerator, size: Int, random: RulerRandom) throws -> (sample: RulerSample, tokens: Int) {
        var used = size
        while true {
            var stream = random
            let sample = generator.sample(size: used, random: &stream)
            let count = try countTokens(sample.prompt)
            if count + tokensToGenerate <= length { return (sample, count) }
            if used <= generator.increment {
                throw RunError.invalidData("a length of \(length) tokens is too short for this RULER task: its smallest prompt takes \(count) tokens plus \(tokensToGenerate) for the answer")
            }
            used = max(generator.increment, used - RulerBudget.backOff(size: used, increment: generator.increment))
        }
    }
}
