import Foundation

/// L-Eval's dataset-level scoring, as the reference's `eval.py` (`leval_eval`) and
/// `leval/Evaluation/auto_eval.py` do it.
///
/// Each record carries its `evaluation` kind: `exam` (closed-ended tasks: exact match after the
/// task's answer extraction), `f1` or `rouge` (open-ended tasks); `human` and `LLM` records are
/// skipped, as in the reference. Scores are percentages rounded to 4 decimals.
///
/// Differences from the reference:
/// * the answer rule is chosen from the dataset name, where the reference searches the whole
///   prediction-file path (so an experiment directory named e.g. `gsm-test` changes its rules);
/// * `rouge` datasets are scored with L-Eval's original ROUGE-1/2/L geometric mean; the GALI
///   reference removed that entry and fails on them (`rougeLsum`, which needs NLTK sentence
///   splitting, is not computed — it is not part of the score);
/// * a sci_fi prediction without `[fact: ...]` gets `<error>` for the fact part instead of
///   crashing; malformed ground truths throw `LEvalError`;
/// * for the `_o` variant (records with `prefill_len` ≥ the original window) filter the records
///   first; the reference's topic-retrieval and sci_fi `_o` totals add the unfiltered scores by
///   mistake, which is not reproduced.
public enum LEval {
    /// The closed-ended tasks (the reference's `datasets_closed_ended`).
    public static let closedEndedTasks = ["coursera", "quality", "topic_retrieval_longchat", "tpo", "gsm100", "codeU", "sci_fi"]
    /// The open-ended tasks (the reference's `datasets_open_ended`).
    public static let openEndedTasks = ["financial_qa", "gov_report_summ", "legal_contract_qa", "meeting_summ", "multidoc_qa",
                                        "narrative_qa", "natural_question", "news_summ", "paper_assistant", "patent_summ",
                                        "review_summ", "scientific_qa", "tv_show_summ"]
    /// Multiple-choice tasks (the reference's `with_option_tasks`).
    public static let multipleChoiceTasks = ["coursera", "quality", "tpo"]
    /// The tasks in the column order of the reference's result sheets (`collect_results.py`).
    public static let reportColumns = ["coursera", "gsm100", "quality", "tpo", "codeU", "sci_fi"]

    /// How a dataset's answers are extracted before exact match, chosen like the reference does:
    /// by the task name contained in the dataset (file) name.
    public enum AnswerRule: Equatable, Sendable {
        /// Option letters (`coursera` allows several).
        case multipleChoice(coursera: Bool)
        /// The numeric answer (`gsm`).
        case math
        /// The printed output (`codeU`).
        case codeOutput
        /// Lowercased text; samples are split into first/second/third topic by index modulo 3.
        case topicRetrieval
        /// Loyalty and fact verdicts (`sci_fi`).
        case judge
        /// The text as is.
        case plain

        /// The rule for `dataset`, by the task name it contains (as the reference does with file
        /// paths).
        public init(dataset: String) {
            if LEval.multipleChoiceTasks.contains(where: { dataset.contains($0) }) {
                self = .multipleChoice(coursera: dataset.contains("coursera"))
            } else if dataset.contains("gsm") {
                self = .math
            } else if dataset.contains("codeU") {
                self = .codeOutput
            } else if dataset.contains("topic_retrieval_longchat") {
                self = .topicRetrieval
            } else if dataset.contains("sci_fi") {
                self = .judge
            } else {
                self = .plain
            }
        }
    }

    /// Scores the records of one dataset. `index` of each record is its position in the
    /// prediction file (topic retrieval groups by it). Throws when the records mix evaluation
    /// kinds or a ground truth is malformed; returns nil when no record has an automatic metric.
    public static func score(dataset: String, records: [LEvalRecord]) throws -> LEvalScore? {
        var scored: [(index: Int, record: LEvalRecord)] = []
        var kinds: [String] = []
        for (index, record) in records.enumerated() {
            guard record.evaluation != "human", record.evaluation != "LLM" else { continue }
            guard LEvalEvaluation(rawValue: record.evaluation) != nil else {
                throw LEvalError.unsupportedEvaluation(record.evaluation)
            }
            if !kinds.contains(record.evaluation) { kinds.append(record.evaluation) }
            scored.append((index, record))
        }
        guard let kind = kinds.first.flatMap(LEvalEvaluation.init(rawValue:)) else { return nil }
        guard kinds.count == 1 else { throw LEvalError.mixedEvaluations(dataset: dataset, kinds: kinds) }

        switch kind {
        case .f1:
            let value = mean(scored.map { LEvalMetrics.f1(prediction: $0.record.prediction, groundTruth: $0.record.groundTruth) })
            return LEvalScore(dataset: dataset, evaluation: kind, score: rounded(value), parts: [("f1", rounded(value))],
                              sampleCount: scored.count)
        case .rouge:
            let rouges = scored.map { LEvalMetrics.rouge(prediction: $0.record.prediction, groundTruth: $0.record.groundTruth) }
            let rouge1 = meanOfPercentages(rouges.map { $0.rouge1 * 100 })
            let rouge2 = meanOfPercentages(rouges.map { $0.rouge2 * 100 })
            let rougeL = meanOfPercentages(rouges.map { $0.rougeL * 100 })
            let geometric = rounded(Foundation.pow(rouge1 * rouge2 * rougeL, 1.0 / 3.0))
            return LEvalScore(dataset: dataset, evaluation: kind, score: geometric,
                              parts: [("rouge1", rounded(rouge1)), ("rouge2", rounded(rouge2)), ("rougeL", rounded(rougeL)),
                                      ("geometric_mean", geometric)],
                              sampleCount: scored.count)
        case .exam:
            return try examScore(dataset: dataset, scored: scored)
        }
    }

