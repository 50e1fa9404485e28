import Extrapolation
import Foundation
import Transformer

/// The reference's PG19 perplexity test (`pg19_pred`): every `.txt` file of a folder (or one
/// file), truncated to `max_pe − 1` tokens, scored token by token.
///
/// As in the reference, GALI and ChunkLlama score the whole text in one call, SelfExtend too
/// (its stride is the text length), and the other methods append `stride`-token pieces with the
/// key/value cache; the reference computes each piece's loss inside the piece only, so the first
/// token of every piece after the first is not scored, and neither is it here. The record keeps
/// the per-token negative log-likelihoods (`log_prob_list`).
public struct PerplexityTask: ExperimentTask {
    /// A file to score.
    public struct Payload {
        /// Absolute path.
        public var path: String
        /// Name saved in the record (the reference's `file_name`).
        public var fileName: String
    }

    /// One scored file.
    public struct Record: TaskRecord, Equatable {
        /// The work item's id.
        public var item: String
        /// The text file's name (the reference's `file_name`).
        public var fileName: String
        /// Tokens of the (truncated) text.
        public var tokens: Int
        /// `whole` or `stride`.
        public var scoring: String
        /// The piece length when strided.
        public var stride: Int?
        /// Negative log-likelihoods of the scored tokens, in order.
        public var logProbList: [Float]
        /// Wall-clock seconds the item took.
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case item, tokens, scoring, stride, seconds
            case fileName = "file_name"
            case logProbList = "log_prob_list"
        }
    }

    /// The task's own config keys.
    public struct Settings: Sendable {
        /// Piece length for strided scoring (`stride`).
        public var stride: Int
        /// The `.txt` folder or file (`data_dir`; nil: `pg19/test`).
        public var dataDirectory: String?
    }

    /// The config's `task`.
    public static let name = "pg19"
    /// The keys the task reads.
    public static let configKeys: [(key: String, meaning: String)] = [
        ("stride", "pg19: piece length for strided scoring (methods whose descriptor does not score the whole text in one pass)"),
        ("data_dir", "pg19: folder of .txt files, or one file (default pg19/test)"),
    ]
    /// Reads `stride` (required) and `data_dir`.
    public static func readSettings(_ reader: ConfigReader) throws -> Settings {
        Settings(stride: try reader.requiredInteger("stride", atLeast: 1), dataDirectory: try reader.nonEmptyString("data_dir"))
    }
    /// Perplexity against length, log scale.
    public static let chart: LengthChart? = LengthChart(kilo: 1, yLabel: "Perplexity", title: "Perplexity vs. context length",
                                                        logarithmic: true, fileName: "ppl_vs_length.svg")

    /// The reference's default folder, relative to the working directory.
    public static let defaultDataDirectory = "pg19/test"

    /// The experiment config.
    public let config: ExperimentConfig
    /// The task's keys.
    public let settings: Settings
    /// Resolves the config's relative paths.
    public let paths: PathResolver
    /// What one work item is, for progress lines.
    public var unit: String { "file" }

    /// The task for `config`, with data paths resolved by `paths`.
    public init(config: ExperimentConfig, settings: Settings, paths: PathResolver) {
        self.config = config
        self.settings = settings
        self.paths = paths
    }

    /// Every work item, in the reference's order.
    public func plan() throws -> [WorkItem<Payload>] {
        let source = paths.resolve(settings.dataDirectory ?? PerplexityTask.defaultDataDirectory)
        var items: [WorkItem<Payload>]
        switch TaskData.isDirectory(source) {
        case nil:
            throw RunError.invalidData("pg19 data \(source) does not exist (set data_dir to a folder of .txt files or one file)")
        case false?:
            let name = (source as NSString).lastPathComponent
            items = [WorkItem(id: "file:" + name, payload: Payload(path: source, fileName: name))]
        case true?:
            let names = try TaskData.files(in: source, suffix: ".txt")
            guard !names.isEmpty else { throw RunError.invalidData("\(source) has no .txt files") }
            items = names.map { WorkItem(id: "file:" + $0, payload: Payload(path: source + "/" + $0, fileName: $0)) }
        }
        if config.test { items = Array(items.prefix(1)) }
        return items
    }

    /// The scored positions of a strided run: `nll[i]` predicts token i + 1; the reference drops
    /// the first token of each piece, i.e. indices with (i + 1) divisible by `stride`.
    public static func referenceLosses(_ nll: [Float], stride: Int) -> [Float] {
        nll.enumerated().filter { ($0.offset + 1) % stride != 0 }.map(\.element)
    }

    /// Runs one item with the model.
    public func run(_ item: WorkItem<Payload>, context: TaskContext) throws -> Record {
        let start = Date()
        let text = try TaskData.text(item.payload.path)
        var tokens = context.loaded.tokenizer.encode(text)
        if tokens.count > config.maxPE - 1 { tokens = Array(tokens.prefix(config.maxPE - 1)) }
        guard tokens.count >= 2 else {
            throw RunError.invalidData("\(item.payload.path) has \(tokens.count) token(s); scoring needs at least 2")
        }
        try context.loaded.checkFits(tokens: tokens.count)
        let session = try context.loaded.makeSession(reserving: tokens.count)
        let whole = type(of: context.loaded.method).descriptor.scoresWholeText
        let stride = whole ? nil : settings.stride
        let result = try session.score(tokens, stride: stride) { done, total in context.progress(done, total) }
        var losses = result.negativeLogLikelihoods
        if let stride { losses = PerplexityTask.referenceLosses(losses, stride: stride) }
        return Record(item: item.id, fileName: item.payload.fileName, tokens: tokens.count, scoring: whole ? "whole" : "stride",
                      stride: stride, logProbList: losses, seconds: Date().timeIntervalSince(start))
    }

    /// One line about a finished record, for logs.
    public func summary(_ record: Record) -> String {
        let mean = record.logProbList.reduce(0.0) { $0 + Double($1) } / Double(max(record.logProbList.count, 1))
        return String(format: "%@: %d tokens, PPL %.3f (%.1f s)", record.fileName, record.tokens, exp(mean), record.seconds)
    }
}

