import Extrapolation
import Foundation
import Transformer
import ModelFiles

/// RULER (NVIDIA, 2024) generated here: `samples` prompts per task × length, each sized with the
/// model's tokenizer so that prompt plus RULER's answer allowance fit the length, answered
/// greedily and scored as RULER scores. Samples are deterministic from `seed`, the task, the
/// length and the sample number, so resumed and sharded runs see the same prompts.
public struct RulerTask: ExperimentTask {
    /// One sample to generate and answer.
    public struct Payload {
        /// The task.
        public var task: RulerTaskName
        /// The length budget in tokens.
        public var length: Int
        /// Sample number within the task × length cell.
        public var index: Int
    }

    /// One answered sample.
    public struct Record: TaskRecord, Equatable {
        /// The work item's id.
        public var item: String
        /// Task name (`niah_single_1`, ...).
        public var task: String
        /// The length budget.
        public var length: Int
        /// Sample number.
        public var sample: Int
        /// Reference answers.
        public var outputs: [String]
        /// The model's answer.
        public var pred: String
        /// RULER's score of the answer, in [0, 1].
        public var score: Double
        /// Prompt tokens.
        public var promptTokens: Int
        /// Prompt tokens reused from the previous sample's cache instead of computed.
        public var reusedTokens: Int
        /// Wall-clock seconds the item took (generation included).
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case item, task, length, sample, outputs, pred, score, seconds
            case promptTokens = "prompt_tokens"
            case reusedTokens = "reused_tokens"
        }
    }

    /// The config's `task`.
    public static let name = "ruler"
    /// The keys the task reads.
    public static var configKeys: [(key: String, meaning: String)] { RulerSettings.keys }
    /// Reads the keys; `lengths` is required.
    public static func readSettings(_ reader: ConfigReader) throws -> RulerSettings { try RulerSettings.read(reader) }
    /// The mean score over tasks against length, with its intervals.
    public static let chart: LengthChart? = .accuracy(task: name, kilo: 1000, yLabel: "RULER score (mean over tasks)")

    /// The experiment config.
    public let config: ExperimentConfig
    /// The RULER keys of the config.
    public let settings: RulerSettings
    /// The tasks to run.
    public let tasks: [RulerTaskName]
    /// What one work item is, for progress lines.
    public var unit: String { "prompt" }
    private let essayWords: [String]
    private let datasets: [RulerTaskName: RulerQA]
    private let state = RulerRunState()

    /// The task for `config`: reads the essays (`haystack_dir`) and QA files (`data_dir`) the
    /// chosen tasks need; errors name the missing input.
    public init(config: ExperimentConfig, settings: RulerSettings, paths: PathResolver) throws {
        self.config = config
        self.settings = settings
        let essays = settings.haystackDirectory.map(paths.resolve)
        let data = settings.dataDirectory.map(paths.resolve)
        let chosen: [RulerTaskName]
        if let names = settings.tasks {
            chosen = names
        } else {
            chosen = RulerTaskName.allCases.filter { task in
                if task.needsEssays { return essays != nil }
                if let file = task.dataFile { return data.map { FileManager.default.fileExists(atPath: $0 + "/" + file) } ?? false }
                return true
            }
        }
        tasks = chosen
        if chosen.contains(where: \.needsEssays) {
            guard let essays else {
                throw RunError.invalidData("RULER tasks \(chosen.filter(\.needsEssays).map(\.rawValue).joined(separator: ", ")) need essays: set haystack_dir to a folder of .txt files")
            }
            guard TaskData.isDirectory(essays) == true else { throw RunError.invalidData("haystack_dir \(essays) is not a folder") }
            let names = try TaskData.files(in: essays, suffix: ".txt")
            let words = RulerHaystack.words(try names.map { try TaskData.text(essays + "/" + $0) })
            guard !words.isEmpty else { throw RunError.invalidData("haystack_dir \(essays) has no .txt files with text") }
            essayWords = words
        } else {
            essayWords = []
        }
        var loaded: [RulerTaskName: RulerQA] = [:]
        for task in chosen {
            guard let file = task.dataFile else { continue }
            guard let data else { throw RunError.invalidData("RULER task \(task.rawValue) needs data_dir with \(file)") }
            let path = data + "/" + file
            loaded[task] = task == .qa1 ? try RulerQA.squad(contentsOf: path) : try RulerQA.hotpotQA(contentsOf: path)
        }
        datasets = loaded
    }

    /// Every work item: lengths ascending, then tasks, then samples.
    public func plan() throws -> [WorkItem<Payload>] {
        guard !tasks.isEmpty else { throw RunError.invalidData("no RULER task to run (set ruler_tasks, haystack_dir or data_dir)") }
        let samples = config.test ? 1 : settings.samples
        var items: [WorkItem<Payload>] = []
        for length in settings.lengths {
            for task in tasks {
                for index in 0..<samples {
                    items.append(WorkItem(id: "\(task.rawValue):\(length):\(index)", payload: Payload(task: task, length: length, index: index)))
                }
            }
        }
        return items
    }

    /// The generator of a task for a length (QA: for the sample's question).
    func generator(_ payload: Payload, budget: RulerBudget) throws -> any RulerGenerator {
        let task = payload.task
        if let settings = task.needleSettings { return NeedleInHaystack(settings: settings, essayWords: essayWords, length: payload.length) }
        switch task {
        case .vt:
            let example = try state.example(seed: config.seed) {
                try VariableTracking.workedExample(budget: RulerBudget(length: 500, tokensToGenerate: 0, countTokens: budget.countTokens), seed: config.seed)
            }
            return VariableTracking(example: example)
        case .cwe: return CommonWords(length: payload.length)
        case .fwe: return FrequentWords(length: payload.length, tokensToGenerate: task.tokensToGenerate)
        default:
            guard let dataset = datasets[task] else { throw RunError.invalidData("RULER task \(task.rawValue) has no data") }
            return dataset.asking(payload.index)
        }
    }

    /// The sample of a work item and its prompt tokens (chat wrapping included), sized with the
    /// model's tokenizer.
    public func sample(_ payload: Payload, prompts: PromptWrapper) throws -> (sample: RulerSample, tokens: [Int]) {
        let budget = RulerBudget(length: payload.length, tokensToGenerate: payload.task.tokensToGenerate) { try prompts.generalTokens($0).count }
        let generator = try self.generator(payload, budget: budget)
        // The haystack size is searched once per task and length on sample 0 (QA: its first
        // question, as RULER does), so every shard finds the same size.
        let size = try state.size(task: payload.task, length: payload.length) {
            let probe = try self.generator(Payload(task: payload.task, length: payload.length, index: 0), budget: budget)
            return try budget.size(for: probe, probeSeed: RulerRandom.seed(config.seed, payload.task.rawValue, String(payload.length), "probe"))
        }
        let random = RulerRandom(seed: config.seed, payload.task.rawValue, String(payload.length), String(payload.index))
        let fitted: (sample: RulerSample, tokens: Int)
        do {
            fitted = try budget.fittedSample(generator, size: size, random: random)
        } catch let error as RunError {
            throw RunError.invalidData("\(payload.task.rawValue) at \(payload.length): \(error)")
        }
        return (fitted.sample, try prompts.generalTokens(fitted.sample.prompt))
    }

    /// Runs one item with the model, reusing the previous prompt's cache where the method allows.
    public func run(_ item: WorkItem<Payload>, context: TaskContext) throws -> Record {
        let start = Date()
        let (sample, tokens) = try self.sample(item.payload, prompts: context.prompts)
        let output = try state.generator(for: context.loaded).generate(prompt: tokens, maxNewTokens: settings.maxNewTokens ?? item.payload.task.tokensToGenerate)
        let score = RulerScoring.score(prediction: output.text, references: sample.outputs, metric: item.payload.task.metric)
        return Record(item: item.id, task: item.payload.task.rawValue, length: item.payload.length, sample: item.payload.index,
                      outputs: sample.outputs, pred: output.text, score: score, promptTokens: tokens.count,
                      reusedTokens: output.reusedTokens, seconds: Date().timeIntervalSince(start))
    }

    /// One line about a finished record, for logs.
    public func summary(_ record: Record) -> String {
        String(format: "%@ %d #%d, %d tokens (%d reused): score %.2f, answer %@ %.1f s", record.task, record.length, record.sample,
               record.promptTokens, record.reusedTokens, record.score, PassKeyTask.shorten(record.pred), record.seconds)
    }
}

