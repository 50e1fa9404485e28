/// Splits text into the pieces that byte-level BPE encodes separately, as a pipeline of steps:
/// each step splits every piece produced by the step before it.
///
/// The GGUF `tokenizer.ggml.pre` names and the `tokenizer.json` pre-tokenizers both translate
/// to these steps (see `PreTokenizer.named(_:)` and `HFTokenizerLoader`).
struct PreTokenizer: Sendable {
    /// One stage of the pipeline.
    enum Step: Sendable {
        /// Every `\p{N}` scalar becomes a piece of its own (the first pass of `smollm`; HF
        /// `Digits` with `individual_digits: true`).
        case isolateEachNumber
        /// Every run of `\p{N}` scalars becomes a piece (HF `Digits` with
        /// `individual_digits: false`).
        case isolateNumberRuns
        /// The GPT-2 pattern (`GPT2PatternSplitter`).
        case gpt2
        /// The Llama-3 pattern with numbers cut into groups of at most `digits` (3 for Llama 3,
        /// 1 for Qwen2; `Llama3PatternSplitter`).
        case llama3(digits: Int)
        /// An arbitrary split pattern (HF `Split`).
        case regex(TokenizerRegex, behavior: SplitBehavior, invert: Bool)
    }

    /// The stages, applied in order.
    let steps: [Step]

    /// The pre-tokenizer that llama.cpp uses for GGUF `tokenizer.ggml.pre` value `name`, or nil
    /// when the name is not supported here.
    static func named(_ name: String) -> PreTokenizer? {
        switch name {
        case "gpt2", "gpt-2", "phi-2", "mpt", "olmo", "jais", "exaone4", "roberta-bpe":
            return PreTokenizer(steps: [.gpt2])
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b":
            return PreTokenizer(steps: [.isolateEachNumber, .gpt2])
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "dbrx", "smaug-bpe", "chatglm-bpe", "glm4":
            return PreTokenizer(steps: [.llama3(digits: 3)])
        case "qwen2", "stablelm2", "deepseek-r1-qwen", "megrez":
            return PreTokenizer(steps: [.llama3(digits: 1)])
        default:
            return PreTokenizerPatterns.isolating[name].flatMap(PreTokenizer.isolating)
        }
    }

    /// A pipeline that applies each pattern in turn, each match becoming a piece of its own (HF
    /// `Split` with behaviour `Isolated`), or nil when a pattern does not compile.
    static func isolating(_ patterns: [String]) -> PreTokenizer? {
        var steps: [Step] = []
        for pattern in patterns {
            guard let regex = try? TokenizerRegex(pattern) else { return nil }
            steps.append(.regex(regex, behavior: .isolated, invert: false))
        }
        return PreTokenizer(steps: steps)
    }

    /// The pieces of all of `buffer`, as the end scalar index of each piece in order (each piece
    /// starts where the previous one ends). A piece dropped by a `Removed` split is written as
    /// `~end` (negative) and produces no tokens.
    func split(_ buffer: ScalarBuffer) -> [Int] {
        guard buffer.count > 0 else { return [] }
        var current: [Int] = [buffer.count]
        for step in steps {
            var next: [Int] = []
            next.reserveCapacity(buffer.count / 3 + 4)
            var start = 0
            for end in current {
                if end < 0 {
                    next.append(end)
                    start = ~end
                    continue
                }
                apply(step, buffer, start, end, into: &next)
                start = end
            }
            current = next
        }
        return current
    }

    private func apply(_ step: Step, _ buffer: ScalarBuffer, _ lo: Int, _ hi: Int, into ends: inout [Int]) {
        guard lo < hi else { return }
        switch step {
        case .isolateEachNumber:
            PreTokenizer.isolateNumbers(buffer, lo, hi, eachAlone: true, into: &ends)
        case .isolateNumberRuns:
            PreTokenizer.isolateNumbers(buffer, lo, hi, eachAlone: false, into: &ends)
        case .gpt2:
            GPT2PatternSplitter.split(buffer, lo, hi, into: &ends)
        case .llama3(let digits):
            Llama3PatternSplitter.split(buffer, lo, hi, digits: digits, into: &ends)
        case .regex(let regex, let behavior, let invert):
            let matches = regex.matches(in: buffer, lo, hi)
            var position = lo
            behavior.apply(matches: matches, lo, hi, invert: invert) { start, end in
                if start > position { ends.append(~start) }  // removed text
                ends.append(end)
                position = end
            }
            if position < hi { ends.append(~hi) }
        }
    }

