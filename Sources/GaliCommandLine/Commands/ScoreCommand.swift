import Experiments
import Extrapolation
import Foundation
import Transformer
import ModelFiles

/// `gali score`: per-token negative log-likelihood and perplexity of a text file.
enum ScoreCommand: Command {
    static let name = "score"
    static let summary = "perplexity of a text file under a model and method"
    static let options: Set<String> = ModelOptions.options.union(["file", "max-tokens", "batch-size"])
    static let flags: Set<String> = ModelOptions.flags.union(["json"])
    static let help = """
    usage: gali score --file F [--max-tokens N] [--json] [model options]

    Scores every token of F after the first: nll[i] = -ln p(token[i+1] | tokens[0...i]).
      --file F            UTF-8 text to score
      --max-tokens N      score only the first N tokens
      --batch-size N      tokens per forward batch (default 512)
      --json              print {"tokens", "mean_nll", "ppl", "nll": [...]}
    \(ModelOptions.help)
    """

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        guard let file = arguments.string("file") else { throw CommandLineError("--file is required") }
        let maxTokens = try arguments.int("max-tokens", in: 2...Int(Int32.max))
        let batchSize = try arguments.int("batch-size", default: 512, in: 1...65536)!
        let modelOptions = try ModelOptions(arguments)
        // The text and the tokenizer are needed only up front: they are released before scoring.
        let (session, tokens, methodName, originalWindow) = try { () throws -> (InferenceSession, [Int], String, Int) in
            let text = try readText(file)
            let loaded = try modelOptions.load()
            var tokens = loaded.tokenizer.encode(text)
            if let maxTokens, tokens.count > maxTokens { tokens = Array(tokens.prefix(maxTokens)) }
            guard tokens.count >= 2 else {
                throw CommandLineError("\(file) has \(tokens.count) token(s); scoring needs at least 2")
            }
            try loaded.checkFits(tokens: tokens.count)
            return (try loaded.makeSession(batchSize: batchSize), tokens, loaded.method.name, loaded.originalWindow)
        }()
        session.reserve(tokens.count)
        let progress = ProgressReporter(label: "scoring", total: tokens.count, unit: "tok", isTerminal: output.errorIsTerminal,
                                        write: output.writeError)
        let start = Date()
        let result = try session.score(tokens) { done, _ in progress.update(done) }
        progress.finish()
        let seconds = Date().timeIntervalSince(start)
        if arguments.flag("json") {
            let values = result.negativeLogLikelihoods.map { JSONText.number(Double($0)) }.joined(separator: ",")
            output.print("{\"tokens\": \(result.tokenCount), \"mean_nll\": \(JSONText.number(result.meanNegativeLogLikelihood)), \"ppl\": \(JSONText.number(result.perplexity)), \"nll\": [\(values)]}")
        } else {
            output.print("method      \(methodName) (W = \(originalWindow))")
            output.print("tokens      \(result.tokenCount)")
            output.print(String(format: "mean NLL    %.6f", result.meanNegativeLogLikelihood))
            output.print(String(format: "perplexity  %.4f", result.perplexity))
            output.print(String(format: "time        %.1f s (%.0f tokens/s)", seconds, Double(tokens.count) / seconds))
        }
    }
}

/// Reads a UTF-8 text file; empty or unreadable files are errors naming the file.
func readText(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else { throw CommandLineError("cannot read \(path)") }
    guard let text = String(data: data, encoding: .utf8) else { throw CommandLineError("\(path) is not UTF-8 text") }
    guard !text.isEmpty else { throw CommandLineError("\(path) is empty") }
    return text
}
