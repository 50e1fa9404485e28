import Extrapolation
import Foundation
import Transformer
import ModelFiles

/// The reference's pass-key retrieval test (`passkey_retrieval`): `times` synthetic prompts of
/// `n_garbage` filler characters with the key at a random position (seeded as the reference
/// seeds Python's `random`), chat-wrapped like the reference, answered greedily with up to
/// (answer tokens + 100) new tokens; right when the key's digits appear in the answer.
///
/// With `data_dir` naming a JSONL file (or a folder of them) of `{"input", "target"}` prompts
/// (SelfExtend's `passkey_examples.jsonl` layout), those prompts are used instead, each followed
/// by SelfExtend's question `What is the pass key? The pass key is `.
public struct PassKeyTask: ExperimentTask {
    /// One trial.
    public struct Payload {
        /// Where the prompt comes from: a file's text, or the synthetic filler (built only when
        /// the trial runs, so that planning many trials holds no prompt text).
        enum PromptSource {
            case text(String)
            case synthetic(prefixCharacters: Int, fillerCharacters: Int)
        }

        let source: PromptSource
        /// The prompt before chat wrapping.
        public var prompt: String {
            switch source {
            case .text(let text):
                return text
            case .synthetic(let prefix, let filler):
                return PassKeyPrompt.text(prefix: prefix, suffix: filler - prefix, passKey: answer)
            }
        }
        /// The key.
        public var answer: String
        /// Filler characters before the key (synthetic) or the file's `passkey_position`.
        public var keyPosition: Int?
        /// Trial number.
        public var trial: Int
    }

    /// One answered trial.
    public struct Record: TaskRecord, Equatable {
        /// The work item's id.
        public var item: String
        /// Trial number.
        public var trial: Int
        /// The key.
        public var answer: String
        /// The model's answer.
        public var pred: String
        /// Whether the answer contains the key.
        public var correct: Bool
        /// Prompt tokens after chat wrapping.
        public var promptTokens: Int
        /// Filler characters before the key line (`passkey_position` for JSONL prompts).
        public var keyPosition: Int?
        /// Prompt plus generated tokens (the reference's `final_len`).
        public var finalLen: Int
        /// Wall-clock seconds the item took.
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case item, trial, answer, pred, correct, seconds
            case promptTokens = "prompt_tokens"
            case keyPosition = "key_position"
            case finalLen = "final_len"
        }
    }

    /// SelfExtend's question after a JSONL prompt.
    public static let jsonlQuestion = "What is the pass key? The pass key is "

    /// The task's own config keys.
    public struct Settings: Sendable {
        /// Trials of the synthetic prompt (`times`).
        public var times: Int?
        /// Filler characters of the synthetic prompt (`n_garbage`).
        public var nGarbage: Int?
        /// A JSONL file or folder of prompts (`data_dir`), used instead of synthetic ones.
        public var dataDirectory: String?
        /// Overrides the generation limit (`max_new_tokens`).
        public var maxNewTokens: Int?
    }

    /// The config's `task`.
    public static let name = "passkey"
    /// The reference's spelling, and the corrected one.
    public static let aliases = ["passkey_retreival", "passkey_retrieval"]
    /// The keys the task reads.
    public static let configKeys: [(key: String, meaning: String)] = [
        ("times", "passkey: trials of the synthetic prompt"),
        ("n_garbage", "passkey: filler characters of the synthetic prompt"),
        ("data_dir", "passkey: .jsonl file (or folder) of {input, target} prompts instead of synthetic ones"),
        ("max_new_tokens", "passkey: generation limit (default: answer tokens + 100)"),
    ]

    /// Reads the keys; `times` and `n_garbage` are required unless `data_dir` gives the prompts.
    public static func readSettings(_ reader: ConfigReader) throws -> Settings {
        let synthetic = reader.value("data_dir") == nil
        let nGarbage = try reader.integer("n_garbage", required: synthetic, in: 0...PassKeyPrompt.maximumFillerCharacters)
        return Settings(times: try reader.integer("times", required: synthetic, in: 1...ConfigLimits.maximumTrials), nGarbage: nGarbage,
                        dataDirectory: try reader.nonEmptyString("data_dir"),
                        maxNewTokens: try reader.integer("max_new_tokens", in: 1...ConfigLimits.maximumNewTokens))
    }

    /// `n_garbage` and `times` are ignored when `data_dir` gives the prompts.
    public static func ignoredKeys(_ reader: ConfigReader) -> [String] {
        guard reader.value("data_dir") != nil else { return [] }
        return ["n_garbage", "times"].filter { reader.value($0) != nil }.map {
            reader.describe($0) + "is not used when data_dir gives pass-key prompts"
        }
    }

    /// Accuracy against length (buckets of 1024 tokens).
    public static let chart: LengthChart? = .accuracy(task: name, kilo: 1024)

    /// The experiment config.
    public let config: ExperimentConfig
    /// The task's keys.
    public let settings: Settings
    /// Resolves the config's relative paths.
    public let paths: PathResolver
    /// What one work item is, for progress lines.
    public var unit: String { "trial" }

    /// The task for `config`, with data paths resolved by `paths`.
    public init(config: ExperimentConfig, settings: Settings, paths: PathResolver) {
        self.config = config
        self.settings = settings
        self.paths = paths
    }

    /// Every work item, in the reference's order.
    public func plan() throws -> [WorkItem<Payload>] {
        var items: [WorkItem<Payload>]
        if let data = settings.dataDirectory {
            items = try jsonlItems(paths.resolve(data))
        } else {
            let nGarbage = settings.nGarbage ?? 0
            items = PassKeyPrompt.passkeyTrials(nGarbage: nGarbage, times: settings.times ?? 1, seed: config.seed).map { trial in
                WorkItem(id: "trial:\(trial.index)",
                         payload: Payload(source: .synthetic(prefixCharacters: trial.prefixCharacters, fillerCharacters: nGarbage),
                                          answer: String(trial.passKey), keyPosition: trial.prefixCharacters, trial: trial.index))
            }
        }
        if config.test { items = Array(items.prefix(1)) }
        return items
    }

    private func jsonlItems(_ source: String) throws -> [WorkItem<Payload>] {
        let files: [String]
        switch TaskData.isDirectory(source) {
        case nil: throw RunError.invalidData("passkey data \(source) does not exist")
        case true?: files = try TaskData.files(in: source, suffix: ".jsonl").map { source + "/" + $0 }
        case false?: files = [source]
        }
        var items: [WorkItem<Payload>] = []
        for file in files {
            for (index, object) in try TaskData.jsonLines(file).enumerated() {
                let place = "\(file): record \(index + 1)"
                let input = try TaskData.string(object, "input", at: place)
                let target: String
                if let text = object["target"] as? String { target = text } else if let number = object["target"] as? Int { target = String(number) } else {
                    throw RunError.invalidData("\(place): field \"target\" must be a string or an integer")
                }
                let name = (file as NSString).lastPathComponent
                let trial = items.count
                items.append(WorkItem(id: "\(name):\(index)",
                                      payload: Payload(source: .text(input + PassKeyTask.jsonlQuestion), answer: target,
                                                       keyPosition: object["passkey_position"] as? Int, trial: trial)))
            }
        }
        guard !items.isEmpty else { throw RunError.invalidData("no pass-key prompts in \(source)") }
        return items
    }

    /// Runs one item with the model.
    public func run(_ item: WorkItem<Payload>, context: TaskContext) throws -> Record {
        let tokens = try context.prompts.generalTokens(item.payload.prompt)
        let answerTokens = context.loaded.tokenizer.encode(item.payload.answer, addSpecialTokens: false).count
        let output = try GreedyGeneration.generate(context.loaded, prompt: tokens, maxNewTokens: settings.maxNewTokens ?? answerTokens + 100)
        return Record(item: item.id, trial: item.payload.trial, answer: item.payload.answer, pred: output.text,
                      correct: KeyRetrieval.isCorrect(prediction: output.text, answer: item.payload.answer),
                      promptTokens: tokens.count, keyPosition: item.payload.keyPosition, finalLen: output.finalLength,
                      seconds: output.seconds)
    }

    /// One line about a finished record, for logs.
    public func summary(_ record: Record) -> String {
        String(format: "trial %d, %d tokens: %@ (key %@, answer %@) %.1f s", record.trial, record.promptTokens,
               record.correct ? "right" : "wrong", record.answer, PassKeyTask.shorten(record.pred), record.seconds)
    }

    static func shorten(_ text: String, limit: Int = 60) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: "⏎")
        let quoted = flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
        return "\"" + quoted + "\""
    }
}

