import Foundation

/// How a task's collected columns are charted against context length (`gali collect`): which
/// columns are lengths, how to read them, and how to label and scale the chart.
public struct LengthChart: Sendable {
    /// Tokens per `k` in column names (`"8k"`): 1000, or 1024 for pass-key buckets; 1 when the
    /// columns are plain token counts.
    public var kilo: Double
    /// The y axis label.
    public var yLabel: String
    /// The chart's title.
    public var title: String
    /// Whether values are drawn on a log scale (perplexity) instead of 0…100 % (accuracy).
    public var logarithmic: Bool
    /// The chart's file name beside the collected table.
    public var fileName: String

    /// A chart style.
    public init(kilo: Double, yLabel: String, title: String, logarithmic: Bool, fileName: String) {
        self.kilo = kilo
        self.yLabel = yLabel
        self.title = title
        self.logarithmic = logarithmic
        self.fileName = fileName
    }

    /// An accuracy-against-length chart of task `task` (bands: the intervals).
    public static func accuracy(task: String, kilo: Double, yLabel: String = "Accuracy") -> LengthChart {
        LengthChart(kilo: kilo, yLabel: yLabel, title: "\(task) accuracy vs. context length (bands: 95% Wilson intervals)", logarithmic: false,
                    fileName: "accuracy_vs_length.svg")
    }

    /// `"4096"` → 4096, `"8k"` → 8000 (with `kilo` 1000); infinity for other names.
    public static func lengthValue(_ column: String, kilo: Double = 1000) -> Double {
        if column.hasSuffix("k"), let value = Double(column.dropLast()) { return value * kilo }
        return Double(column) ?? .infinity
    }

    /// The chart of `results`: one series per label, the columns that are lengths, each column's
    /// interval (when it has one) drawn as a band.
    public func render(_ results: [ExperimentResult]) -> LineChart {
        var labels: [String] = []
        var points: [String: [(x: Double, y: Double)]] = [:]
        var bands: [String: [(x: Double, lower: Double, upper: Double)]] = [:]
        for result in results {
            if points[result.label] == nil { labels.append(result.label) }
            for column in result.columns where column.value.isFinite && LengthChart.lengthValue(column.name, kilo: kilo).isFinite {
                let x = LengthChart.lengthValue(column.name, kilo: kilo)
                points[result.label, default: []].append((x, column.value))
                if let interval = result.intervals[column.name] { bands[result.label, default: []].append((x, interval.lower, interval.upper)) }
            }
        }
        let series = labels.map { label in
            var line = LineChart.Series(name: label, points: (points[label] ?? []).sorted { $0.x < $1.x })
            line.band = (bands[label] ?? []).sorted { $0.x < $1.x }
            return line
        }
        var chart = LineChart(series: series, title: title, xLabel: "Context length (tokens)", yLabel: yLabel)
        chart.xTickLabels = .thousands
        if logarithmic {
            chart.yAxis = .logarithmic
        } else {
            chart.yRange = 0...1
            chart.yTickLabels = .percent
        }
        return chart
    }
}
