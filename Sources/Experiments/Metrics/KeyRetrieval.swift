/// Scoring of the passkey and needle-in-a-haystack tests, as the reference's `pred.py` does it:
/// an answer is right when the key's digits occur anywhere in the decoded generation
/// (`if answer in pred`), so `"The pass key is 71432."` is right for `71432` and so is any
/// longer number containing it.
public enum KeyRetrieval {
    /// Whether `prediction` contains `answer` (as Python's `answer in pred`, on Unicode scalars).
    public static func isCorrect(prediction: String, answer: String) -> Bool {
        PythonText.contains(PythonText.scalars(prediction), PythonText.scalars(answer))
    }

    /// The share of attempts whose prediction contains the answer; NaN for no attempts.
    public static func accuracy(_ attempts: [(prediction: String, answer: String)]) -> Double {
        guard !attempts.isEmpty else { return .nan }
        let passed = attempts.filter { isCorrect(prediction: $0.prediction, answer: $0.answer) }.count
        return Double(passed) / Double(attempts.count)
    }

    /// The needle test's grid: mean accuracy for each (context length, depth) pair, lengths and
    /// depths sorted ascending, NaN where a pair has no result. `values[d][l]` is depth `d` at
    /// length `l`, the layout of a heatmap with length on x and depth on y.
    public static func needleGrid(_ results: [NeedleResult]) -> NeedleGrid {
        let lengths = Array(Set(results.map(\.contextLength))).sorted()
        let depths = Array(Set(results.map(\.depthPercent))).sorted()
        var sums = [[Double]](repeating: [Double](repeating: 0, count: lengths.count), count: depths.count)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: lengths.count), count: depths.count)
        let lengthIndex = Dictionary(uniqueKeysWithValues: lengths.enumerated().map { ($1, $0) })
        let depthIndex = Dictionary(uniqueKeysWithValues: depths.enumerated().map { ($1, $0) })
        for result in results {
            guard let l = lengthIndex[result.contextLength], let d = depthIndex[result.depthPercent] else { continue }
            sums[d][l] += result.accuracy
            counts[d][l] += 1
        }
        let values = zip(sums, counts).map { row in
            zip(row.0, row.1).map { $1 > 0 ? $0 / Double($1) : .nan }
        }
        return NeedleGrid(contextLengths: lengths, depthPercents: depths, values: values)
    }
}

/// One cell of the needle test: the accuracy over the repetitions at one length and depth (the
/// reference's `context_length`, `depth_percent` and `score`).
public struct NeedleResult: Equatable, Sendable {
    /// The target context length (the reference's lengths run from `min_k`·1000 to `max_k`·1000
    /// in steps of `gap`·1000).
    public var contextLength: Int
    /// Where the needle sits, in percent of the haystack (the reference uses 1/16 … 16/16).
    public var depthPercent: Double
    /// The share of repetitions answered correctly, in [0, 1].
    public var accuracy: Double

    /// A result.
    public init(contextLength: Int, depthPercent: Double, accuracy: Double) {
        self.contextLength = contextLength
        self.depthPercent = depthPercent
        self.accuracy = accuracy
    }
}

/// Needle accuracies on a length × depth grid.
public struct NeedleGrid: Equatable, Sendable {
    /// Context lengths, ascending (the x axis).
    public let contextLengths: [Int]
    /// Depths in percent, ascending (the y axis).
    public let depthPercents: [Double]
    /// `values[depth][length]`, NaN where missing.
    public let values: [[Double]]

    /// Equal when the axes are and the values are bitwise equal (so NaN cells compare equal).
    public static func == (lhs: NeedleGrid, rhs: NeedleGrid) -> Bool {
        lhs.contextLengths == rhs.contextLengths && lhs.depthPercents == rhs.depthPercents
            && lhs.values.map { $0.map(\.bitPattern) } == rhs.values.map { $0.map(\.bitPattern) }
    }
}
