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
            throw RunError.conflict("no \(task.name) experiments under \(ExperimentStore.predictionsDirectory(resultsRoot: resultsRoot, task: task))")
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

    /// The table of `results`: rows by label, columns in the task's order; a column with
    /// intervals is followed by `<column> 95% CI` cells `[lower, upper] n=N`.
    public static func table(_ results: [ExperimentResult], task: ExperimentTaskKind, columns selected: [String]? = nil) throws -> ResultTable {
        var all: [String] = []
        for result in results {
            for column in result.columns where !all.contains(column.name) { all.append(column.name) }
        }
        let ordered = task.type.orderColumns(all)
        let columns = selected.map { wanted in wanted } ?? ordered
        let metric = results.first?.metric ?? ""
        let withIntervals = columns.filter { column in results.contains { $0.intervals[column] != nil } }
        let layout = columns.flatMap { withIntervals.contains($0) ? [$0, intervalColumn($0)] : [$0] }
        var table = ResultTable(title: "\(task.name): \(metric)", rowHeader: "experiment", columns: layout)
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

    /// The chart of every experiment's columns against length, as the task draws it (perplexity
    /// on a log scale, accuracy in percent); nil for tasks without a length chart.
    public static func chart(_ collection: Collection) -> LineChart? {
        collection.task.type.chart?.render(collection.results)
    }
}
