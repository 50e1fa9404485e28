/// RULER's variable tracking (`vt`): a chain `VAR A = 12345`, `VAR B = VAR A`, … hidden line by
/// line in noise sentences; the answer is every variable holding the value. As in RULER, a
/// worked example (a short chain with its answer, renamed for each sample) comes first.
public struct VariableTracking: RulerGenerator {
    /// RULER's template.
    public static let template = "Memorize and track the chain(s) of variable assignment hidden in the following text.\n\n{context}\nQuestion: Find all variables that are assigned the value {query} in the text above."
    /// RULER's answer prefix.
    public static let answerPrefix = " Answer: According to the chain(s) of variable assignment in the text above, {num_v} variables are assigned the value {query}, they are: "

    /// Chains (RULER: 1).
    public let chains: Int
    /// Assignments after the first of each chain (RULER: 4).
    public let hops: Int
    /// The worked example before the task (empty for none).
    public let example: String

    /// A generator; `example` comes from `workedExample`.
    public init(chains: Int = 1, hops: Int = 4, example: String = "") {
        self.chains = chains
        self.hops = hops
        self.example = example
    }

    /// Noise sentences grow 5 at a time.
    public var increment: Int { 5 }

    /// The chains of one prompt: variable names per chain and the chain lines.
    static func makeChains(chains: Int, hops: Int, nameLength: Int, value: String?, random: inout RulerRandom) -> (names: [[String]], lines: [[String]]) {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var seen = Set<String>()
        var all: [String] = []
        while all.count < chains * (hops + 1) {
            let name = String((0..<nameLength).map { _ in letters[random.below(letters.count)] })
            if seen.insert(name).inserted { all.append(name) }
        }
        var names: [[String]] = [], lines: [[String]] = []
        for chain in 0..<chains {
            let these = Array(all[(chain * (hops + 1))..<((chain + 1) * (hops + 1))])
            var chainLines = ["VAR \(these[0]) = \(value ?? String(random.integer(10000, 99999)))"]
            for j in 0..<hops { chainLines.append("VAR \(these[j + 1]) = VAR \(these[j]) ") }
            names.append(these)
            lines.append(chainLines)
        }
        return (names, lines)
    }

    /// The prompt (example excluded) with `noises` noise sentences, and the answer.
    static func prompt(noises: Int, chains: Int, hops: Int, nameLength: Int, value: String?, random: inout RulerRandom) -> (text: String, answer: [String]) {
        let (names, chainLines) = makeChains(chains: chains, hops: hops, nameLength: nameLength, value: value, random: &random)
        let query = String(chainLines[0][0].split(separator: "=").last ?? "").trimmingCharacters(in: .whitespaces)
        var sentences = Array(repeating: RulerHaystack.noise, count: noises)
        for chain in chainLines {
            let places = random.sampleIndices(sentences.count, chain.count).sorted()
            for (j, place) in places.enumerated() { sentences.insert(chain[j], at: place + j) }
        }
        let context = sentences.joined(separator: "\n").replacingOccurrences(of: ". \n", with: ".\n")
        let text = RulerTemplate.fill(template + answerPrefix, ["context": context, "query": query, "num_v": String(hops + 1)])
        return (text, names[0])
    }

    /// RULER's worked example: a chain with three-letter names and value 12345 in as many noise
    /// sentences as fit `budget` tokens, followed by its answer.
    public static func workedExample(chains: Int = 1, hops: Int = 4, budget: RulerBudget, seed: Int) throws -> String {
        struct Example: RulerGenerator {
            let chains: Int, hops: Int
            var increment: Int { 5 }
            func sample(size: Int, random: inout RulerRandom) -> RulerSample {
                let made = VariableTracking.prompt(noises: size, chains: chains, hops: min(10, hops), nameLength: 3, value: "12345", random: &random)
                return RulerSample(input: made.text, answerPrefix: "", outputs: made.answer)
            }
        }
        let generator = Example(chains: chains, hops: hops)
        let size = try budget.size(for: generator, probeSeed: seed)
        var random = RulerRandom(seed: seed)
        let example = generator.sample(size: size, random: &random)
        return example.input + " " + example.outputs.joined(separator: " ") + "\n"
    }

    /// The worked example with its answer's names and its value replaced by fresh random ones.
    static func renamed(_ example: String, hops: Int, random: inout RulerRandom) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var text = example
        let words = example.split(whereSeparator: { $0 == " " || $0 == "\n" })
        for name in words.suffix(hops + 1) {
            let fresh = String((0..<name.count).map { _ in letters[random.below(letters.count)] })
            text = text.replacingOccurrences(of: String(name), with: fresh)
        }
        return text.replacingOccurrences(of: "12345", with: String(random.integer(10000, 99999)))
    }

    /// A sample with `size` noise sentences, the renamed worked example first.
    public func sample(size: Int, random: inout RulerRandom) -> RulerSample {
        let made = VariableTracking.prompt(noises: size, chains: chains, hops: hops, nameLength: 5, value: nil, random: &random)
        let shot = example.isEmpty ? "" : VariableTracking.renamed(example, hops: hops, random: &random) + "\n"
        return RulerSample(prompt: shot + made.text, answerPrefixStart: " Answer: According to", outputs: made.answer)
    }
}