// MARK: Evaluation

extension PassKeyTask {
    /// `4k`: prompt tokens rounded to the nearest multiple of 1024.
    public static func lengthBucket(tokens: Int) -> String {
        "\(Int((Double(tokens) / 1024).rounded()))k"
    }

    public static func evaluate(_ records: [Record], run: RunDescription, into result: inout ExperimentResult) {
        result.metric = "accuracy"
        var order: [String] = []
        var groups: [String: [Bool]] = [:]
        for record in records {
            let bucket = lengthBucket(tokens: record.promptTokens)
            if groups[bucket] == nil { order.append(bucket) }
            groups[bucket, default: []].append(record.correct)
        }
        order.sort { (Int($0.dropLast()) ?? 0) < (Int($1.dropLast()) ?? 0) }
        result.columns = order.map { bucket in
            let values = groups[bucket] ?? []
            return (bucket, Double(values.filter { $0 }.count) / Double(max(values.count, 1)))
        }
        for bucket in order { result.intervals[bucket] = WilsonInterval(outcomes: groups[bucket] ?? []) }
        let correct = records.filter(\.correct).count
        let meanTokens = records.isEmpty ? 0 : records.map(\.promptTokens).reduce(0, +) / records.count
        result.details = [
            ("accuracy", JSONText.number(records.isEmpty ? .nan : Double(correct) / Double(records.count))),
            ("accuracy_interval", WilsonInterval(outcomes: records.map(\.correct)).json),
            ("trials", String(records.count)), ("correct", String(correct)), ("mean_prompt_tokens", String(meanTokens)),
        ]
    }
}
