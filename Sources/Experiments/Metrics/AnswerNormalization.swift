/// The answer normalisations of the LongBench and L-Eval metrics.
enum AnswerNormalization {
    /// LongBench's `normalize_answer` (and L-Eval's F1 one): lowercase, drop ASCII punctuation,
    /// replace the words `a`, `an`, `the` by spaces, collapse whitespace to single spaces.
    /// L-Eval's exact-match variant skips the lowercasing (`lowercase: false`).
    static func english(_ text: Scalars, lowercase: Bool = true) -> Scalars {
        let lowered = lowercase ? PythonText.lower(text) : text
        let unpunctuated = lowered.filter { !PythonText.isASCIIPunctuation($0) }
        let withoutArticles = removeArticles(unpunctuated)
        return join(PythonText.splitOnWhitespace(withoutArticles), separator: " ")
    }

    /// `re.sub(r"\b(a|an|the)\b", " ", text)`: every maximal run of word characters that is
    /// exactly `a`, `an` or `the` becomes one space (case-sensitive, as in the reference).
    static func removeArticles(_ text: Scalars) -> Scalars {
        var result: Scalars = []
        result.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            guard PythonText.isWordCharacter(text[index]) else {
                result.append(text[index])
                index += 1
                continue
            }
            var end = index
            while end < text.count, PythonText.isWordCharacter(text[end]) { end += 1 }
            let word = text[index..<end]
            if word.elementsEqual(["a"]) || word.elementsEqual(["a", "n"]) || word.elementsEqual(["t", "h", "e"]) {
                result.append(" ")
            } else {
                result += word
            }
            index = end
        }
        return result
    }

    /// LongBench's `normalize_zh_answer`: lowercase, drop ASCII and Chinese punctuation, remove
    /// all whitespace.
    static func chinese(_ text: Scalars) -> Scalars {
        PythonText.lower(text).filter { !PythonText.isWhitespace($0) && !isPunctuationForChinese($0) }
    }

    /// `string.punctuation` plus the reference's list of Chinese and typographic punctuation
    /// (note that it has `》` but not `《`).
    static func isPunctuationForChinese(_ s: Unicode.Scalar) -> Bool {
        PythonText.isASCIIPunctuation(s) || chinesePunctuation.contains(s.value)
    }

    private static let chinesePunctuation: Set<UInt32> = [
        0xFF01, 0xFF1F, 0xFF61, 0x3002, 0xFF02, 0xFF03, 0xFF04, 0xFF05, 0xFF06, 0xFF07, 0xFF08, 0xFF09, 0xFF0A,
        0xFF0B, 0xFF0C, 0xFF0D, 0xFF0F, 0xFF1A, 0xFF1B, 0xFF1C, 0xFF1D, 0xFF1E, 0xFF20, 0xFF3B, 0xFF3C, 0xFF3D,
        0xFF3E, 0xFF3F, 0xFF40, 0xFF5B, 0xFF5C, 0xFF5D, 0xFF5E, 0xFF5F, 0xFF60, 0xFF62, 0xFF63, 0xFF64, 0x3001,
        0x3003, 0x300B, 0x300C, 0x300D, 0x300E, 0x300F, 0x3010, 0x3011, 0x3014, 0x3015, 0x3016, 0x3017, 0x3018,
        0x3019, 0x301A, 0x301B, 0x301C, 0x301D, 0x301E, 0x301F, 0x3030, 0x303E, 0x303F, 0x2013, 0x2014, 0x2018,
        0x2019, 0x201B, 0x201C, 0x201D, 0x201E, 0x201F, 0x2026, 0x2027, 0xFE4F, 0x002E,
    ]

    /// Fields joined with `separator` between them.
    static func join(_ fields: [Scalars], separator: Unicode.Scalar) -> Scalars {
        var result: Scalars = []
        for (index, field) in fields.enumerated() {
            if index > 0 { result.append(separator) }
            result += field
        }
        return result
    }
}
