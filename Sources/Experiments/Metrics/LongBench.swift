/// LongBench's dataset-level scoring, as the reference's `eval.py` does it: which metric each
/// dataset uses, the first-line rule, the maximum over ground truths, and the plain and
/// length-bucketed (LongBench-E) averages.
///
/// The metrics reproduce the reference's numbers bit for bit (checked against its Python code
/// with fuzzywuzzy 0.18 on difflib, rouge 1.0.1 and numpy on tens of thousands of random
/// inputs), with these deliberate differences:
/// * Chinese metrics tokenise by character instead of with jieba (see `ChineseTokenizer`);
/// * a retrieval ground truth without `Paragraph N` throws instead of crashing, and an empty
///   dataset scores NaN instead of dividing by zero;
/// * ROUGE-L scores very long unpunctuated sentence pairs where Python's recursive LCS hits the
///   recursion limit and the reference records 0 (see `SummaryRougeL`).
/// The reference's `_o`/`_t` variants (samples with `prefill_len` at least the original or target
/// window) are these same scores over a filtered sample list.
public enum LongBench {
    /// The metric of every LongBench dataset (the reference's `dataset2metric`).
    public static let datasetMetrics: [String: LongBenchMetric] = [
        "narrativeqa": .qaF1,
        "qasper": .qaF1,
        "multifieldqa_en": .qaF1,
        "multifieldqa_zh": .qaF1Chinese,
        "hotpotqa": .qaF1,
        "2wikimqa": .qaF1,
        "musique": .qaF1,
        "dureader": .rougeChinese,
        "gov_report": .rouge,
        "qmsum": .rouge,
        "multi_news": .rouge,
        "vcsum": .rougeChinese,
        "trec": .classification,
        "triviaqa": .qaF1,
        "samsum": .rouge,
        "lsht": .classification,
        "passage_retrieval_en": .retrieval,
        "passage_count": .count,
        "passage_retrieval_zh": .retrievalChinese,
        "lcc": .codeSimilarity,
        "repobench-p": .codeSimilarity,
    ]

    /// The number of samples in each full dataset (the reference's `dataset2count`), used to mark
    /// incomplete runs.
    public static let datasetSampleCounts: [String: Int] = [
        "narrativeqa": 200, "qasper": 200, "multifieldqa_en": 150, "multifieldqa_zh": 200, "hotpotqa": 200,
        "2wikimqa": 200, "musique": 200, "dureader": 200, "gov_report": 200, "qmsum": 200, "multi_news": 200,
        "vcsum": 200, "trec": 200, "triviaqa": 200, "samsum": 200, "lsht": 200, "passage_retrieval_en": 200,
        "passage_count": 200, "passage_retrieval_zh": 200, "lcc": 500, "repobench-p": 500,
    ]

    /// The English datasets in the column order of the reference's result sheets
    /// (`collect_results.py`).
    public static let reportColumns = ["narrativeqa", "qasper", "multifieldqa_en", "hotpotqa", "2wikimqa", "musique",
                                       "gov_report", "qmsum", "multi_news", "trec", "triviaqa", "samsum",
                                       "passage_count", "passage_retrieval_en", "lcc", "repobench-p"]

    /// Datasets whose predictions are cut to their first line before scoring (few-shot tasks
    /// where models keep generating further examples).
    public static let firstLineDatasets: Set<String> = ["trec", "triviaqa", "samsum", "lsht"]

    /// The metric of `dataset`.
    public static func metric(for dataset: String) throws -> LongBenchMetric {
        guard let metric = datasetMetrics[dataset] else { throw LongBenchError.unknownDataset(dataset) }
        return metric
    }

    /// One sample's score in [0, 1]: the first-line rule when the dataset has it, then the best
    /// score over the ground truths (0 when there are none).
    public static func sampleScore(dataset: String, prediction: String, groundTruths: [String],
                                   allClasses: [String] = []) throws -> Double {
        let metric = try metric(for: dataset)
        var prediction = prediction
        if firstLineDatasets.contains(dataset) { prediction = firstLine(prediction) }
        var best = 0.0
        for truth in groundTruths {
            best = max(best, try metric.score(prediction: prediction, groundTruth: truth, allClasses: allClasses))
        }
        return best
    }

