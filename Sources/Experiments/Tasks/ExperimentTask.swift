import Extrapolation
import Foundation
import Transformer

/// One unit of work of a task (a text file, a trial, a grid cell repetition, a dataset record)
/// with an id that is stable across runs, so that resumed and sharded runs agree on it.
public struct WorkItem<Payload> {
    /// Stable id, unique within the experiment.
    public let id: String
    /// What the task needs to run the item.
    public let payload: Payload
}

/// A saved record: one JSON line per finished work item.
public protocol TaskRecord: Codable {
    /// The work item's id.
    var item: String { get }
}

/// What a task needs while it runs items.
public struct TaskContext {
    /// The experiment config.
    public let config: ExperimentConfig
    /// The model with its method.
    public let loaded: LoadedModel
    /// Prompt wrapping for the model.
    public let prompts: PromptWrapper
    /// Reports progress inside one item (done, total), e.g. tokens scored.
    public let progress: (Int, Int) -> Void
}

/// A task: everything an experiment of one kind needs, in one type. It names itself and the
/// config keys it reads, plans its work items from the config and the data (without the model),
/// runs one item at a time with the model, and turns its saved records into metrics.
///
/// Adding a task is one new file with a type conforming to this protocol plus one line in
/// `ExperimentTasks.all`; nothing else switches over tasks.
public protocol ExperimentTask {
    /// What one work item carries.
    associatedtype Payload
    /// What one finished work item saves.
    associatedtype Record: TaskRecord
    /// The task's own config keys, read and checked.
    associatedtype Settings

    /// The name a config's `task` gives; also the results folder (`results/<name>/pred/`).
    static var name: String { get }
    /// Other spellings `task` accepts (default: none).
    static var aliases: [String] { get }
    /// The config keys this task reads beyond the common ones, with what each means here.
    static var configKeys: [(key: String, meaning: String)] { get }
    /// Reads and checks the task's keys; errors name the key and its line.
    static func readSettings(_ reader: ConfigReader) throws -> Settings
    /// Notes about keys the task reads in general but ignores in this config (default: none).
    static func ignoredKeys(_ reader: ConfigReader) -> [String]

    /// The task for `config` with its checked `settings`, data paths resolved by `paths`.
    init(config: ExperimentConfig, settings: Settings, paths: PathResolver) throws
    /// What an item is, for progress lines (`file`, `trial`, `record`).
    var unit: String { get }
    /// Every work item, in the reference's order.
    func plan() throws -> [WorkItem<Payload>]
    /// Runs one item.
    func run(_ item: WorkItem<Payload>, context: TaskContext) throws -> Record
    /// One line about a finished record.
    func summary(_ record: Record) -> String

    /// Fills `result` (metric, columns, details) from the experiment's records, as the
    /// reference's `eval.py` does for this task; `run` describes the experiment.
    static func evaluate(_ records: [Record], run: RunDescription, into result: inout ExperimentResult) throws
    /// Files written beside `result.json`, name and text (default: none).
    static func extraFiles(_ result: ExperimentResult) -> [(name: String, text: String)]
    /// The order of collected table columns (default: lengths ascending, see `LengthChart`).
    static func orderColumns(_ columns: [String]) -> [String]
    /// How `gali collect` charts the task's columns against length (default nil: no chart).
    static var chart: LengthChart? { get }
    /// Decimals of the values in printed tables (default 3).
    static var tableDecimals: Int { get }
}

extension ExperimentTask {
    /// No other spellings.
    public static var aliases: [String] { [] }
    /// Nothing ignored beyond keys other tasks read.
    public static func ignoredKeys(_ reader: ConfigReader) -> [String] { [] }
    /// No extra files.
    public static func extraFiles(_ result: ExperimentResult) -> [(name: String, text: String)] { [] }
    /// Columns by length ascending (`"1024"` < `"2k"`).
    public static func orderColumns(_ columns: [String]) -> [String] {
        columns.sorted { LengthChart.lengthValue($0) < LengthChart.lengthValue($1) }
    }
    /// No chart.
    public static var chart: LengthChart? { nil }
    /// Three decimals (ratios, perplexities).
    public static var tableDecimals: Int { 3 }

