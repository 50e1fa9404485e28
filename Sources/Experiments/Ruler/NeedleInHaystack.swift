/// RULER's needle-in-a-haystack family (`niah_*`): needles "One of the special magic numbers
/// for {key} is: {value}." hidden in noise sentences, essays or other needles, then a question
/// for one or more keys; the answer is every value of the queried keys.
public struct NeedleInHaystack: RulerGenerator {
    /// What the haystack is made of.
    public enum Haystack: Sendable {
        /// RULER's noise paragraph repeated, one per line.
        case noise
        /// Essay sentences (needles at RULER's depths).
        case essay
        /// Distractor needles with other keys, one per line.
        case needles
    }

    /// What keys or values look like.
    public enum Kind: String, Sendable {
        /// Seven-digit numbers.
        case numbers
        /// `adjective-noun` words.
        case words
        /// Version-4 UUIDs.
        case uuids
    }

    /// One task's settings (RULER's `synthetic.yaml` arguments).
    public struct Settings: Equatable, Sendable {
        public var haystack: Haystack
        public var keys: Kind
        public var values: Kind
        public var keyCount: Int
        public var valueCount: Int
        public var queryCount: Int
    }

    /// RULER's template (with its answer prefix).
    public static let template = "Some special magic {type_needle_v} are hidden within the following text. Make sure to memorize it. I will quiz you about the {type_needle_v} afterwards.\n{context}\nWhat are all the special magic {type_needle_v} for {query} mentioned in the provided text?"
    /// RULER's answer prefix.
    public static let answerPrefix = " The special magic {type_needle_v} for {query} mentioned in the provided text are"

    /// The settings.
    public let settings: Settings
    /// Essay words (used by `.essay` haystacks).
    public let essayWords: [String]

    /// The smallest haystack and the back-off step.
    public let increment: Int

    /// A generator with `settings` for samples of `length` tokens; `essayWords` is needed for
    /// essay haystacks.
    public init(settings: Settings, essayWords: [String] = [], length: Int = 4096) {
        self.settings = settings
        self.essayWords = essayWords
        // RULER's steps: 500 essay words, 25 lines (5 below 4k tokens).
        increment = settings.haystack == .essay ? 500 : (length < 4096 ? 5 : 25)
    }

    /// A needle sentence.
    public static func needle(kind: Kind, key: String, value: String) -> String {
        "One of the special magic \(kind.rawValue) for \(key) is: \(value)."
    }

    /// A random key or value of `kind`.
    public static func draw(_ kind: Kind, random: inout RulerRandom) -> String {
        switch kind {
        case .numbers: return String(random.integer(1_000_000, 9_999_999))
        case .words: return random.choice(RulerWords.adjectives) + "-" + random.choice(RulerWords.nouns)
        case .uuids:
            var (high, low) = random.bits128()
            high = (high & ~0xF000) | 0x4000                       // version 4
            low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000 // RFC 4122 variant
            func hex(_ value: UInt64, _ digits: Int) -> String {
                let text = String(value, radix: 16)
                return String(repeating: "0", count: max(0, digits - text.count)) + text
            }
            return hex(high >> 32, 8) + "-" + hex((high >> 16) & 0xFFFF, 4) + "-" + hex(high & 0xFFFF, 4) + "-"
                + hex(low >> 48, 4) + "-" + hex(low & 0xFFFF_FFFF_FFFF, 12)
        }
    }

    /// A sample with a haystack of `size` units.
    public func sample(size: Int, random: inout RulerRandom) -> RulerSample {
        let keyCount = max(settings.keyCount, settings.queryCount)
        var keys: [String] = [], values: [[String]] = [], needles: [String] = []
        while keys.count < keyCount {
            let key = NeedleInHaystack.draw(settings.keys, random: &random)
            if keys.contains(key) { continue }
            keys.append(key)
            var group: [String] = []
            for _ in 0..<settings.valueCount {
                let value = NeedleInHaystack.draw(settings.values, random: &random)
                group.append(value)
                needles.append(NeedleInHaystack.needle(kind: settings.values, key: key, value: value))
            }
            values.append(group)
        }
        needles = random.shuffled(needles)

        let context: String
        switch settings.haystack {
        case .essay:
            context = RulerHaystack.insertAtDepths(RulerHaystack.essaySentences(words: essayWords, count: size), needles, random: &random)
        case .noise, .needles:
            var lines: [String]
            if settings.haystack == .noise {
                lines = Array(repeating: RulerHaystack.noise, count: size)
            } else {
                // Distractors never reuse a real key, so each queried key's needle occurs once.
                lines = []
                while lines.count < size {
                    let key = NeedleInHaystack.draw(settings.keys, random: &random)
                    if keys.contains(key) { continue }
                    lines.append(NeedleInHaystack.needle(kind: settings.values, key: key,
                                                         value: NeedleInHaystack.draw(settings.values, random: &random)))
                }
            }
            let places = random.sampleIndices(size, needles.count).sorted(by: >)
            for (place, needle) in zip(places, needles) { lines.insert(needle, at: place) }
            context = lines.joined(separator: "\n")
        }

        let queried = random.sampleIndices(keyCount, settings.queryCount)
        let queries = queried.map { keys[$0] }
        let answers = queried.flatMap { values[$0] }
        let query = queries.count > 1 ? queries.dropLast().joined(separator: ", ") + ", and " + queries[queries.count - 1] : queries[0]
        var template = NeedleInHaystack.template + NeedleInHaystack.answerPrefix
        var typeName = settings.values.rawValue
        if settings.queryCount * settings.valueCount == 1 {
            for (old, new) in [("Some", "A"), ("are all", "is"), ("are", "is"), ("answers", "answer")] {
                template = template.replacingOccurrences(of: old, with: new)
            }
            typeName.removeLast()
        }
        let prompt = RulerTemplate.fill(template, ["type_needle_v": typeName, "context": context, "query": query])
        return RulerSample(prompt: prompt, answerPrefixStart: " The special magic", outputs: answers)
    }
}
