import Transformer
import Foundation

/// Computes an experiment's metrics from its saved records (merged over shards), as the
/// reference's `eval.py` does per task.
public enum ExperimentEvaluator {
    /// Evaluates the experiment in `store`. Refuses (throws `RunError.incomplete`) when records
    /// are missing or duplicated, unless `allowIncomplete`.
    public static func evaluate(_ store: ExperimentStore, allowIncomplete: Bool = false) throws -> ExperimentResult {
        let run = try store.description()
        let (lines, planned) = try store.mergedRecords(allowIncomplete: allowIncomplete)
        var result = ExperimentResult(task: store.task, experiment: store.name, label: run.label, method: run.method, metric: "",
                                      columns: [], planned: planned, recorded: lines.count, details: [])
        try evaluate(store.task.type, lines: lines, run: run, store: store, into: &result)
        return result
    }

    /// Writes `result.json` and the task's extra files (e.g. the needle heatmap) into the
    /// experiment folder; returns the files written.
    @discardableResult
    public static func write(_ result: ExperimentResult, to store: ExperimentStore) throws -> [String] {
        try ExperimentStore.writeAtomically(result.jsonText(), to: store.resultPath)
        var written = [store.resultPath]
        for file in result.task.type.extraFiles(result) {
            let path = store.directory + "/" + file.name
            try ExperimentStore.writeAtomically(file.text, to: path)
            written.append(path)
        }
        return written
    }

    /// Decodes the records as `Task`'s and lets the task compute its metrics.
    static func evaluate<Task: ExperimentTask>(_ task: Task.Type, lines: [String], run: RunDescription, store: ExperimentStore,
                                               into result: inout ExperimentResult) throws {
        try Task.evaluate(try decode(lines, as: Task.Record.self, store: store), run: run, into: &result)
    }

    static func decode<Record: Decodable>(_ lines: [String], as type: Record.Type, store: ExperimentStore) throws -> [Record] {
        let decoder = JSONDecoder()
        return try lines.enumerated().map { index, line in
            do {
                return try decoder.decode(Record.self, from: Data(line.utf8))
            } catch {
                throw RunError.io("record \(index + 1) of \(store.directory) is not a \(store.task.name) record: \(error)")
            }
        }
    }
}
