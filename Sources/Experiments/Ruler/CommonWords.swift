/// RULER's common-words extraction (`cwe`): a numbered list in which ten words appear often and
/// the rest rarely; the answer is the ten frequent words. A worked example with a short list
/// comes first.
public struct CommonWords: RulerGenerator {
    /// RULER's template.
    public static let template = "Below is a numbered list of words. In these words, some appear more often than others. Memorize the ones that appear most often.\n{context}\nQuestion: What are the 10 most common words in the above list?"
    /// RULER's answer prefix.
    public static let answerPrefix = " Answer: The top 10 words that appear most often in the list are:"

    /// How often a common word appears (RULER: 30; 6 below 4k tokens).
    public let commonRepeats: Int
    /// How often an uncommon word appears (RULER: 3; 1 below 4k tokens).
    public let uncommonRepeats: Int
    /// Number of common words (RULER: 10).
    public let commonCount: Int
    /// Whether the worked example is RULER's short-context one (20 words ×3/×1) or its usual one
    /// (40 words ×10/×3).
    public let shortContext: Bool

    /// RULER's settings for a length budget of `length` tokens.
    public init(length: Int) {
        shortContext = length < 4096
        commonRepeats = shortContext ? 6 : 30
        uncommonRepeats = shortContext ? 1 : 3
        commonCount = 10
    }

    /// The list grows 10 words at a time.
    public var increment: Int { 10 }

    /// A numbered list of `words` words (the first `commonCount` common) and its common words.
    func list(words: Int, common: Int, uncommon: Int, random: inout RulerRandom) -> (text: String, common: [String]) {
        let chosen = random.sample(RulerWords.pool(count: max(words, RulerWords.listed.count)), words)
        let frequent = Array(chosen.prefix(commonCount))
        var entries: [String] = []
        for word in frequent { entries += Array(repeating: word, count: common) }
        for word in chosen.dropFirst(commonCount) { entries += Array(repeating: word, count: uncommon) }
        entries = random.shuffled(entries)
        return (entries.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: " "), frequent)
    }

    /// A sample whose list has `size` distinct words.
    public func sample(size: Int, random: inout RulerRandom) -> RulerSample {
        let example = shortContext ? list(words: 20, common: 3, uncommon: 1, random: &random)
                                   : list(words: 40, common: 10, uncommon: 3, random: &random)
        let task = list(words: max(size, commonCount), common: commonRepeats, uncommon: uncommonRepeats, random: &random)
        let full = CommonWords.template + CommonWords.answerPrefix
        let shot = RulerTemplate.fill(full, ["context": example.text, "query": ""]) + " "
            + example.common.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: " ")
        let prompt = shot + "\n" + RulerTemplate.fill(full, ["context": task.text, "query": ""])
        return RulerSample(prompt: prompt, answerPrefixStart: CommonWords.answerPrefix, outputs: task.common)
    }
}
