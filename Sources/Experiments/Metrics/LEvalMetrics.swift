/// The per-sample L-Eval metrics (`leval/Evaluation/em.py`, `f1.py`, `rouge.py`).
public enum LEvalMetrics {
    /// `exact_match_score`: 1, 0.25 or 0.
    ///
    /// When the normalised ground truth (punctuation and lowercase articles removed, not
    /// lowercased) consists only of the letters A–D, it is a multiple-choice answer: 1 for the same
    /// letters, 0.25 when the prediction's letters are a subset (a partially right coursera
    /// answer), else 0. Otherwise 1 when both parse as the same float, or, when either does not
    /// parse, when the ground truth (lowercased, spaces removed) occurs in the prediction.
    public static func exactMatch(prediction: String, groundTruth: String) -> Double {
        let predictionScalars = PythonText.scalars(prediction)
        let truthScalars = PythonText.scalars(groundTruth)
        let normalizedTruth = AnswerNormalization.english(truthScalars, lowercase: false)
        let isChoice = normalizedTruth.allSatisfy { ("A"..."D").contains($0) }
        if isChoice {
            let normalizedPrediction = AnswerNormalization.english(predictionScalars, lowercase: false)
            if normalizedPrediction == normalizedTruth { return 1 }
            return Set(normalizedPrediction).isSubset(of: Set(normalizedTruth)) ? 0.25 : 0
        }
        if let predicted = PythonText.parseFloat(predictionScalars), let truth = PythonText.parseFloat(truthScalars) {
            return predicted == truth ? 1 : 0
        }
        func squeezed(_ text: Scalars) -> Scalars { PythonText.lower(text).filter { $0 != " " } }
        return PythonText.contains(squeezed(predictionScalars), squeezed(truthScalars)) ? 1 : 0
    }

    /// `f1_score` of L-Eval: token F1 after English normalisation (same as LongBench's
    /// `qa_f1_score`).
    public static func f1(prediction: String, groundTruth: String) -> Double {
        LongBenchMetric.qaF1(PythonText.scalars(prediction), PythonText.scalars(groundTruth))
    }

    /// ROUGE-1, ROUGE-2 and ROUGE-L F-measures of Google's `rouge_score` package without stemming
    /// (what L-Eval's `compute_rouge` uses): lowercase, every run of characters other than
    /// `a–z0–9` separates tokens (so non-ASCII text has no tokens), n-gram overlap counted with
    /// multiplicity, LCS over the whole token lists, `F = 2PR/(P+R)`, 0 when empty.
    public static func rouge(prediction: String, groundTruth: String) -> (rouge1: Double, rouge2: Double, rougeL: Double) {
        let predictionTokens = rougeTokens(PythonText.scalars(prediction))
        let truthTokens = rougeTokens(PythonText.scalars(groundTruth))
        return (ngramF(truthTokens, predictionTokens, n: 1), ngramF(truthTokens, predictionTokens, n: 2),
                lcsF(truthTokens, predictionTokens))
    }

    static func rougeTokens(_ text: Scalars) -> [Scalars] {
        var tokens: [Scalars] = []
        var current: Scalars = []
        for scalar in PythonText.lower(text) {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                current.append(scalar)
            } else if !current.isEmpty {
                tokens.append(current)
                current = []
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private static func fMeasure(overlap: Int, predictionCount: Int, targetCount: Int) -> Double {
        let precision = Double(overlap) / Double(max(predictionCount, 1))
        let recall = Double(overlap) / Double(max(targetCount, 1))
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
    }

    private static func ngramF(_ target: [Scalars], _ prediction: [Scalars], n: Int) -> Double {
        func ngrams(_ tokens: [Scalars]) -> [[Scalars]: Int] {
            var counts: [[Scalars]: Int] = [:]
            if tokens.count >= n {
                for start in 0...(tokens.count - n) { counts[Array(tokens[start..<(start + n)]), default: 0] += 1 }
            }
            return counts
        }
        let targetGrams = ngrams(target)
        let predictionGrams = ngrams(prediction)
        var overlap = 0
        for (gram, count) in targetGrams { overlap += min(count, predictionGrams[gram] ?? 0) }
        return fMeasure(overlap: overlap, predictionCount: predictionGrams.values.reduce(0, +),
                        targetCount: targetGrams.values.reduce(0, +))
    }

    private static func lcsF(_ target: [Scalars], _ prediction: [Scalars]) -> Double {
        guard !target.isEmpty, !prediction.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: prediction.count + 1)
        var current = previous
        for i in 1...target.count {
            for j in 1...prediction.count {
                current[j] = target[i - 1] == prediction[j - 1] ? previous[j - 1] + 1 : max(previous[j], current[j - 1])
            }
            swap(&previous, &current)
        }
        let lcs = previous[prediction.count]
        let precision = Double(lcs) / Double(prediction.count)
        let recall = Double(lcs) / Double(target.count)
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
    }
}
