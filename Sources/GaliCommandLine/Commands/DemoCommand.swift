import Experiments
import Extrapolation
import Foundation
import GALI
import Tensor
import Transformer

/// `gali demo`: the main job on a fresh machine — fetch the default model if needed, answer a
/// chat question, score a passage, and show how the unmodified model degrades past its window
/// while GALI holds.
enum DemoCommand: Command {
    static let name = "demo"
    static let summary = "fetch the default model if needed, chat, and score a passage (--long: GALI vs the unmodified model past the window)"
    static let options: Set<String> = ["model", "threads"]
    static let flags: Set<String> = ["long"]
    static let help = """
    usage: gali demo [--model PATH] [--threads N] [--long]

    1. Fetches SmolLM2-135M-Instruct into the model cache if it is not there (unless --model).
    2. Answers a chat question.
    3. Scores a built-in passage of about 1,200 tokens.
    With --long (several minutes): feeds a text of twice the model's context window (the passage
    repeated) to the unmodified model and to GALI and compares their perplexity on the last
    quarter, past the window: the unmodified model's climbs, GALI's stays near its in-window level.
    """

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        let threads = try arguments.int("threads", in: 1...1024)
        let path = try arguments.string("model") ?? ModelFetcher.ensureDefaultModel(output: output)
        let start = Date()

        output.print("== Chat")
        let chat = try ModelFactory.make(method: .original, model: path, threads: threads, precision: .exact, registry: .standard)
        let question = "What is the capital of France?"
        let prompt = try chat.tokenizer.applyChatTemplate(messages: [ChatMessage(role: "user", content: question)], addGenerationPrompt: true)
        output.print("user:      \(question)")
        output.write("assistant: ")
        let answer = try TextGenerator(session: chat.makeSession(), tokenizer: chat.tokenizer)
            .generate(promptTokens: chat.tokenizer.encode(prompt), options: GenerationOptions(maxNewTokens: 48)) { piece in
                output.write(piece)
                return true
            }
        output.print("")
        output.print(String(format: "           (%d tokens at %.1f tokens/s)", answer.tokens.count,
                            Double(answer.tokens.count) / max(answer.decodeSeconds, 1e-9)))

        let passage = chat.tokenizer.encode(DemoPassage.text)
        output.print("")
        output.print("== Perplexity of a \(passage.count)-token passage")
        let scored = try score(.original, path: path, threads: threads, tokens: passage, output: output)
        output.print(String(format: "unmodified model: perplexity %.2f", scored.perplexity))

        if arguments.flag("long") {
            let window = chat.model.configuration.contextLength
            var long: [Int] = []
            while long.count < 2 * window { long += passage }
            long = Array(long.prefix(2 * window))
            let tail = (3 * long.count / 4)..<(long.count - 1)
            output.print("")
            output.print("== \(long.count) tokens, twice the model's window of \(window) (the passage repeated)")
            for (label, method) in [("unmodified model", MethodSpec.original), ("GALI", MethodSpec.gali())] {
                let result = try score(method, path: path, threads: threads, tokens: long, output: output)
                let nll = result.negativeLogLikelihoods
                let inWindow = nll[(window / 2)..<(window - 1)], beyond = nll[tail]
                func perplexity(_ values: ArraySlice<Float>) -> Double { exp(values.reduce(0.0) { $0 + Double($1) } / Double(values.count)) }
                output.print(String(format: "%@: perplexity %.2f on tokens %d-%d (inside the window), %.2f on tokens %d-%d (past it)",
                                    label.padding(toLength: 16, withPad: " ", startingAt: 0), perplexity(inWindow), window / 2, window - 1,
                                    perplexity(beyond), tail.lowerBound, tail.upperBound))
            }
        }
        output.print("")
        output.print(String(format: "Done in %.0f s. Next: gali generate --chat --prompt \"...\", gali score --method gali --file TEXT, gali methods, gali --help.",
                            Date().timeIntervalSince(start)))
    }

    private static func score(_ method: MethodSpec, path: String, threads: Int?, tokens: [Int],
                              output: OutputStreams) throws -> ScoreResult {
        let loaded = try ModelFactory.make(method: method, model: path, threads: threads, registry: .standard)
        let progress = ProgressReporter(label: "  \(loaded.method.name)", total: tokens.count, unit: "tok",
                                        isTerminal: output.errorIsTerminal, write: output.writeError)
        let result = try loaded.makeSession(reserving: tokens.count).score(tokens) { done, _ in progress.update(done) }
        progress.finish()
        return result
    }
}
