import Extrapolation
import Foundation
import Transformer

/// The reference's LongBench run (`longbench_pred`): for each dataset, every record of
/// `<data_dir>/<dataset>.jsonl` (LongBench's layout: `context`, `input`, `answers`,
/// `all_classes`, `length`, `_id`) is put into the dataset's template; a prompt longer than
/// `max_pe − max_gen − 50` tokens keeps its first and last `(max_pe − max_gen − 50) / 2` tokens
/// (LongBench's middle truncation); it is chat-wrapped unless the dataset is a few-shot one, and
/// answered greedily with the dataset's token limit (samsum also stops at a newline and makes at
/// least one token, as in the reference).
public struct LongBenchTask: DatasetTask {
    /// One dataset record.
    public struct Payload {
        /// The dataset name.
        public var dataset: String
        /// Position of the record in the dataset file.
        public var index: Int
        /// The record's fields, which fill the template.
        public var fields: [String: Any]
        /// The acceptable answers.
        public var answers: [String]
        /// Class names of classification datasets.
        public var allClasses: [String]
        /// The dataset's `length` field.
        public var length: Int
        /// The dataset's `_id`, when present.
        public var id: String?
    }

    /// One answered record (the reference's fields plus ours).
    public struct Record: TaskRecord, Equatable {
        /// The work item's id.
        public var item: String
        /// The dataset name.
        public var dataset: String
        /// Position of the record in the dataset file.
        public var index: Int
        /// The dataset's `_id`, when present.
        public var id: String?
        /// The model's answer.
        public var pred: String
        /// The acceptable answers.
        public var answers: [String]
        /// Class names of classification datasets.
        public var allClasses: [String]
        /// The dataset's `length` field.
        public var length: Int
        /// Prompt tokens (the reference's `prefill_len`).
        public var prefillLen: Int
        /// Prompt plus generated tokens (the reference's `final_len`).
        public var finalLen: Int
        /// Whether the prompt was middle-truncated.
        public var truncated: Bool
        /// Wall-clock seconds the item took.
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case item, dataset, index, pred, answers, length, truncated, seconds
            case id = "_id"
            case allClasses = "all_classes"
            case prefillLen = "prefill_len"
            case finalLen = "final_len"
        }
    }

    /// The reference's data location (it downloads `THUDM/LongBench`; we read local JSONL).
    public static let defaultDataDirectory = "longbench/data"

    /// The task's own config keys.
    public typealias Settings = DatasetTaskSettings

    /// The config's `task`.
    public static let name = "longbench"
    /// The keys the task reads.
    public static let configKeys = DatasetTaskSettings.keys(task: name, defaultDirectory: defaultDataDirectory, defaultLimit: "the dataset's limit")

    /// Reads the keys; every dataset named must be one the task knows.
    public static func readSettings(_ reader: ConfigReader) throws -> Settings {
        try DatasetTaskSettings(reader) { LongBench.datasetMetrics[$0] != nil ? nil : "unknown LongBench dataset \"\($0)\"; known: \(LongBench.datasetMetrics.keys.sorted().joined(separator: ", "))" }
    }

    /// The reference's report order.
    public static let referenceColumns = LongBench.reportColumns

    /// The experiment config.
    public let config: ExperimentConfig
    /// The task's keys.
    public let settings: Settings
    /// Resolves the config's relative paths.
    public let paths: PathResolver
    /// What one work item is, for progress lines.
    public var unit: String { "record" }

    /// The task for `config`, with data paths resolved by `paths`.
    public init(config: ExperimentConfig, settings: Settings, paths: PathResolver) {
        self.config = config
        self.settings = settings
        self.paths = paths
    }
    /// The datasets to run.
    public var datasets: [String] {
        let all = settings.datasets ?? LongBenchPrompts.referenceDatasets
        return config.test ? Array(all.prefix(1)) : all
    }

    /// Every work item, in the reference's order.
    public func plan() throws -> [WorkItem<Payload>] {
        let directory = paths.resolve(settings.dataDirectory ?? LongBenchTask.defaultDataDirectory)
        try TaskData.requireDatasets(datasets, in: directory, benchmark: "LongBench")
        var items: [WorkItem<Payload>] = []
        for dataset in datasets {
            guard LongBenchPrompts.templates[dataset] != nil else { throw RunError.invalidData("no LongBench prompt template for \(dataset)") }
            let file = directory + "/" + dataset + ".jsonl"
            var records = try TaskData.jsonLines(file)
            if config.test { records = Array(records.prefix(1)) }
            for (index, object) in records.enumerated() {
                let place = "\(file): record \(index + 1)"
                let answers = try TaskData.strings(object, "answers", at: place)
                let classes = try TaskData.strings(object, "all_classes", at: place, optional: true)
                let length = (object["length"] as? NSNumber)?.intValue ?? 0
                items.append(WorkItem(id: "\(dataset):\(index)",
                                      payload: Payload(dataset: dataset, index: index, fields: object, answers: answers, allClasses: classes,
                                                       length: length, id: object["_id"] as? String)))
            }
        }
        return items
    }

    /// The generation limit of `dataset`.
    public func maximumNewTokens(_ dataset: String) -> Int {
        settings.maxNewTokens ?? LongBenchPrompts.maximumNewTokens[dataset] ?? 128
    }

    /// The prompt text before chat wrapping, middle-truncated to fit; and whether it was cut.
    public func prompt(_ payload: Payload, tokenizer: Tokenizer) throws -> (text: String, truncated: Bool) {
        guard let template = LongBenchPrompts.templates[payload.dataset] else {
            throw RunError.invalidData("no LongBench prompt template for \(payload.dataset)")
        }
        let prompt = try LongBenchPrompts.format(template, fields: payload.fields)
        let limit = config.maxPE - maximumNewTokens(payload.dataset) - 50
        guard limit >= 2 else {
            throw RunError.invalidData("max_pe \(config.maxPE) leaves no room for a \(payload.dataset) prompt after \(maximumNewTokens(payload.dataset)) new tokens and 50 spare")
        }
        let tokens = tokenizer.encode(prompt)
        guard tokens.count > limit else { return (prompt, false) }
        let half = limit / 2
        let text = try tokenizer.decode(Array(tokens.prefix(half)), skipSpecialTokens: true)
            + tokenizer.decode(Array(tokens.suffix(half)), skipSpecialTokens: true)
        return (text, true)
    }

    /// Runs one item with the model.
    public func run(_ item: WorkItem<Payload>, context: TaskContext) throws -> Record {
        let dataset = item.payload.dataset
        let (text, truncated) = try prompt(item.payload, tokenizer: context.loaded.tokenizer)
        let chat = !PromptWrapper.unwrappedLongBenchDatasets.contains(dataset)
        let tokens = try context.prompts.generalTokens(text, chat: chat)
        var stops: Set<Int> = []
        var minimum = 0
        if dataset == "samsum", let newline = context.loaded.tokenizer.encode("\n", addSpecialTokens: false).last {
            stops.insert(newline)
            minimum = 1
        }
        let output = try GreedyGeneration.generate(context.loaded, prompt: tokens, maxNewTokens: maximumNewTokens(dataset),
                                                   extraStopTokens: stops, minNewTokens: minimum)
        return Record(item: item.id, dataset: dataset, index: item.payload.index, id: item.payload.id, pred: output.text,
                      answers: item.payload.answers, allClasses: item.payload.allClasses, length: item.payload.length,
                      prefillLen: tokens.count, finalLen: output.finalLength, truncated: truncated, seconds: output.seconds)
    }

    /// One line about a finished record, for logs.
    public func summary(_ record: Record) -> String {
        String(format: "%@ #%d, %d tokens%@: %@ (%.1f s)", record.dataset, record.index, record.prefillLen,
               record.truncated ? " (truncated)" : "", PassKeyTask.shorten(record.pred), record.seconds)
    }
}