    /// Splits off `\p{N}` scalars: each alone, or each maximal run; the text between them forms
    /// pieces too.
    static func isolateNumbers(_ buffer: ScalarBuffer, _ lo: Int, _ hi: Int, eachAlone: Bool, into ends: inout [Int]) {
        buffer.classes.withUnsafeBufferPointer { classes in
            var i = lo
            while i < hi {
                var j = i + 1
                if classes[i] == .number {
                    if !eachAlone {
                        while j < hi && classes[j] == .number { j += 1 }
                    }
                } else {
                    while j < hi && classes[j] != .number { j += 1 }
                }
                ends.append(j)
                i = j
            }
        }
    }
}

/// What a split pattern's matches become (HF `SplitDelimiterBehavior`).
enum SplitBehavior: String, Sendable {
    /// Matches and the text between them are separate pieces.
    case isolated = "Isolated"
    /// Matches are dropped.
    case removed = "Removed"
    /// Each match joins the piece before it.
    case mergedWithPrevious = "MergedWithPrevious"
    /// Each match joins the piece after it.
    case mergedWithNext = "MergedWithNext"
    /// Adjacent matches form one piece.
    case contiguous = "Contiguous"

    /// Emits the pieces of `lo..<hi` given the pattern's matches (sorted, not overlapping). With
    /// `invert`, the text between matches plays the role of the matches.
    func apply(matches: [(start: Int, end: Int)], _ lo: Int, _ hi: Int, invert: Bool, _ emit: (Int, Int) -> Void) {
        // The range as consecutive segments, each flagged as a delimiter or not.
        var segments: [(start: Int, end: Int, isDelimiter: Bool)] = []
        var position = lo
        for match in matches {
            if match.start > position { segments.append((position, match.start, invert)) }
            segments.append((match.start, match.end, !invert))
            position = match.end
        }
        if position < hi { segments.append((position, hi, invert)) }

        var pieces: [(start: Int, end: Int)] = []
        switch self {
        case .isolated:
            pieces = segments.map { ($0.start, $0.end) }
        case .removed:
            pieces = segments.filter { !$0.isDelimiter }.map { ($0.start, $0.end) }
        case .mergedWithPrevious:
            // A delimiter right after a non-delimiter extends it; otherwise it stands alone.
            var previousIsDelimiter = false
            for segment in segments {
                if segment.isDelimiter && !previousIsDelimiter && !pieces.isEmpty {
                    pieces[pieces.count - 1].end = segment.end
                } else {
                    pieces.append((segment.start, segment.end))
                }
                previousIsDelimiter = segment.isDelimiter
            }
        case .mergedWithNext:
            // A delimiter right before a non-delimiter starts it; otherwise it stands alone.
            var nextIsDelimiter = false
            for segment in segments.reversed() {
                if segment.isDelimiter && !nextIsDelimiter && !pieces.isEmpty {
                    pieces[pieces.count - 1].start = segment.start
                } else {
                    pieces.append((segment.start, segment.end))
                }
                nextIsDelimiter = segment.isDelimiter
            }
            pieces.reverse()
        case .contiguous:
            // Neighbouring segments of the same kind form one piece.
            var previousIsDelimiter = false
            for segment in segments {
                if segment.isDelimiter == previousIsDelimiter && !pieces.isEmpty {
                    pieces[pieces.count - 1].end = segment.end
                } else {
                    pieces.append((segment.start, segment.end))
                }
                previousIsDelimiter = segment.isDelimiter
            }
        }
        for piece in pieces { emit(piece.start, piece.end) }
    }
}
