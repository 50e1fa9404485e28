import Foundation

/// RULER's frequent-words extraction (`fwe`): made-up six-letter words repeated with Zipf
/// frequencies (rank k appears N·k^−α/ζ(α) times; the most frequent is the noise `...`); the
/// answer is the three most frequent real words (ranks 2–4).
public struct FrequentWords: RulerGenerator {
    /// RULER's template.
    public static let template = "Read the following coded text and track the frequency of each coded word. Find the three most frequently appeared coded words. {context}\nQuestion: Do not provide any explanation. Please ignore the dots '....'. What are the three most frequently appeared words in the above coded text?"
    /// RULER's answer prefix.
    public static let answerPrefix = " Answer: According to the coded text above, the three most frequently appeared words are:"

    /// Distinct coded words (RULER: the prompt budget / 50).
    public let vocabularySize: Int
    /// Zipf exponent α (RULER's 2).
    public static let alpha = 2.0
    /// ζ(2) = π²/6, the normaliser of the Zipf counts.
    static let zetaOfAlpha = Double.pi * Double.pi / 6
    /// Letters per coded word (RULER: 6).
    public let wordLength: Int

    /// RULER's settings for a length budget of `length` tokens with `tokensToGenerate` reserved.
    public init(length: Int, tokensToGenerate: Int, wordLength: Int = 6) {
        vocabularySize = max(4, (length - tokensToGenerate) / 50)
        self.wordLength = wordLength
    }

    /// The text grows in steps of a 32nd of the vocabulary's share, at least 10 words.
    public var increment: Int { max(10, vocabularySize * 50 / 32) }

    /// A sample of about `size` coded words.
    public func sample(size: Int, random: inout RulerRandom) -> RulerSample {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var seen = Set<String>()
        var vocabulary: [String] = []
        while vocabulary.count < vocabularySize {
            let word = String((0..<wordLength).map { _ in letters[random.below(letters.count)] })
            if seen.insert(word).inserted { vocabulary.append(word) }
        }
        vocabulary = random.shuffled(vocabulary.sorted())
        vocabulary[0] = "..."
        let normalizer = FrequentWords.zetaOfAlpha
        var words: [String] = []
        for (rank, word) in vocabulary.enumerated() {
            let count = Int(Double(size) * pow(Double(rank + 1), -FrequentWords.alpha) / normalizer)
            if count > 0 { words += Array(repeating: word, count: count) }
        }
        words = random.shuffled(words)
        let prompt = RulerTemplate.fill(FrequentWords.template + FrequentWords.answerPrefix, ["context": words.joined(separator: " "), "query": ""])
        return RulerSample(prompt: prompt, answerPrefixStart: FrequentWords.answerPrefix, outputs: Array(vocabulary[1...3]))
    }
}