extension RulerTask {
    /// RULER's report: per task × length the mean score (RULER's `string_match_all` or
    /// `string_match_part`, here in [0, 1] rather than percent), and per length the mean over
    /// tasks (RULER's average), each with a Wilson interval over its samples.
    public static func evaluate(_ records: [Record], run: RunDescription, into result: inout ExperimentResult) {
        result.metric = "score"
        var tasks: [String] = []
        for record in records where !tasks.contains(record.task) { tasks.append(record.task) }
        let lengths = Array(Set(records.map(\.length))).sorted()
        var cells: [String: [Double]] = [:]
        for record in records { cells["\(record.task)@\(record.length)", default: []].append(record.score) }
        var breakdown = ResultTable(title: "ruler: score by task (95% Wilson interval, n samples)", rowHeader: "task")
        var perTask: [(String, String)] = []
        for task in tasks {
            var perLength: [(String, String)] = []
            for length in lengths {
                guard let scores = cells["\(task)@\(length)"] else { continue }
                let interval = WilsonInterval(scores: scores)
                breakdown[task, String(length)] = .text(String(format: "%.3f ", interval.rate) + interval.text())
                perLength.append((String(length), ExperimentResult.object([("score", JSONText.number(interval.rate)),
                                                                           ("lower", JSONText.number(interval.lower)),
                                                                           ("upper", JSONText.number(interval.upper)),
                                                                           ("n", String(interval.trials))])))
            }
            perTask.append((task, ExperimentResult.object(perLength)))
        }
        for length in lengths {
            let means = tasks.compactMap { cells["\($0)@\(length)"] }.map { $0.reduce(0, +) / Double($0.count) }
            let pooled = WilsonInterval(scores: records.filter { $0.length == length }.map(\.score))
            let column = String(length)
            result.columns.append((column, means.reduce(0, +) / Double(max(means.count, 1))))
            result.intervals[column] = pooled
            breakdown["average", column] = .text(String(format: "%.3f ", result.value(column) ?? .nan) + pooled.text())
        }
        let seconds = records.map(\.seconds).reduce(0, +)
        result.details = [
            ("tasks", ExperimentResult.object(perTask)),
            ("prompts", String(records.count)),
            ("prompts_per_hour", JSONText.number(seconds > 0 ? Double(records.count) * 3600 / seconds : .nan)),
            ("reused_prompt_tokens", String(records.map(\.reusedTokens).reduce(0, +))),
            ("prompt_tokens", String(records.map(\.promptTokens).reduce(0, +))),
        ]
        result.breakdown = breakdown
    }
}

/// What a RULER run keeps between items: haystack sizes per task × length, the worked example
/// of variable tracking and the prefix-reusing generator.
final class RulerRunState {
    private var sizes: [String: Int] = [:]
    private var examples: [Int: String] = [:]
    private var reuse: PrefixReusingGeneration?

    func size(task: RulerTaskName, length: Int, compute: () throws -> Int) rethrows -> Int {
        let key = "\(task.rawValue):\(length)"
        if let size = sizes[key] { return size }
        let size = try compute()
        sizes[key] = size
        return size
    }

    func example(seed: Int, compute: () throws -> String) rethrows -> String {
        if let example = examples[seed] { return example }
        let example = try compute()
        examples[seed] = example
        return example
    }

    func generator(for loaded: LoadedModel) -> PrefixReusingGeneration {
        if let reuse, reuse.loaded.model === loaded.model { return reuse }
        let made = PrefixReusingGeneration(loaded: loaded)
        reuse = made
        return made
    }
}
