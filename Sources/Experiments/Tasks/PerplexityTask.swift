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

    /// The reference's default folder, relative to the working directory.
    public static let defaultDataDirectory = "pg19/test"

    /// The experiment config.
    public let config: ExperimentConfig
    /// Resolves the config's relative paths.
    public let paths: PathResolver
    /// What one work item is, for progress lines.
    public var unit: String { "file" }

    /// The task for `config`, with data paths resolved by `paths`.
    public init(config: ExperimentConfig, paths: PathResolver) {
        self.config = config
        self.paths = paths
    }

    /// Every work item, in the reference's order.
    public func plan() throws -> [WorkItem<Payload>] {
        let source = paths.resolve(config.dataDirectory ?? PerplexityTask.defaultDataDirectory)
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
        // Unreadable or binary files fail the plan (and `gali run --check`), before any folder
        // is created; the text is read again, one file at a time, when the item runs.
        for item in items { _ = try TaskData.text(item.payload.path) }
        return items
    }

    /// Whether `method` scores the whole text in one call in the reference.
    public static func scoresWhole(method: String) -> Bool {
        ["gali", "chunk_llama", "self_extend"].contains(method)
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
        let whole = PerplexityTask.scoresWhole(method: context.loaded.method.name)
        let stride = whole ? nil : (config.stride ?? tokens.count)
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
