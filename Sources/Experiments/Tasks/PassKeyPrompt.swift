/// The synthetic pass-key prompt of the reference (`generate_prompt_landmark` and
/// `generate_prompt_landmark_needle` in `pred.py`, from ChunkLlama): a task description,
/// filler, the key line, more filler and the question, joined by newlines.
///
/// The filler before the key is the first `prefix` characters of the filler text and the filler
/// after it the first `suffix` characters (both slices start at the beginning, as in the
/// reference). Characters are Unicode scalars, as Python counts them.
public enum PassKeyPrompt {
    /// The reference's task description (first line).
    public static let taskDescription = "There is an important info hidden inside a lot of irrelevant text. Find it and memorize them. I will quiz you about the important information there."
    /// The reference's filler sentence, repeated with single spaces between copies.
    public static let fillerSentence = "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again."
    /// The reference's question (last line; the answer is expected to follow).
    public static let finalQuestion = "What is the pass key? The pass key is"
    /// The line hiding the key.
    public static func informationLine(passKey: String) -> String {
        "The pass key is \(passKey). Remember it. \(passKey) is the pass key."
    }

    /// Length of the passkey task's filler (`" ".join([garbage] * 500000)`); `n_garbage` may not
    /// exceed it (the reference asserts this).
    public static let maximumFillerCharacters = 500_000 * 89 + 499_999
    /// Length of the needle task's filler (`" ".join([garbage] * 50000)`).
    public static let needleMaximumFillerCharacters = 50_000 * 89 + 49_999

    /// The prompt with `prefix` filler characters before the key line and `suffix` after it.
    public static func text(prefix: Int, suffix: Int, passKey: String, filler: FillerText = .sentences) -> String {
        [taskDescription, filler.prefix(prefix), informationLine(passKey: passKey), filler.prefix(suffix), finalQuestion]
            .joined(separator: "\n")
    }

    /// One trial of the passkey task: the key and how much filler precedes it.
    public struct Trial: Equatable, Sendable {
        /// The 0-based trial index.
        public var index: Int
        /// The pass key.
        public var passKey: Int
        /// Filler characters before the key line (the rest of `n_garbage` follows it).
        public var prefixCharacters: Int
    }

    /// The reference's passkey trials after `random.seed(seed)`: per trial
    /// `randint(0, n_garbage)` for the key position, then `randint(1, 50000)` for the key.
    public static func passkeyTrials(nGarbage: Int, times: Int, seed: Int) -> [Trial] {
        var random = PythonRandom(seed: seed)
        return (0..<max(times, 0)).map { index in
            let prefix = random.randint(0, max(nGarbage, 0))
            let key = random.randint(1, 50000)
            return Trial(index: index, passKey: key, prefixCharacters: prefix)
        }
    }

    /// The needle task's keys after `random.seed(seed)`: `randint(50000, 500000)` per trial, in the
    /// reference's loop order (length, then depth, then trial).
    public static func needleKeys(count: Int, seed: Int) -> [Int] {
        var random = PythonRandom(seed: seed)
        return (0..<max(count, 0)).map { _ in random.randint(50000, 500000) }
    }

    /// The needle task's filler characters for a nominal length in tokens:
    /// `int(3.75 * length // 1024 * 1024)`.
    public static func needleFillerCharacters(length: Int) -> Int {
        Int((3.75 * Double(length) / 1024).rounded(.down)) * 1024
    }

    /// The needle task's depths: `1/d · i` for i = 1…d (the reference: d = 16).
    public static func needleDepths(count: Int) -> [Double] {
        let step = 1.0 / Double(count)
        return (1...max(count, 1)).map { step * Double($0) }
    }

    /// Filler characters before the key at `depth`: `int(depth * n_garbage)`.
    public static func needlePrefix(depth: Double, nGarbage: Int) -> Int {
        Int(depth * Double(nGarbage))
    }
}

/// The text filler is cut from: the reference's repeated sentence, or other text (needle essays)
/// repeated end to end.
public enum FillerText: Sendable, Equatable {
    /// `" ".join([fillerSentence] * ∞)`.
    case sentences
    /// The given text repeated back to back (as the needle kit concatenates its essays until
    /// long enough).
    case text([Unicode.Scalar])

    /// The first `count` characters (Unicode scalars).
    public func prefix(_ count: Int) -> String {
        guard count > 0 else { return "" }
        let unit: [Unicode.Scalar]
        switch self {
        case .sentences: unit = Array((PassKeyPrompt.fillerSentence + " ").unicodeScalars)
        case .text(let scalars): unit = scalars
        }
        guard !unit.isEmpty else { return "" }
        var result = String.UnicodeScalarView()
        result.reserveCapacity(count)
        var remaining = count
        while remaining > 0 {
            let take = min(remaining, unit.count)
            result.append(contentsOf: unit[0..<take])
            remaining -= take
        }
        return String(result)
    }
}
