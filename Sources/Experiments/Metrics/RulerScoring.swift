/// RULER's scoring (its `evaluate.py`): the prediction is cleaned (trimmed, control characters
/// turned into line breaks), then compared case-insensitively by substring with the reference
/// answers. Retrieval, tracing and aggregation tasks use `stringMatchAll` (the share of the
/// references found: 2 of 4 needles is 0.5), QA uses `stringMatchPart` (1 when any reference is
/// found). Task scores are the mean per-sample score × 100.
public enum RulerScoring {
    /// How a task compares a prediction with its references.
    public enum Metric: String, Sendable {
        /// Share of references contained in the prediction.
        case stringMatchAll = "string_match_all"
        /// 1 when any reference is contained in the prediction.
        case stringMatchPart = "string_match_part"
    }

    /// RULER's `postprocess_pred`: trimmed, each character U+0000…U+001F replaced by a line
    /// break, trimmed again.
    public static func clean(_ prediction: String) -> String {
        let trimmed = PythonText.strip(PythonText.scalars(prediction))
        return PythonText.string(PythonText.strip(trimmed.map { $0.value < 0x20 ? "\n" : $0 }))
    }

    /// The score in [0, 1] of one prediction against its references (0 with no references).
    public static func score(prediction: String, references: [String], metric: Metric) -> Double {
        guard !references.isEmpty else { return 0 }
        let text = PythonText.lower(PythonText.scalars(clean(prediction)))
        let found = references.map { PythonText.contains(text, PythonText.lower(PythonText.scalars($0))) }
        switch metric {
        case .stringMatchAll: return Double(found.filter { $0 }.count) / Double(references.count)
        case .stringMatchPart: return found.contains(true) ? 1 : 0
        }
    }
}
