import Extrapolation
import Foundation
import Transformer
import ModelFiles

/// The reference's needle test (`needle`): pass-key prompts at nominal lengths `min_k`…`max_k`
/// thousand tokens in steps of `gap` thousand (`range(min_k·1000, max_k·1000 + 1, gap·1000)`;
/// the README's "percentage" is not what the code does), with `int(3.75·length // 1024 · 1024)`
/// filler characters and the key line at depths 1/16 … 16/16 of the filler, `times` trials per
/// cell with keys `randint(50000, 500000)` drawn in the reference's loop order.
///
/// With `haystack_dir`, the filler is the `.txt` files of that folder concatenated in name order
/// (repeated as needed) instead of the repeated sentence; the needle stays the pass-key line.
public struct NeedleTask: ExperimentTask {
    /// One trial of one cell.
    public struct Payload {
        /// Nominal length in tokens.
        public var length: Int
        /// Needle depth as a fraction of the filler.
        public var depth: Double
        /// Trial number.
        public var trial: Int
        /// The key.
        public var passKey: String
    }

    /// One answered trial.
    public struct Record: TaskRecord, Equatable {
        /// The work item's id.
        public var item: String
        /// `"4k"` (the reference's label: length // 1000).
        public var contextLength: String
        /// Nominal length in tokens.
        public var length: Int
        /// `depth · 100`.
        public var depthPercent: Double
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
        /// Prompt plus generated tokens (the reference's `final_len`).
        public var finalLen: Int
        /// Wall-clock seconds the item took.
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case item, length, trial, answer, pred, correct, seconds
            case contextLength = "context_length"
            case depthPercent = "depth_percent"
            case promptTokens = "prompt_tokens"
            case finalLen = "final_len"
        }
    }

    /// The task's own config keys.
    public struct Settings: Sendable {
        /// Trials per cell (`times`).
        public var times: Int
        /// Shortest length in thousands of tokens (`min_k`).
        public var minK: Int
        /// Longest length in thousands of tokens (`max_k`).
        public var maxK: Int
        /// Length step in thousands of tokens (`gap`).
        public var gap: Int
        /// Needle depths 1/d … d/d (`depths`, default 16 as in the reference).
        public var depthCount: Int
        /// Filler texts (`haystack_dir`): the `.txt` files there, concatenated.
        public var haystackDirectory: String?
        /// Overrides the generation limit (`max_new_tokens`).
        public var maxNewTokens: Int?
    }

    /// The config's `task`.
    public static let name = "needle"
    /// The keys the task reads.
    public static let configKeys: [(key: String, meaning: String)] = [
        ("times", "needle: trials per cell"),
        ("min_k", "needle: shortest length in thousands of tokens"),
        ("max_k", "needle: longest length in thousands of tokens"),
        ("gap", "needle: length step in thousands of tokens"),
        ("depths", "needle: number of depths d, placed at 1/d ... d/d (default 16)"),
        ("haystack_dir", "needle: folder of .txt filler essays (default: the reference's repeated sentences)"),
        ("max_new_tokens", "needle: generation limit (default: answer tokens + 100)"),
    ]

    /// Reads the keys; `times`, `min_k`, `max_k` and `gap` are required.
    public static func readSettings(_ reader: ConfigReader) throws -> Settings {
        let times = try reader.requiredInteger("times", in: 1...ConfigLimits.maximumTrials)
        let minK = try reader.requiredInteger("min_k", in: 1...ConfigLimits.maximumThousands)
        let maxK = try reader.requiredInteger("max_k", in: 1...ConfigLimits.maximumThousands)
        let gap = try reader.requiredInteger("gap", in: 1...ConfigLimits.maximumThousands)
        if maxK < minK { throw reader.error("max_k", "must be at least min_k (\(minK)), not \(maxK)") }
        let depthCount = try reader.integer("depths", in: 1...ConfigLimits.maximumDepths) ?? 16
        let items = ((maxK - minK) / gap + 1) * depthCount * times
        if items > ConfigLimits.maximumWorkItems {
            throw reader.error("times", "asks for \(items) needle trials ((max_k - min_k) / gap + 1 lengths × \(depthCount) depths × \(times) times), more than the limit of \(ConfigLimits.maximumWorkItems)")
        }
        return Settings(times: times, minK: minK, maxK: maxK, gap: gap, depthCount: depthCount,
                        haystackDirectory: try reader.nonEmptyString("haystack_dir"),
                        maxNewTokens: try reader.integer("max_new_tokens", in: 1...ConfigLimits.maximumNewTokens))
    }

    /// Accuracy against length.
    public static let chart: LengthChart? = .accuracy(task: name, kilo: 1000)

    /// The experiment config.
    public let config: ExperimentConfig
    /// The task's keys.
    public let settings: Settings
    /// Resolves the config's relative paths.
    public let paths: PathResolver
    /// What one work item is, for progress lines.
    public var unit: String { "trial" }
    private let filler: FillerText

    /// The task for `config`, with data paths resolved by `paths`; reads the haystack files.
    public init(config: ExperimentConfig, settings: Settings, paths: PathResolver) throws {
        self.config = config
        self.settings = settings
        self.paths = paths
        if let haystack = settings.haystackDirectory {
            let directory = paths.resolve(haystack)
            guard TaskData.isDirectory(directory) == true else { throw RunError.invalidData("haystack_dir \(directory) is not a folder") }
            let names = try TaskData.files(in: directory, suffix: ".txt")
            guard !names.isEmpty else { throw RunError.invalidData("haystack_dir \(directory) has no .txt files") }
            let text = try names.map { try TaskData.text(directory + "/" + $0) }.joined()
            guard !text.isEmpty else { throw RunError.invalidData("the haystack files in \(directory) are empty") }
            filler = .text(Array(text.unicodeScalars))
        } else {
            filler = .sentences
        }
    }

    /// The nominal lengths in tokens.
    public var lengths: [Int] {
        let lengths = Array(stride(from: settings.minK * 1000, through: settings.maxK * 1000, by: settings.gap * 1000))
        return config.test ? Array(lengths.prefix(1)) : lengths
    }

    /// Every work item, in the reference's order.
    public func plan() throws -> [WorkItem<Payload>] {
        let lengths = self.lengths
        let depths = PassKeyPrompt.needleDepths(count: settings.depthCount)
        let times = settings.times
        if filler == .sentences, let longest = lengths.last,
           PassKeyPrompt.needleFillerCharacters(length: longest) > PassKeyPrompt.needleMaximumFillerCharacters {
            throw RunError.invalidData("needle length \(longest) needs more filler than the reference's \(PassKeyPrompt.needleMaximumFillerCharacters) characters")
        }
        let keys = PassKeyPrompt.needleKeys(count: lengths.count * depths.count * times, seed: config.seed)
        var items: [WorkItem<Payload>] = []
        for length in lengths {
            for (depthIndex, depth) in depths.enumerated() {
                for trial in 0..<times {
                    items.append(WorkItem(id: "\(length):\(depthIndex + 1)/\(depths.count):\(trial)",
                                          payload: Payload(length: length, depth: depth, trial: trial, passKey: String(keys[items.count]))))
                }
            }
        }
        return items
    }

    /// The prompt of a trial before chat wrapping.
    public func prompt(_ payload: Payload) -> String {
        let nGarbage = PassKeyPrompt.needleFillerCharacters(length: payload.length)
        let prefix = PassKeyPrompt.needlePrefix(depth: payload.depth, nGarbage: nGarbage)
        return PassKeyPrompt.text(prefix: prefix, suffix: nGarbage - prefix, passKey: payload.passKey, filler: filler)
    }

    /// Runs one item with the model.
    public func run(_ item: WorkItem<Payload>, context: TaskContext) throws -> Record {
        let tokens = try context.prompts.generalTokens(prompt(item.payload))
        let answerTokens = context.loaded.tokenizer.encode(item.payload.passKey, addSpecialTokens: false).count
        let output = try GreedyGeneration.generate(context.loaded, prompt: tokens, maxNewTokens: settings.maxNewTokens ?? answerTokens + 100)
        return Record(item: item.id, contextLength: "\(item.payload.length / 1000)k", length: item.payload.length,
                      depthPercent: item.payload.depth * 100, trial: item.payload.trial, answer: item.payload.passKey, pred: output.text,
                      correct: KeyRetrieval.isCorrect(prediction: output.text, answer: item.payload.passKey),
                      promptTokens: tokens.count, finalLen: output.finalLength, seconds: output.seconds)
    }

    /// One line about a finished record, for logs.
    public func summary(_ record: Record) -> String {
        String(format: "%@ depth %.2f%% trial %d, %d tokens: %@ %.1f s", record.contextLength, record.depthPercent, record.trial,
               record.promptTokens, record.correct ? "right" : "wrong", record.seconds)
    }
}