    /// `prediction.lstrip('\n').split('\n')[0]`.
    public static func firstLine(_ prediction: String) -> String {
        let scalars = PythonText.scalars(prediction).drop { $0 == "\n" }
        return PythonText.string(Array(scalars.prefix { $0 != "\n" }))
    }

    /// The dataset score: `round(100 · mean of sample scores, 2)`; NaN for no samples (the
    /// reference divides by zero there).
    public static func score(dataset: String, samples: [LongBenchSample]) throws -> Double {
        guard !samples.isEmpty else { return .nan }
        var total = 0.0
        for sample in samples {
            total += try sampleScore(dataset: dataset, prediction: sample.prediction, groundTruths: sample.answers,
                                     allClasses: sample.allClasses)
        }
        return PythonText.round(100 * total / Double(samples.count), digits: 2)
    }

    /// LongBench-E: `round(100 · mean, 2)` per length bucket (`length` < 4000, < 8000, the rest);
    /// NaN for an empty bucket, as numpy's mean of nothing. Means use numpy's pairwise summation.
    public static func scoreByLength(dataset: String, samples: [LongBenchSample]) throws -> [LengthBucket: Double] {
        var buckets: [LengthBucket: [Double]] = [.upTo4k: [], .from4kTo8k: [], .from8k: []]
        for sample in samples {
            let score = try sampleScore(dataset: dataset, prediction: sample.prediction, groundTruths: sample.answers,
                                        allClasses: sample.allClasses)
            buckets[LengthBucket(length: sample.length), default: []].append(score)
        }
        return buckets.mapValues { scores in
            guard !scores.isEmpty else { return .nan }
            return PythonText.round(100 * NumpySum.pairwise(scores) / Double(scores.count), digits: 2)
        }
    }

    /// The reference's text for a score over fewer samples than the full dataset:
    /// `"45.2(150/200)"`; just the number when complete or when the dataset is unknown.
    public static func annotatedScore(_ score: Double, dataset: String, sampleCount: Int) -> String {
        guard let expected = datasetSampleCounts[dataset], sampleCount < expected else { return "\(score)" }
        return "\(score)(\(sampleCount)/\(expected))"
    }

    /// The length buckets of LongBench-E.
    public enum LengthBucket: String, CaseIterable, Sendable {
        /// `length < 4000`.
        case upTo4k = "0-4k"
        /// `4000 <= length < 8000`.
        case from4kTo8k = "4-8k"
        /// `length >= 8000`.
        case from8k = "8k+"

        /// The bucket of a sample with `length` (LongBench-E's `length` field, in words).
        public init(length: Int) {
            self = length < 4000 ? .upTo4k : length < 8000 ? .from4kTo8k : .from8k
        }
    }
}

/// One scored LongBench sample: the model's prediction and the dataset's fields.
public struct LongBenchSample: Equatable, Sendable {
    /// The model's output.
    public var prediction: String
    /// The acceptable answers (the best one counts).
    public var answers: [String]
    /// The class names of classification datasets (trec, lsht); empty otherwise.
    public var allClasses: [String]
    /// The `length` field (LongBench-E buckets).
    public var length: Int

    /// A sample.
    public init(prediction: String, answers: [String], allClasses: [String] = [], length: Int = 0) {
        self.prediction = prediction
        self.answers = answers
        self.allClasses = allClasses
        self.length = length
    }
}

/// numpy's float64 summation (`np.sum`, `np.mean`): 8-way unrolled blocks, pairwise above 128
/// elements, so means match the reference to the last bit.
enum NumpySum {
    static func pairwise(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { pairwise($0[...]) }
    }

    private static func pairwise(_ values: Slice<UnsafeBufferPointer<Double>>) -> Double {
        let n = values.count
        let base = values.startIndex
        if n < 8 {
            var sum = 0.0
            for value in values { sum += value }
            return sum
        }
        if n <= 128 {
            var r = (0..<8).map { values[base + $0] }
            var i = 8
            while i < n - n % 8 {
                for k in 0..<8 { r[k] += values[base + i + k] }
                i += 8
            }
            var sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                sum += values[base + i]
                i += 1
            }
            return sum
        }
        var half = n / 2
        half -= half % 8
        return pairwise(values[base..<(base + half)]) + pairwise(values[(base + half)...])
    }
}
