import Extrapolation
import Foundation
import Transformer

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

    /// The experiment config.
    public let config: ExperimentConfig
    /// Resolves the config's relative paths.
    public let paths: PathResolver
    /// What one work item is, for progress lines.
    public var unit: String { "trial" }
    private let filler: FillerText

    /// The task for `config`, with data paths resolved by `paths`.
    public init(config: ExperimentConfig, paths: PathResolver) throws {
        self.config = config
        self.paths = paths
        if let haystack = config.haystackDirectory {
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
        let lengths = Array(stride(from: (config.minK ?? 1) * 1000, through: (config.maxK ?? 1) * 1000, by: (config.gap ?? 1) * 1000))
        return config.test ? Array(lengths.prefix(1)) : lengths
    }

    /// Every work item, in the reference's order.
    public func plan() throws -> [WorkItem<Payload>] {
        let lengths = self.lengths
        let depths = PassKeyPrompt.needleDepths(count: config.depthCount)
        let times = config.times ?? 1
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
        let output = try GreedyGeneration.generate(context.loaded, prompt: tokens, maxNewTokens: config.maxNewTokens ?? answerTokens + 100)
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
