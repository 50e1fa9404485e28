/// How L-Eval's closed-ended tasks turn model outputs and ground truths into comparable answers
/// (the reference's `process_*` functions in `leval/Evaluation/auto_eval.py`).
public enum LEvalAnswerExtraction {
    /// `process_output_mc`: the option letters of a multiple-choice answer.
    ///
    /// Empty output gives `"None"`; an output that is a run of `ABCD` (`"A"`, `"BC"`) is kept;
    /// outside coursera the first of A–D anywhere wins; otherwise (coursera, or no letter at all)
    /// a leading run of at least two letters, or else the letters A–D standing alone before
    /// whitespace, `.` or `)` up to the first `Question`, or else the first run of A–D; sorted and
    /// without repeats. Falls back to `"A"` (the reference's guess).
    public static func multipleChoiceOutput(_ response: String, isCoursera: Bool) -> String {
        var text = PythonText.scalars(response)
        if PythonText.strip(text).isEmpty { return "None" }
        if PythonText.contains(["A", "B", "C", "D"], text) { return response }
        if !isCoursera, let first = text.first(where: isOptionLetter) { return String(first) }

        var cleaned: Scalars = []
        while let first = text.first, isOptionLetter(first) {
            cleaned.append(first)
            text.removeFirst()
        }
        if cleaned.count > 1 { return sortedUnique(cleaned) }
        text = PythonText.split(text, separator: PythonText.scalars("Question"))[0]
        for index in text.indices.dropLast() where isCapital(text[index]) {
            let next = text[index + 1]
            if PythonText.isWhitespace(next) || next == "." || next == ")" { cleaned.append(text[index]) }
        }
        var letters = sortedUnique(cleaned.filter(isOptionLetter))
        if letters.isEmpty {
            let run = text.drop { !isOptionLetter($0) }.prefix(while: isOptionLetter)
            letters = String(String.UnicodeScalarView(run))
        }
        return letters.isEmpty ? "A" : letters
    }

    /// `process_gt_mc`: the letters A–D of the first whitespace-separated field of a ground truth,
    /// `"A"` when there are none. Throws for an empty ground truth (the reference crashes).
    public static func multipleChoiceTruth(_ truth: String) throws -> String {
        guard let field = PythonText.splitOnWhitespace(PythonText.scalars(truth)).first else {
            throw LEvalError.emptyGroundTruth
        }
        let letters = field.filter(isOptionLetter)
        return letters.isEmpty ? "A" : String(String.UnicodeScalarView(letters))
    }

    /// `process_math` (GSM): the token after the first `The answer is `, or else the last
    /// space-separated word with a digit in the first paragraph; then its digits up to the first
    /// `.` (so `"1,234.50"` gives `"1234"`).
    public static func mathAnswer(_ response: String) -> String {
        let text = PythonText.scalars(response)
        var token: Scalars = []
        if let answer = firstAnswerToken(text) {
            token = answer
        } else {
            let paragraph = PythonText.split(text, separator: ["\n", "\n"])[0]
            for word in PythonText.split(paragraph, separator: [" "]).reversed() where word.contains(where: PythonText.isDigit) {
                token = word
                break
            }
        }
        var digits: Scalars = []
        for scalar in token {
            if PythonText.isDigit(scalar) { digits.append(scalar) }
            if scalar == "." { break }
        }
        return PythonText.string(digits)
    }

    /// `re.search(r'The answer is (\S+)', text).group(1)`.
    private static func firstAnswerToken(_ text: Scalars) -> Scalars? {
        let marker = PythonText.scalars("The answer is ")
        var from = 0
        while let start = PythonText.firstIndex(of: marker, in: text, from: from) {
            let tokenStart = start + marker.count
            var end = tokenStart
            while end < text.count, !PythonText.isWhitespace(text[end]) { end += 1 }
            if end > tokenStart { return Array(text[tokenStart..<end]) }
            from = start + 1
        }
        return nil
    }

    /// `process_gt_code` (codeU): whitespace runs to one space; `,` `'` `\` and `.0` removed;
    /// `] [`, `[ [`, `] ]` closed up.
    public static func codeTruth(_ truth: String) -> String {
        PythonText.string(codeNormalized(PythonText.scalars(truth)))
    }