// MARK: Evaluation

extension LongBenchTask {
    /// The reference's `longbench_eval`: each dataset's score, and the `_o`/`_t` variants over
    /// records whose prompt reached the original window / the target length.
    public static func evaluate(_ records: [Record], run: RunDescription, into result: inout ExperimentResult) throws {
        result.metric = "score"
        var order: [String] = []
        var groups: [String: [Record]] = [:]
        for record in records {
            if groups[record.dataset] == nil { order.append(record.dataset) }
            groups[record.dataset, default: []].append(record)
        }
        func samples(_ records: [Record]) -> [LongBenchSample] {
            records.map { LongBenchSample(prediction: $0.pred, answers: $0.answers, allClasses: $0.allClasses, length: $0.length) }
        }
        var counts: [(String, String)] = [], original: [(String, String)] = [], target: [(String, String)] = []
        var annotated: [(String, String)] = []
        for dataset in order {
            let group = groups[dataset] ?? []
            let score = try LongBench.score(dataset: dataset, samples: samples(group))
            result.columns.append((dataset, score))
            counts.append((dataset, String(group.count)))
            annotated.append((dataset, JSONText.string(LongBench.annotatedScore(score, dataset: dataset, sampleCount: group.count))))
            let longO = group.filter { $0.prefillLen >= run.originalWindow }
            let longT = group.filter { $0.prefillLen >= run.maxPE }
            original.append((dataset, longO.isEmpty ? "null" : JSONText.number(try LongBench.score(dataset: dataset, samples: samples(longO)))))
            target.append((dataset, longT.isEmpty ? "null" : JSONText.number(try LongBench.score(dataset: dataset, samples: samples(longT)))))
        }
        result.details = [
            ("samples", ExperimentResult.object(counts)), ("reference_format", ExperimentResult.object(annotated)),
            ("scores_o", ExperimentResult.object(original)), ("scores_t", ExperimentResult.object(target)),
        ]
    }
}