// MARK: Evaluation

extension NeedleTask {
    public static func evaluate(_ records: [Record], run: RunDescription, into result: inout ExperimentResult) {
        result.metric = "accuracy"
        struct Cell: Hashable { var length: Int; var depth: Double }
        var order: [Cell] = []
        var cells: [Cell: [Record]] = [:]
        for record in records {
            let cell = Cell(length: record.length, depth: record.depthPercent)
            if cells[cell] == nil { order.append(cell) }
            cells[cell, default: []].append(record)
        }
        var cellJSON: [String] = []
        for cell in order {
            let trials = cells[cell] ?? []
            let score = Double(trials.filter(\.correct).count) / Double(max(trials.count, 1))
            let interval = WilsonInterval(outcomes: trials.map(\.correct))
            let last = trials.last
            cellJSON.append(ExperimentResult.object([
                ("context_length", JSONText.string("\(cell.length / 1000)k")), ("length", String(cell.length)),
                ("depth_percent", JSONText.number(cell.depth)), ("score", JSONText.number(score)), ("trials", String(trials.count)),
                ("lower", JSONText.number(interval.lower)), ("upper", JSONText.number(interval.upper)),
                ("pred", JSONText.string(last?.pred ?? "")), ("answer", JSONText.string(last?.answer ?? "")),
            ]))
        }
        let lengths = Array(Set(records.map(\.length))).sorted()
        result.columns = lengths.map { length in
            let trials = records.filter { $0.length == length }
            result.intervals["\(length / 1000)k"] = WilsonInterval(outcomes: trials.map(\.correct))
            return ("\(length / 1000)k", Double(trials.filter(\.correct).count) / Double(max(trials.count, 1)))
        }
        result.details = [
            ("accuracy", JSONText.number(records.isEmpty ? .nan : Double(records.filter(\.correct).count) / Double(records.count))),
            ("accuracy_interval", WilsonInterval(outcomes: records.map(\.correct)).json),
            ("results", "[\n    " + cellJSON.joined(separator: ",\n    ") + "\n  ]"),
        ]
    }

    /// `needle_heatmap.svg`: the grid of cells, annotated when small.
    public static func extraFiles(_ result: ExperimentResult) -> [(name: String, text: String)] {
        guard let grid = needleGrid(result) else { return [] }
        var heatmap = Heatmap(needle: grid, title: "Needle retrieval: \(result.label)")
        heatmap.annotate = grid.values.count * (grid.values.first?.count ?? 0) <= 400
        return [("needle_heatmap.svg", heatmap.svg())]
    }

    /// The needle grid of a result's cells (from its `results` detail).
    static func needleGrid(_ result: ExperimentResult) -> NeedleGrid? {
        guard let json = result.details.first(where: { $0.key == "results" })?.json,
              let cells = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else { return nil }
        let values = cells.compactMap { cell -> NeedleResult? in
            guard let length = (cell["length"] as? NSNumber)?.intValue, let depth = (cell["depth_percent"] as? NSNumber)?.doubleValue,
                  let score = (cell["score"] as? NSNumber)?.doubleValue else { return nil }
            return NeedleResult(contextLength: length, depthPercent: depth, accuracy: score)
        }
        return values.isEmpty ? nil : KeyRetrieval.needleGrid(values)
    }
}