    private static func codeNormalized(_ text: Scalars) -> Scalars {
        var result = AnswerNormalization.join(PythonText.regexSplitOnWhitespace(text), separator: " ")
        for (old, new) in [(",", ""), ("'", ""), ("\\", ""), (".0", ""), ("] [", "]["), ("[ [", "[["), ("] ]", "]]")] {
            result = PythonText.replace(result, old, with: new)
        }
        return result
    }

    /// `process_output_code` (codeU): the output normalised like a ground truth, filler phrases
    /// removed (note the reference also removes every `is`, even inside words), then the
    /// `len(truth words) + 3` words after the last `the final output`, or else the last that many
    /// words.
    public static func codeOutput(_ response: String, truth: String) -> String {
        let wanted = PythonText.splitOnWhitespace(PythonText.scalars(truth)).count + 3
        var text = codeNormalized(PythonText.scalars(response))
        for phrase in ["will be", "of the code", "is", "would be", "the value of", "the result of", "printed"] {
            text = PythonText.replace(text, phrase, with: "")
        }
        let marker = PythonText.scalars("the final output")
        let words: [Scalars]
        if PythonText.contains(text, marker) {
            let tail = PythonText.split(text, separator: marker).last ?? []
            words = Array(PythonText.regexSplitOnWhitespace(tail).prefix(wanted))
        } else {
            words = Array(PythonText.regexSplitOnWhitespace(text).suffix(wanted))
        }
        return PythonText.string(AnswerNormalization.join(words, separator: " "))
    }

    /// `process_gt_judge` (sci_fi): lowercase, split at `[fact:`; the part before is the loyalty
    /// answer, the next part without its last character (the `]`) the fact answer; both stripped.
    /// Throws when there is no `[fact:` (the reference crashes).
    public static func judgeTruth(_ truth: String) throws -> (loyalty: String, fact: String) {
        let parts = PythonText.split(PythonText.lower(PythonText.scalars(truth)), separator: PythonText.scalars("[fact:"))
        guard parts.count > 1 else { throw LEvalError.missingFactPart(truth) }
        return (PythonText.string(PythonText.strip(parts[0])), PythonText.string(PythonText.strip(Array(parts[1].dropLast()))))
    }

    /// `process_output_judge` (sci_fi): in each part, the first word containing `true` or `false`
    /// decides; `<error>` when none does. An output without `[fact:` has an empty fact part
    /// (where the reference crashes).
    public static func judgeOutput(_ response: String) -> (loyalty: String, fact: String) {
        let parts = PythonText.split(PythonText.lower(PythonText.scalars(response)), separator: PythonText.scalars("[fact:"))
        let loyalty = PythonText.strip(parts[0])
        let fact = parts.count > 1 ? PythonText.strip(Array(parts[1].dropLast())) : []
        func verdict(_ text: Scalars) -> String {
            for word in PythonText.splitOnWhitespace(text) {
                if PythonText.contains(word, PythonText.scalars("true")) { return "true" }
                if PythonText.contains(word, PythonText.scalars("false")) { return "false" }
            }
            return "<error>"
        }
        return (verdict(loyalty), verdict(fact))
    }

    private static func isOptionLetter(_ s: Unicode.Scalar) -> Bool { ("A"..."D").contains(s) }

    private static func isCapital(_ s: Unicode.Scalar) -> Bool { ("A"..."Z").contains(s) }

    private static func sortedUnique(_ letters: Scalars) -> String {
        String(String.UnicodeScalarView(Set(letters).sorted { $0.value < $1.value }))
    }
}

/// L-Eval data the reference scoring cannot handle.
public enum LEvalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A multiple-choice ground truth with no text.
    case emptyGroundTruth
    /// A sci_fi ground truth without its `[fact: ...]` part.
    case missingFactPart(String)
    /// An `evaluation` kind other than `exam`, `f1` or `rouge`.
    case unsupportedEvaluation(String)
    /// The records of one dataset name different evaluation kinds.
    case mixedEvaluations(dataset: String, kinds: [String])

    /// What is wrong.
    public var description: String {
        switch self {
        case .emptyGroundTruth:
            return "multiple-choice ground truth is empty"
        case .missingFactPart(let truth):
            return "sci_fi ground truth has no '[fact: ...]' part: \(truth.prefix(80))"
        case .unsupportedEvaluation(let kind):
            return "L-Eval evaluation '\(kind)' is not scored automatically (supported: exam, f1, rouge)"
        case .mixedEvaluations(let dataset, let kinds):
            return "L-Eval dataset '\(dataset)' mixes evaluations \(kinds.joined(separator: ", "))"
        }
    }
}
