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
    static let summary = "fetch the default model if needed, chat, and show GALI against the unmodified model"
    static let options: Set<String> = ["model", "threads", "window"]
    static let flags: Set<String> = []
    static let help = """
    usage: gali demo [--model PATH] [--threads N] [--window W]

    1. Fetches SmolLM2-135M-Instruct into the model cache if it is not there (unless --model).
    2. Answers a chat question.
    3. Scores a built-in passage of about 1,300 tokens with the unmodified model.
    4. Pretends the model's window is W tokens (default 256) and scores the passage again with
       the unmodified model and with GALI: beyond W the unmodified model's perplexity climbs,
       GALI's stays near its in-window level.
    """

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        let threads = try arguments.int("threads", in: 1...1024)
        let window = try arguments.int("window", default: 256, in: 130...100_000)!
        let path = try arguments.string("model") ?? ModelFetcher.ensureDefaultModel(output: output)
        GALIMethod.register()
        let start = Date()

        output.print("== Chat")
        let chat = try ModelFactory.make(method: .original, model: path, threads: threads, precision: .exact)
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
        let inWindow = try score(.original, window: nil, path: path, threads: threads, tokens: passage, output: output)
        output.print(String(format: "unmodified model, its own window (%d):  perplexity %.2f", chat.model.configuration.contextLength, inWindow))

        output.print("")
        output.print("== The same passage with a pretend window of \(window) tokens")
        let original = try score(.original, window: window, path: path, threads: threads, tokens: passage, output: output)
        let gali = try score(.gali(GALIParameters(noiseType: .no)), window: window, path: path, threads: threads, tokens: passage, output: output)
        output.print(String(format: "unmodified model:  perplexity %8.2f  (positions past %d are out of distribution)", original, window))
        output.print(String(format: "GALI:              perplexity %8.2f  (greedy positions and interpolated logits)", gali))
        output.print("")
        output.print(String(format: "Done in %.0f s. Next: gali score --method gali --ori-window 512 --file TEXT, gali methods, gali --help.",
                            Date().timeIntervalSince(start)))
    }

    private static func score(_ method: MethodSpec, window: Int?, path: String, threads: Int?, tokens: [Int],
                              output: OutputStreams) throws -> Double {
        let loaded = try ModelFactory.make(method: method, maxPositionEmbeddings: window, model: path, threads: threads)
        let progress = ProgressReporter(label: "  \(loaded.method.name)", total: tokens.count, unit: "tok",
                                        isTerminal: output.errorIsTerminal, write: output.writeError)
        let result = try loaded.makeSession(reserving: tokens.count).score(tokens) { done, _ in progress.update(done) }
        progress.finish()
        return result.perplexity
    }
}
