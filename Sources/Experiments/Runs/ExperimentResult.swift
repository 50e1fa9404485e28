import Transformer
import Foundation
import ModelFiles

/// The metrics of one experiment, as `gali eval` writes them to `result.json` and `gali
/// collect` tabulates them: one number per column (a length or a dataset) plus task details.
public struct ExperimentResult: Sendable {
    /// The task.
    public var task: ExperimentTaskKind
    /// The experiment folder name.
    public var experiment: String
    /// Row label in collected tables.
    public var label: String
    /// The method's canonical name.
    public var method: String
    /// What the column values are (`ppl`, `accuracy`, `score`).
    public var metric: String
    /// Column values in order: lengths (`"4096"`, `"8k"`) or datasets.
    public var columns: [(name: String, value: Double)]
    /// Items planned and items with a record.
    public var planned: Int
    /// Items with a record.
    public var recorded: Int
    /// Further fields of `result.json`, each a JSON value as text.
    public var details: [(key: String, json: String)]
    /// 95% Wilson intervals of accuracy columns, by column name (`intervals` in `result.json`).
    public var intervals: [String: WilsonInterval] = [:]
    /// A finer table for `gali eval` to print (RULER: task × length with intervals).
    public var breakdown: ResultTable?

    /// The value of `column`, if present.
    public func value(_ column: String) -> Double? { columns.first { $0.name == column }?.value }

    /// Whether every planned item has a record.
    public var isComplete: Bool { recorded == planned }

    /// `result.json` text.
    public func jsonText() -> String {
        var fields: [(String, String)] = [
            ("task", JSONText.string(task.name)), ("experiment", JSONText.string(experiment)), ("label", JSONText.string(label)),
            ("method", JSONText.string(method)), ("metric", JSONText.string(metric)),
            ("complete", isComplete ? "true" : "false"), ("planned_items", String(planned)), ("recorded_items", String(recorded)),
            ("columns", ExperimentResult.object(columns.map { ($0.name, JSONText.number($0.value)) })),
        ]
        if !intervals.isEmpty {
            fields.append(("intervals", ExperimentResult.object(columns.compactMap { column in intervals[column.name].map { (column.name, $0.json) } })))
        }
        fields += details.map { ($0.key, $0.json) }
        return ExperimentResult.object(fields, indent: 2) + "\n"
    }

    /// A JSON object from key/value-text pairs (one line, or one pair per line with `indent`).
    static func object(_ pairs: [(String, String)], indent: Int = 0) -> String {
        if indent == 0 { return "{" + pairs.map { JSONText.string($0.0) + ": " + $0.1 }.joined(separator: ", ") + "}" }
        let pad = String(repeating: " ", count: indent)
        return "{\n" + pairs.map { pad + JSONText.string($0.0) + ": " + $0.1 }.joined(separator: ",\n") + "\n}"
    }
}
