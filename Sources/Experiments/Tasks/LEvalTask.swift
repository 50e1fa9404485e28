import Extrapolation
import Foundation
import Transformer

/// The reference's L-Eval run (`leval_pred`, metric `exam_eval`): for each closed-ended task,
/// every document of `<data_dir>/<dataset>.jsonl` (L-Eval's layout: `input` document,
/// `instructions`, `outputs`, `evaluation`) is cut by words until it fits
/// `max_pe − 512 − 50` tokens (from the end; from the start for code tasks), then each
/// instruction is asked with the reference's message and system prompt and answered greedily
/// with up to 512 new tokens; `sci_fi` also asks the question without the document and appends
/// ` [fact: …]` to the prediction.
public struct LEvalTask: DatasetTask {
    /// One instruction about one document.
    public struct Payload {
        /// The dataset name.
        public var dataset: String
        /// Position of the document in the dataset file.
        public var recordIndex: Int
        /// Position of the instruction among the document's instructions.
        public var instructionIndex: Int
        /// The document (the record's `input`).
        public var document: String
        /// The instruction asked.
        public var instruction: String
        /// The expected answer (the record's output).
        public var groundTruth: String
        /// The record's `evaluation` kind (`exam`, `f1`, `rouge`, ...).
        public var evaluation: String
    }

    /// One answered instruction (the reference's fields plus ours).
    public struct Record: TaskRecord, Equatable {
        /// The work item's id.
        public var item: String
        /// The dataset name.
        public var dataset: String
        /// Position of the document in the dataset file.
        public var recordIndex: Int
        /// Position of the instruction among the document's instructions.
        public var instructionIndex: Int
        /// The instruction (the reference's `query`).
        public var query: String
        /// The ground truth (the reference's `gt`).
        public var gt: String
        /// The message with the document replaced by `<long document>` (the reference's `prompt`).
        public var prompt: String
        /// The model's answer.
        public var pred: String
        /// The record's `evaluation` kind (`exam`, `f1`, `rouge`, ...).
        public var evaluation: String
        /// Prompt tokens (the reference's `prefill_len`).
        public var prefillLen: Int
        /// Prompt plus generated tokens (the reference's `final_len`).
        public var finalLen: Int
        /// `final_len` of sci_fi's second question, asked without the document.
        public var finalLenFact: Int?
        /// Tokens of the document after truncation.
        public var documentTokens: Int
        /// Wall-clock seconds the item took.
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case item, dataset, query, gt, prompt, pred, evaluation, seconds
            case recordIndex = "record_index"
            case instructionIndex = "instruction_index"
            case prefillLen = "prefill_len"
            case finalLen = "final_len"
            case finalLenFact = "final_len_fact"
            case documentTokens = "document_tokens"
        }
    }

    /// The reference's data location.
    public static let defaultDataDirectory = "leval/LEval-data/Closed-ended-tasks"
    /// L-Eval's generation limit (`LEval_config.max_new_tokens`).
    public static let referenceMaximumNewTokens = 512

    /// The task's own config keys.
    public typealias Settings = DatasetTaskSettings

    /// The config's `task`.
    public static let name = "leval"
    /// The keys the task reads.
    public static let configKeys = DatasetTaskSettings.keys(task: name, defaultDirectory: defaultDataDirectory, defaultLimit: "512")

    /// Reads the keys; every dataset named must be one the task knows.
    public static func readSettings(_ reader: ConfigReader) throws -> Settings {
        try DatasetTaskSettings(reader) { !$0.isEmpty && !$0.contains("/") ? nil : "\"\($0)\" is not a dataset name" }
    }

    /// The reference's report order.
    public static let referenceColumns = LEval.reportColumns

    /// The experiment config.
    public let config: ExperimentConfig
    /// The task's keys.
    public let settings: Settings
    /// Resolves the config's relative paths.
    public let paths: PathResolver
    /// What one work item is, for progress lines.
    public var unit: String { "question" }
    private let documentCache = DocumentCache()

    /// The task for `config`, with data paths resolved by `paths`.
    public init(config: ExperimentConfig, settings: Settings, paths: PathResolver) {
        self.config = config
        self.settings = settings
        self.paths = paths
    }
    /// The datasets to run.
    public var datasets: [String] { settings.datasets ?? LEval.closedEndedTasks }

    /// The generation limit.
    public var maximumNewTokens: Int { settings.maxNewTokens ?? LEvalTask.referenceMaximumNewTokens }

    /// Every work item, in the reference's order.
    public func plan() throws -> [WorkItem<Payload>] {
        guard config.maxPE - maximumNewTokens - 50 >= 2 else {
            throw RunError.invalidData("max_pe \(config.maxPE) leaves no room for documents after \(maximumNewTokens) new tokens and 50 spare")
        }
        let directory = paths.resolve(settings.dataDirectory ?? LEvalTask.defaultDataDirectory)
        try TaskData.requireDatasets(datasets, in: directory, benchmark: "L-Eval")
        var items: [WorkItem<Payload>] = []
        for dataset in datasets {
            let file = directory + "/" + dataset + ".jsonl"
            var records = try TaskData.jsonLines(file)
            if config.test { records = Array(records.prefix(1)) }
            for (index, object) in records.enumerated() {
                let place = "\(file): record \(index + 1)"
                let document = try TaskData.string(object, "input", at: place)
                let instructions = try TaskData.strings(object, "instructions", at: place)
                let outputs = try TaskData.strings(object, "outputs", at: place)
                let evaluation = try TaskData.string(object, "evaluation", at: place)
                for (number, (instruction, output)) in zip(instructions, outputs).enumerated() {
                    items.append(WorkItem(id: "\(dataset):\(index):\(number)",
                                          payload: Payload(dataset: dataset, recordIndex: index, instructionIndex: number, document: document,
                                                           instruction: instruction, groundTruth: output, evaluation: evaluation)))
                }
            }
        }
        return items
    }

    /// The reference's document cut: while the document has more than `max_pe − max_gen − 50`
    /// tokens, keep its first `max_pe − max_gen − cnt` space-separated words (code tasks: the
    /// last), `cnt` growing by 250 per round.
    public func truncatedDocument(_ document: String, dataset: String, tokenizer: Tokenizer) -> String {
        let maximumPrefill = config.maxPE - maximumNewTokens
        let fromStart = dataset.contains("code")
        var document = document
        var count = 0
        while tokenizer.encode(document).count > maximumPrefill - 50 {
            let words = document.components(separatedBy: " ")
            let keep = maximumPrefill - count
            if fromStart {
                let start = LEvalTask.pythonIndex(count - maximumPrefill, length: words.count)
                document = words[start...].joined(separator: " ")
            } else {
                let end = LEvalTask.pythonIndex(keep, length: words.count)
                document = words[..<end].joined(separator: " ")
            }
            count += 250
        }
        return document
    }

    /// A Python slice bound: negative counts from the end; clamped to 0...length.
    static func pythonIndex(_ index: Int, length: Int) -> Int {
        index < 0 ? max(0, length + index) : min(index, length)
    }

    /// Runs one item with the model.
    public func run(_ item: WorkItem<Payload>, context: TaskContext) throws -> Record {
        let payload = item.payload
        let tokenizer = context.loaded.tokenizer
        let start = Date()
        let key = "\(payload.dataset):\(payload.recordIndex)"
        let document: String
        if let cached = documentCache.get(key) {
            document = cached
        } else {
            document = truncatedDocument(payload.document, dataset: payload.dataset, tokenizer: tokenizer)
            documentCache.set(key, document)
        }
        let message = context.prompts.levalMessage(dataset: payload.dataset, instruction: payload.instruction, document: document)
        let tokens = try context.prompts.levalTokens(message, systemPrompt: PromptWrapper.levalSystemPrompt(dataset: payload.dataset))
        let output = try GreedyGeneration.generate(context.loaded, prompt: tokens, maxNewTokens: maximumNewTokens)
        var prediction = output.text
        var factLength: Int?
        if payload.dataset.contains("sci_fi") {
            let question = payload.instruction.replacingOccurrences(of: "based on the world described in the document.",
                                                                    with: "based on the real-world knowledge and facts up until your last training")
                + "Please directly answer without any additional output or explanation. \nAnswer:"
            let factTokens = try context.prompts.levalTokens(question, systemPrompt: nil)
            let fact = try GreedyGeneration.generate(context.loaded, prompt: factTokens, maxNewTokens: maximumNewTokens)
            prediction += " [fact: \(fact.text)]"
            factLength = fact.finalLength
        }
        let shown = document.isEmpty ? message : message.replacingOccurrences(of: document, with: "<long document>")
        return Record(item: item.id, dataset: payload.dataset, recordIndex: payload.recordIndex, instructionIndex: payload.instructionIndex,
                      query: payload.instruction, gt: payload.groundTruth, prompt: shown, pred: prediction,
                      evaluation: payload.evaluation, prefillLen: tokens.count, finalLen: output.finalLength, finalLenFact: factLength,
                      documentTokens: tokenizer.encode(document).count, seconds: Date().timeIntervalSince(start))
    }

    /// One line about a finished record, for logs.
    public func summary(_ record: Record) -> String {
        String(format: "%@ #%d.%d, %d tokens: %@ (%.1f s)", record.dataset, record.recordIndex, record.instructionIndex,
               record.prefillLen, PassKeyTask.shorten(record.pred), record.seconds)
    }
}

