/// The per-sample metrics of LongBench, as the reference's `longbench/metrics.py` defines them.
/// Each scores one prediction against one ground truth in [0, 1].
public enum LongBenchMetric: String, CaseIterable, Sendable {
    /// Token F1 after English normalisation (lowercase; no punctuation; no a/an/the; single
    /// spaces).
    case qaF1 = "qa_f1_score"
    /// Token F1 over Chinese tokens after Chinese normalisation (see `ChineseTokenizer`: CJK
    /// characters instead of jieba words).
    case qaF1Chinese = "qa_f1_zh_score"
    /// ROUGE-L F of the `rouge` package (summary-level, see `SummaryRougeL`); 0 when it would
    /// raise.
    case rouge = "rouge_score"
    /// `rouge_score` on the Chinese tokens joined by spaces.
    case rougeChinese = "rouge_zh_score"
    /// Class-name matching against `allClasses` (trec, lsht).
    case classification = "classification_score"
    /// Share of the numbers in the prediction equal to N of the ground truth's `Paragraph N`.
    case retrieval = "retrieval_score"
    /// Share of the numbers in the prediction equal to N of the ground truth's `段落N`.
    case retrievalChinese = "retrieval_zh_score"
    /// Share of the numbers in the prediction equal to the ground truth.
    case count = "count_score"
    /// fuzzywuzzy `ratio`/100 between the first code line of the prediction and the ground truth.
    case codeSimilarity = "code_sim_score"

    /// The score of `prediction` against `groundTruth`. `allClasses` is used by
    /// `classification` only. Throws `LongBenchError.missingParagraphNumber` when a retrieval
    /// ground truth has no paragraph number (the reference crashes there).
    public func score(prediction: String, groundTruth: String, allClasses: [String] = []) throws -> Double {
        let prediction = PythonText.scalars(prediction)
        let truth = PythonText.scalars(groundTruth)
        switch self {
        case .qaF1:
            return LongBenchMetric.qaF1(prediction, truth)
        case .qaF1Chinese:
            return LongBenchMetric.qaF1Chinese(prediction, truth)
        case .rouge:
            return SummaryRougeL.fScore(hypothesis: prediction, reference: truth) ?? 0
        case .rougeChinese:
            let joinedPrediction = AnswerNormalization.join(ChineseTokenizer.tokens(prediction), separator: " ")
            let joinedTruth = AnswerNormalization.join(ChineseTokenizer.tokens(truth), separator: " ")
            return SummaryRougeL.fScore(hypothesis: joinedPrediction, reference: joinedTruth) ?? 0
        case .classification:
            return LongBenchMetric.classification(prediction, truth, allClasses.map(PythonText.scalars))
        case .retrieval:
            return try LongBenchMetric.retrieval(prediction, truth, marker: "Paragraph ", groundTruth: groundTruth)
        case .retrievalChinese:
            return try LongBenchMetric.retrieval(prediction, truth, marker: "段落", groundTruth: groundTruth)
        case .count:
            return LongBenchMetric.numberShare(prediction, matching: truth)
        case .codeSimilarity:
            return Double(SequenceMatcher.fuzzRatio(LongBenchMetric.firstCodeLine(prediction), truth)) / 100
        }
    }

    static func qaF1(_ prediction: Scalars, _ truth: Scalars) -> Double {
        TokenF1.score(prediction: PythonText.splitOnWhitespace(AnswerNormalization.english(prediction)),
                      groundTruth: PythonText.splitOnWhitespace(AnswerNormalization.english(truth)))
    }

    static func qaF1Chinese(_ prediction: Scalars, _ truth: Scalars) -> Double {
        func tokens(_ text: Scalars) -> [Scalars] {
            ChineseTokenizer.tokens(text).map(AnswerNormalization.chinese).filter { !$0.isEmpty }
        }
        return TokenF1.score(prediction: tokens(prediction), groundTruth: tokens(truth))
    }

    /// The reference's rule: collect the classes contained in the prediction; then walk that list
    /// dropping classes that are proper substrings of the ground truth (with Python's
    /// remove-while-iterating behaviour, which skips the element after each removal); the score
    /// is `1/len(list)` when the ground truth is in the list, else 0.
    static func classification(_ prediction: Scalars, _ truth: Scalars, _ classes: [Scalars]) -> Double {
        var matches = classes.filter { PythonText.contains(prediction, $0) }
        var index = 0
        while index < matches.count {
            let term = matches[index]
            if PythonText.contains(truth, term) && term != truth, let first = matches.firstIndex(of: term) {
                matches.remove(at: first)
            }
            index += 1
        }
        return matches.contains(truth) ? 1.0 / Double(matches.count) : 0
    }

    static func retrieval(_ prediction: Scalars, _ truth: Scalars, marker: String, groundTruth: String) throws -> Double {
        guard let id = PythonText.firstNumber(after: marker, in: truth) else {
            throw LongBenchError.missingParagraphNumber(marker: marker + "N", groundTruth: groundTruth)
        }
        return numberShare(prediction, matching: id)
    }

    /// The share of the digit runs in `prediction` equal to `target`; 0 when there are none.
    static func numberShare(_ prediction: Scalars, matching target: Scalars) -> Double {
        let numbers = PythonText.digitRuns(prediction)
        guard !numbers.isEmpty else { return 0 }
        let right = numbers.filter { $0 == target }.count
        return Double(right) / Double(numbers.count)
    }

    /// After dropping leading newlines, the first line containing none of `` ` ``, `#`, `//`
    /// (empty when every line has one).
    static func firstCodeLine(_ prediction: Scalars) -> Scalars {
        let trimmed = prediction.drop { $0 == "\n" }
        for line in PythonText.split(Array(trimmed), separator: ["\n"]) {
            if !line.contains("`") && !line.contains("#") && !PythonText.contains(line, ["/", "/"]) { return line }
        }
        return []
    }
}

/// A LongBench input the reference metrics cannot score.
public enum LongBenchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A retrieval ground truth without `Paragraph N` / `段落N`.
    case missingParagraphNumber(marker: String, groundTruth: String)
    /// A dataset name that has no metric.
    case unknownDataset(String)

    /// What is wrong.
    public var description: String {
        switch self {
        case .missingParagraphNumber(let marker, let groundTruth):
            return "retrieval ground truth has no '\(marker)': \(groundTruth.prefix(80))"
        case .unknownDataset(let name):
            return "unknown LongBench dataset '\(name)'; known: \(LongBench.datasetMetrics.keys.sorted().joined(separator: ", "))"
        }
    }
}