// MARK: Evaluation

extension PerplexityTask {
    /// The reference's `pg19_eval`: for L = 1024, 2048, …, each file with at least L − 20 scored
    /// tokens gives `exp(sum of its first L losses / L)`; the column is the mean over files. A
    /// last column `all` (ours) averages each file's perplexity over all its scored tokens.
    public static func evaluate(_ records: [Record], run: RunDescription, into result: inout ExperimentResult) throws {
        result.metric = "ppl"
        let longest = records.map { $0.logProbList.count + 20 }.max() ?? 0
        var length = 1024
        while length <= longest {
            var values: [Double] = []
            for record in records where length <= record.logProbList.count + 20 {
                var sum = 0.0
                for loss in record.logProbList.prefix(length) { sum += Double(loss) }
                values.append(exp(sum / Double(length)))
            }
            if !values.isEmpty { result.columns.append((String(length), values.reduce(0, +) / Double(values.count))) }
            length += 1024
        }
        // Ours: the whole text of every file (mean over files of exp(mean loss)).
        let whole = records.filter { !$0.logProbList.isEmpty }.map { record in
            exp(record.logProbList.reduce(0.0) { $0 + Double($1) } / Double(record.logProbList.count))
        }
        if !whole.isEmpty { result.columns.append(("all", whole.reduce(0, +) / Double(whole.count))) }
        result.details = [
            ("files", String(records.count)),
            ("tokens", ExperimentResult.object(records.map { ($0.fileName, String($0.tokens)) })),
            ("mean_nll", ExperimentResult.object(records.map { record in
                (record.fileName, JSONText.number(record.logProbList.reduce(0.0) { $0 + Double($1) } / Double(max(record.logProbList.count, 1))))
            })),
        ]
    }
}
