/// The filler RULER hides things in: its repeated noise paragraph, or essays cut to a number of
/// words and split into sentences (where needles may be inserted).
public enum RulerHaystack {
    /// RULER's noise paragraph (one haystack unit of `noise` tasks).
    public static let noise = "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again."

    /// RULER's 40 insertion depths: 0 … 100 percent in 39 equal steps, rounded.
    public static let depths: [Int] = (0..<40).map { Int((Double($0) * 100 / 39).rounded(.toNearestOrEven)) }

    /// The sentences of the first `count` words of `words` (repeated when too few), joined by
    /// single spaces then split after `.`, `!` or `?` (and closing quotes or brackets) followed
    /// by whitespace.
    public static func essaySentences(words: [String], count: Int) -> [String] {
        guard !words.isEmpty, count > 0 else { return [] }
        var text = ""
        text.reserveCapacity(count * 6)
        for index in 0..<count {
            if index > 0 { text += " " }
            text += words[index % words.count]
        }
        return sentences(text)
    }

    /// `text` split into sentences (the split spaces dropped).
    public static func sentences(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var sawEnd = false
        for character in text {
            if character == " " && sawEnd {
                result.append(current)
                current = ""
                sawEnd = false
                continue
            }
            current.append(character)
            if ".!?".contains(character) {
                sawEnd = true
            } else if !"\"')]”’".contains(character) {
                sawEnd = false
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// `sentences` with `insertions` placed at depths drawn from `depths` (distinct, sorted),
    /// everything joined by spaces, as RULER builds essay contexts.
    public static func insertAtDepths(_ sentences: [String], _ insertions: [String], random: inout RulerRandom) -> String {
        let cuts = random.sample(depths, insertions.count).map { sentences.count * $0 / 100 }.sorted()
        let bounds = [0] + cuts + [sentences.count]
        var pieces: [String] = []
        for i in 1..<bounds.count {
            pieces.append(sentences[bounds[i - 1]..<bounds[i]].joined(separator: " "))
            if i - 1 < insertions.count { pieces.append(insertions[i - 1]) }
        }
        return pieces.joined(separator: " ")
    }

    /// Words of essay texts: all whitespace runs become single separators.
    public static func words(_ texts: [String]) -> [String] {
        texts.flatMap { $0.split(whereSeparator: { $0.isWhitespace }).map(String.init) }
    }
}
