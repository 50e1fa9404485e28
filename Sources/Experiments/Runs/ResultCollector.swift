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
            let store = try ExperimentStore(resultsRoot: resultsRoot, task: task, name: name)
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

    /// The table of `results`: rows by label, columns in the task's order.
    public static func table(_ results: [ExperimentResult], task: ExperimentTaskKind, columns selected: [String]? = nil) throws -> ResultTable {
        var all: [String] = []
        for result in results {
            for column in result.columns where !all.contains(column.name) { all.append(column.name) }
        }
        let ordered = order(all, task: task)
        let columns = selected.map { wanted in wanted } ?? ordered
        let metric = results.first?.metric ?? ""
        var table = ResultTable(title: "\(task.rawValue): \(metric)", rowHeader: "experiment", columns: columns)
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
            }
        }
        return table
    }

    /// Columns in the task's order: lengths ascending, reference datasets first.
    static func order(_ columns: [String], task: ExperimentTaskKind) -> [String] {
        switch task {
        case .pg19, .passkey, .needle:
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
    /// accuracy for passkey and needle; nil for dataset tasks.
    public static func chart(_ collection: Collection) -> LineChart? {
        let kilo: Double
        let yLabel: String
        switch collection.task {
        case .pg19: kilo = 1; yLabel = "Perplexity"
        case .passkey: kilo = 1024; yLabel = "Accuracy"
        case .needle: kilo = 1000; yLabel = "Accuracy"
        case .longbench, .leval: return nil
        }
        var labels: [String] = []
        var points: [String: [(x: Double, y: Double)]] = [:]
        for result in collection.results {
            if points[result.label] == nil { labels.append(result.label) }
            for column in result.columns where column.value.isFinite && lengthValue(column.name, kilo: kilo).isFinite {
                points[result.label, default: []].append((lengthValue(column.name, kilo: kilo), column.value))
            }
        }
        let series = labels.map { LineChart.Series(name: $0, points: (points[$0] ?? []).sorted { $0.x < $1.x }) }
        var chart = LineChart(series: series, title: collection.task == .pg19 ? "Perplexity vs. context length" : "\(collection.task.rawValue) accuracy vs. context length",
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