    /// The task for `config`, its settings read from the config, data paths resolved by `paths`.
    public init(config: ExperimentConfig, paths: PathResolver) throws {
        try self.init(config: config, settings: try Self.readSettings(config.reader), paths: paths)
    }
}

/// Resolves paths in configs: absolute paths as given, relative ones against a base folder (the
/// working directory, as the reference resolves them).
public struct PathResolver: Sendable {
    /// The base folder.
    public let base: String

    /// A resolver against `base` (default: the current directory).
    public init(base: String = FileManager.default.currentDirectoryPath) {
        self.base = base
    }

    /// `path` made absolute.
    public func resolve(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return expanded }
        return (base as NSString).appendingPathComponent(expanded)
    }
}

/// Helpers for reading task data.
enum TaskData {
    /// Checks that `directory` holds `<dataset>.jsonl` for every dataset of a `benchmark`
    /// (LongBench, L-Eval); errors say which files are missing and how to run fewer.
    static func requireDatasets(_ datasets: [String], in directory: String, benchmark: String) throws {
        guard isDirectory(directory) == true else {
            throw RunError.invalidData("\(benchmark) data folder \(directory) does not exist (set data_dir to a folder of <dataset>.jsonl files)")
        }
        let missing = datasets.filter { !FileManager.default.fileExists(atPath: directory + "/" + $0 + ".jsonl") }
        if !missing.isEmpty {
            throw RunError.invalidData("\(benchmark) data missing in \(directory): " + missing.map { $0 + ".jsonl" }.joined(separator: ", ")
                                       + " (set `datasets` to run fewer)")
        }
    }

    /// The UTF-8 text of `path`; errors name the file.
    static func text(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw RunError.invalidData("cannot read \(path)") }
        guard let text = String(data: data, encoding: .utf8) else { throw RunError.invalidData("\(path) is not UTF-8 text") }
        return text
    }

    /// Whether `path` is a directory (nil when it does not exist).
    static func isDirectory(_ path: String) -> Bool? {
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &directory) else { return nil }
        return directory.boolValue
    }

    /// Files in `directory` ending in `suffix`, sorted by name.
    static func files(in directory: String, suffix: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(suffix) }.sorted()
        } catch {
            throw RunError.invalidData("cannot list \(directory): \(error.localizedDescription)")
        }
    }

    /// The JSON objects of a JSONL file (blank lines skipped); errors name the file and line.
    static func jsonLines(_ path: String) throws -> [[String: Any]] {
        let text = try self.text(path)
        var objects: [[String: Any]] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                throw RunError.invalidData("\(path): line \(number + 1) is not a JSON object")
            }
            objects.append(object)
        }
        return objects
    }

    /// A string field; errors name the file, record and field.
    static func string(_ object: [String: Any], _ key: String, at place: String) throws -> String {
        guard let value = object[key] else { throw RunError.invalidData("\(place): missing field \"\(key)\"") }
        guard let text = value as? String else { throw RunError.invalidData("\(place): field \"\(key)\" must be a string") }
        return text
    }

    /// A list-of-strings field (nil/null → empty when `optional`).
    static func strings(_ object: [String: Any], _ key: String, at place: String, optional: Bool = false) throws -> [String] {
        guard let value = object[key], !(value is NSNull) else {
            if optional { return [] }
            throw RunError.invalidData("\(place): missing field \"\(key)\"")
        }
        if let text = value as? String, optional { return [text] }
        guard let list = value as? [Any] else {
            throw RunError.invalidData("\(place): field \"\(key)\" must be a list of strings")
        }
        let strings = list.compactMap { $0 as? String }
        guard strings.count == list.count else {
            throw RunError.invalidData("\(place): field \"\(key)\" must be a list of strings")
        }
        return strings
    }
}
