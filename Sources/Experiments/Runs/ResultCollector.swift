import Foundation

/// Gathers the results of many experiments of one task into one table (rows: experiment labels,
/// columns: lengths or datasets) and charts, as the reference's `collect_results.py` gathers its
/// sheets.
public enum ResultCollector {
    /// The collected results.
    public struct Collection: Sendable {
        /// The task.
        public var task: ExperimentTaskKind
        /// One row per label.
        public var table: ResultTable
        /// Every evaluated experiment.
        public var results: [ExperimentResult]
        /// Experiments left out, with the reason.
        public var skipped: [(experiment: String, reason: String)]
    }

    /// Evaluates `experiments` (nil: every experiment of `task` under `resultsRoot`), refreshing
    /// each one's `result.json`, and tabulates them. An incomplete or inconsistent experiment is
    /// an error naming it, unless `skipIncomplete` (then it is listed in `skipped`). `columns`
    /// restricts the table's columns.
    public static func collect(resultsRoot: String, task: ExperimentTaskKind, experiments: [String]? = nil,
                               skipIncomplete: Bool = false, columns: [String]? = nil) throws -> Collection {
        let names = experiments ?? ExperimentStore.experiments(resultsRoot: resultsRoot, task: task)
        guard !names.isEmpty else {
            throw RunError.conflict("no \(task.rawValue) experiments under \(ExperimentStore.predictionsDirectory(resultsRoot: resultsRoot, task: task))")
        }
        var results: [ExperimentResult] = []
        var skipped: [(String, String)] = []
        var failures: [String] = []
        for name in names {
            let store = ExperimentStore(resultsRoot: resultsRoot, task: task, name: name)
            guard FileManager.default.fileExists(atPath: store.directory) else {
                throw RunError.conflict("no experiment \(name) in \(ExperimentStore.predictionsDirectory(resultsRoot: resultsRoot, task: task))")
            }
            do {
                let result = try ExperimentEvaluator.evaluate(store)
                try ExperimentEvaluator.write(result, to: store)
                results.append(result)
            } catch let error as RunError {
                if skipIncomplete { skipped.append((name, error.description)) } else { failures.append(error.description) }
            }
        }
        if !failures.isEmpty {
            throw RunError.incomplete("refusing to collect; fix or leave out (--skip-incomplete) these experiments:\n  " + failures.joined(separator: "\n  "))
        }
        return Collection(task: task, table: try table(results, task: task, columns: columns), results: results, skipped: skipped)
    }

    /// The table of `results`: rows by label, columns in the task's order; a column with
    /// intervals is followed by `<column> 95% CI` cells `[lower, upper] n=N`.
    public static func table(_ results: [ExperimentResult], task: ExperimentTaskKind, columns selected: [String]? = nil) throws -> ResultTable {
        var all: [String] = []
        for result in results {
            for column in result.columns where !all.contains(column.name) { all.append(column.name) }
        }
        let ordered = order(all, task: task)
        let columns = selected.map { wanted in wanted } ?? ordered
        let metric = results.first?.metric ?? ""
        let withIntervals = columns.filter { column in results.contains { $0.intervals[column] != nil } }
        let layout = columns.flatMap { withIntervals.contains($0) ? [$0, intervalColumn($0)] : [$0] }
        var table = ResultTable(title: "\(task.rawValue): \(metric)", rowHeader: "experiment", columns: layout)
        var owner: [String: String] = [:]
        for result in results {
            table.addRow(result.label)
            for column in columns {
                guard let value = result.value(column) else { continue }
                let key = result.label + "\u{1}" + column
                if let other = owner[key] {
                    throw RunError.conflict("experiments \(other) and \(result.experiment) both give \(column) for label \"\(result.label)\"; give them different `label`s")
                }
                owner[key] = result.experiment
                table[result.label, column] = .number(value)
                if let interval = result.intervals[column] { table[result.label, intervalColumn(column)] = .text(interval.text()) }
            }
        }
        return table
    }

    /// The header of a column's interval cells.
    public static func intervalColumn(_ column: String) -> String { column + " 95% CI" }

    /// Columns in the task's order: lengths ascending, reference datasets first.
    static func order(_ columns: [String], task: ExperimentTaskKind) -> [String] {
        switch task {
        case .pg19, .passkey, .needle, .ruler:
            return columns.sorted { lengthValue($0) < lengthValue($1) }
        case .longbench:
            return LongBench.reportColumns.filter(columns.contains) + columns.filter { !LongBench.reportColumns.contains($0) }
        case .leval:
            return LEval.reportColumns.filter(columns.contains) + columns.filter { !LEval.reportColumns.contains($0) }
        }
    }

    /// `"4096"` → 4096, `"8k"` → 8000 (passkey buckets: 8 × 1024).
    static func lengthValue(_ column: String, kilo: Double = 1000) -> Double {
        if column.hasSuffix("k"), let value = Double(column.dropLast()) { return value * kilo }
        return Double(column) ?? .infinity
    }

    /// A chart of every experiment's columns against length: perplexity (log scale) for pg19,
    /// accuracy for passkey, needle and RULER with their intervals as bands; nil for dataset
    /// tasks.
    public static func chart(_ collection: Collection) -> LineChart? {
        let kilo: Double
        let yLabel: String
        switch collection.task {
        case .pg19: kilo = 1; yLabel = "Perplexity"
        case .passkey: kilo = 1024; yLabel = "Accuracy"
        case .needle: kilo = 1000; yLabel = "Accuracy"
        case .ruler: kilo = 1000; yLabel = "RULER score (mean over tasks)"
        case .longbench, .leval: return nil
        }
        var labels: [String] = []
        var points: [String: [(x: Double, y: Double)]] = [:]
        var bands: [String: [(x: Double, lower: Double, upper: Double)]] = [:]
        for result in collection.results {
            if points[result.label] == nil { labels.append(result.label) }
            for column in result.columns where column.value.isFinite && lengthValue(column.name, kilo: kilo).isFinite {
                let x = lengthValue(column.name, kilo: kilo)
                points[result.label, default: []].append((x, column.value))
                if let interval = result.intervals[column.name] { bands[result.label, default: []].append((x, interval.lower, interval.upper)) }
            }
        }
        let series = labels.map { label in
            var line = LineChart.Series(name: label, points: (points[label] ?? []).sorted { $0.x < $1.x })
            line.band = (bands[label] ?? []).sorted { $0.x < $1.x }
            return line
        }
        let title = collection.task == .pg19 ? "Perplexity vs. context length"
            : "\(collection.task.rawValue) accuracy vs. context length (bands: 95% Wilson intervals)"
        var chart = LineChart(series: series, title: title,
                              xLabel: "Context length (tokens)", yLabel: yLabel)
        chart.xTickLabels = .thousands
        if collection.task == .pg19 {
            chart.yAxis = .logarithmic
        } else {
            chart.yRange = 0...1
            chart.yTickLabels = .percent
        }
        return chart
    }

    /// The chart's file name.
    public static func chartFileName(_ task: ExperimentTaskKind) -> String {
        task == .pg19 ? "ppl_vs_length.svg" : "accuracy_vs_length.svg"
    }
}