    private static func examScore(dataset: String, scored: [(index: Int, record: LEvalRecord)]) throws -> LEvalScore {
        let rule = AnswerRule(dataset: dataset)
        func exact(_ pairs: [(String, String)]) -> Double {
            rounded(mean(pairs.map { LEvalMetrics.exactMatch(prediction: $0.0, groundTruth: $0.1) }))
        }
        switch rule {
        case .topicRetrieval:
            var groups: [[(String, String)]] = [[], [], []]
            for (index, record) in scored {
                groups[index % 3].append((PythonText.string(PythonText.lower(PythonText.scalars(record.prediction))),
                                          PythonText.string(PythonText.lower(PythonText.scalars(record.groundTruth)))))
            }
            let parts = groups.enumerated().filter { !$0.element.isEmpty }.map { ("\(dataset)_\($0.offset + 1)", exact($0.element)) }
            return LEvalScore(dataset: dataset, evaluation: .exam, score: parts.map(\.1).reduce(0, +) / 3, parts: parts,
                              sampleCount: scored.count)
        case .judge:
            var loyalty: [(String, String)] = []
            var fact: [(String, String)] = []
            for (_, record) in scored {
                let truth = try LEvalAnswerExtraction.judgeTruth(record.groundTruth)
                let output = LEvalAnswerExtraction.judgeOutput(record.prediction)
                loyalty.append((output.loyalty, truth.loyalty))
                fact.append((output.fact, truth.fact))
            }
            let parts = [("\(dataset)_loyalty", exact(loyalty)), ("\(dataset)_fact", exact(fact))]
            return LEvalScore(dataset: dataset, evaluation: .exam, score: (parts[0].1 + parts[1].1) / 2, parts: parts,
                              sampleCount: scored.count)
        case .multipleChoice(let coursera):
            let pairs = try scored.map { item in
                (LEvalAnswerExtraction.multipleChoiceOutput(item.record.prediction, isCoursera: coursera),
                 try LEvalAnswerExtraction.multipleChoiceTruth(item.record.groundTruth))
            }
            return single(dataset: dataset, value: exact(pairs), count: scored.count)
        case .math:
            let pairs = scored.map { (LEvalAnswerExtraction.mathAnswer($0.record.prediction), LEvalAnswerExtraction.mathAnswer($0.record.groundTruth)) }
            return single(dataset: dataset, value: exact(pairs), count: scored.count)
        case .codeOutput:
            let pairs = scored.map { (LEvalAnswerExtraction.codeOutput($0.record.prediction, truth: $0.record.groundTruth),
                                      LEvalAnswerExtraction.codeTruth($0.record.groundTruth)) }
            return single(dataset: dataset, value: exact(pairs), count: scored.count)
        case .plain:
            let pairs = scored.map { ($0.record.prediction, $0.record.groundTruth) }
            return single(dataset: dataset, value: exact(pairs), count: scored.count)
        }
    }

    private static func single(dataset: String, value: Double, count: Int) -> LEvalScore {
        LEvalScore(dataset: dataset, evaluation: .exam, score: value, parts: [("exact_match", value)], sampleCount: count)
    }

    /// `100 · mean`, summed in order as the reference does.
    private static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        var total = 0.0
        for value in values { total += value }
        return 100.0 * total / Double(values.count)
    }

    /// The mean of values already in percent (the reference scales ROUGE per sample).
    private static func meanOfPercentages(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        var total = 0.0
        for value in values { total += value }
        return total / Double(values.count)
    }

    private static func rounded(_ value: Double) -> Double { PythonText.round(value, digits: 4) }
}

/// The automatic evaluation kinds of L-Eval records.
public enum LEvalEvaluation: String, CaseIterable, Sendable {
    /// Exact match after answer extraction (closed-ended tasks).
    case exam
    /// Token F1 (open-ended question answering).
    case f1
    /// Geometric mean of ROUGE-1/2/L F (open-ended summarisation).
    case rouge
}

/// One L-Eval prediction with its ground truth.
public struct LEvalRecord: Equatable, Sendable {
    /// The model's output.
    public var prediction: String
    /// The dataset's `gt` field.
    public var groundTruth: String
    /// The dataset's `evaluation` field: `exam`, `f1`, `rouge` (scored), `human` or `LLM` (skipped).
    public var evaluation: String

    /// A record.
    public init(prediction: String, groundTruth: String, evaluation: String) {
        self.prediction = prediction
        self.groundTruth = groundTruth
        self.evaluation = evaluation
    }
}

/// The score of one L-Eval dataset.
public struct LEvalScore: Equatable, Sendable {
    /// The dataset (file) name.
    public let dataset: String
    /// The evaluation kind.
    public let evaluation: LEvalEvaluation
    /// The headline score in percent (the reference's `LEval_score`): exact match, F1, the ROUGE
    /// geometric mean, or the average of the parts for topic retrieval (over 3) and sci_fi (over 2).
    public let score: Double
    /// Named component scores in percent, rounded to 4 decimals.
    public let parts: [(name: String, value: Double)]
    /// The number of scored records.
    public let sampleCount: Int

    /// Equal when all fields are.
    public static func == (lhs: LEvalScore, rhs: LEvalScore) -> Bool {
        lhs.dataset == rhs.dataset && lhs.evaluation == rhs.evaluation && lhs.score.bitPattern == rhs.score.bitPattern
            && lhs.sampleCount == rhs.sampleCount && lhs.parts.map(\.name) == rhs.parts.map(\.name)
            && lhs.parts.map(\.value.bitPattern) == rhs.parts.map(\.value.bitPattern)
    }
}
