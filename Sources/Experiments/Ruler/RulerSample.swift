/// One generated RULER sample, in the layout RULER's generators write: the prompt `input`, the
/// `answerPrefix` the model continues from (the model reads `input + answerPrefix`) and the
/// reference answers `outputs`.
public struct RulerSample: Equatable, Sendable {
    /// The prompt up to the answer prefix.
    public var input: String
    /// The start of the answer, appended to the prompt.
    public var answerPrefix: String
    /// The reference answers.
    public var outputs: [String]

    /// What the model reads.
    public var prompt: String { input + answerPrefix }

    /// A sample from its parts.
    public init(input: String, answerPrefix: String, outputs: [String]) {
        self.input = input
        self.answerPrefix = answerPrefix
        self.outputs = outputs
    }

    /// A sample from a whole prompt whose answer prefix starts at the last occurrence of the
    /// prefix's first 10 characters (as RULER splits it).
    init(prompt: String, answerPrefixStart: String, outputs: [String]) {
        let marker = String(answerPrefixStart.prefix(10))
        if let range = prompt.range(of: marker, options: .backwards) {
            input = String(prompt[..<range.lowerBound])
            answerPrefix = String(prompt[range.lowerBound...])
        } else {
            input = prompt
            answerPrefix = ""
        }
        self.outputs = outputs
    }
}
