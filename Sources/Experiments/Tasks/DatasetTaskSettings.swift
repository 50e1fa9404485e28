/// The config keys of a task that runs named datasets of `<dataset>.jsonl` files (LongBench,
/// L-Eval): `data_dir`, `datasets` and `max_new_tokens`.
public struct DatasetTaskSettings: Sendable {
    /// The `.jsonl` folder (`data_dir`; nil: the task's default location).
    public var dataDirectory: String?
    /// Datasets to run (`datasets`; nil: the reference's list).
    public var datasets: [String]?
    /// Overrides every generation limit (`max_new_tokens`).
    public var maxNewTokens: Int?

    /// Reads the keys; `problem` says what is wrong with a dataset name (nil: nothing).
    public init(_ reader: ConfigReader, problem: (String) -> String?) throws {
        let datasets = try reader.strings("datasets")
        if let datasets {
            if datasets.isEmpty { throw reader.error("datasets", "must name at least one dataset") }
            for dataset in datasets {
                if let message = problem(dataset) { throw reader.error("datasets", message) }
            }
        }
        self.datasets = datasets
        dataDirectory = try reader.nonEmptyString("data_dir")
        maxNewTokens = try reader.integer("max_new_tokens", atLeast: 1)
    }

    /// The keys with their meanings for `task`.
    public static func keys(task: String, defaultDirectory: String, defaultLimit: String) -> [(key: String, meaning: String)] {
        [
            ("data_dir", "\(task): folder of <dataset>.jsonl files (default \(defaultDirectory))"),
            ("datasets", "\(task): dataset names to run (default: the reference's list)"),
            ("max_new_tokens", "\(task): generation limit (default: \(defaultLimit))"),
        ]
    }
}

/// A task over named datasets whose settings are `DatasetTaskSettings`: collected columns put
/// the reference's datasets first, and scores (0–100) print with two decimals.
public protocol DatasetTask: ExperimentTask where Settings == DatasetTaskSettings {
    /// The reference's report order of dataset columns.
    static var referenceColumns: [String] { get }
}

extension DatasetTask {
    /// The reference's datasets first, in its order, then the others.
    public static func orderColumns(_ columns: [String]) -> [String] {
        referenceColumns.filter(columns.contains) + columns.filter { !referenceColumns.contains($0) }
    }

    /// Scores are 0–100: two decimals.
    public static var tableDecimals: Int { 2 }
}