/// The last truncated document, so the instructions of one document share the work.
final class DocumentCache {
    private var key: String?
    private var value: String?
    func get(_ key: String) -> String? { self.key == key ? value : nil }
    func set(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

// MARK: Evaluation

extension LEvalTask {
    /// The reference's `leval_eval`: each dataset's L-Eval score (exact match after answer
    /// extraction, averaged over parts for topic retrieval and sci_fi).
    public static func evaluate(_ records: [Record], run: RunDescription, into result: inout ExperimentResult) throws {
        result.metric = "score"
        var order: [String] = []
        var groups: [String: [Record]] = [:]
        for record in records {
            if groups[record.dataset] == nil { order.append(record.dataset) }
            groups[record.dataset, default: []].append(record)
        }
        var parts: [(String, String)] = [], original: [(String, String)] = []
        for dataset in order {
            let group = groups[dataset] ?? []
            let converted = group.map { LEvalRecord(prediction: $0.pred, groundTruth: $0.gt, evaluation: $0.evaluation) }
            guard let score = try LEval.score(dataset: dataset, records: converted) else { continue }
            result.columns.append((dataset, score.score))
            parts.append((dataset, ExperimentResult.object(score.parts.map { ($0.name, JSONText.number($0.value)) }
                                                           + [("LEval_score", JSONText.number(score.score)), ("samples", String(score.sampleCount))])))
            let long = group.filter { $0.prefillLen >= run.originalWindow }
                .map { LEvalRecord(prediction: $0.pred, groundTruth: $0.gt, evaluation: $0.evaluation) }
            original.append((dataset, long.isEmpty ? "null" : (try LEval.score(dataset: dataset, records: long)).map { JSONText.number($0.score) } ?? "null"))
        }
        result.details = [("datasets", ExperimentResult.object(parts)), ("scores_o", ExperimentResult.object(original))]
    }
}
