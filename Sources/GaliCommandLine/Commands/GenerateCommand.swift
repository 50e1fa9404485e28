import Experiments
import Extrapolation
import Foundation
import Transformer

/// `gali generate`: stream a continuation (or a chat answer) from a model and method.
enum GenerateCommand: Command {
    static let name = "generate"
    static let summary = "generate text from a prompt (streams to standard output)"
    static let options: Set<String> = ModelOptions.options.union([
        "prompt", "prompt-file", "system", "max-new-tokens", "temperature", "top-k", "top-p", "repetition-penalty", "seed", "stop",
    ])
    static let flags: Set<String> = ModelOptions.flags.union(["chat"])
    static let help = """
    usage: gali generate (--prompt S | --prompt-file F) [--chat] [sampling options] [model options]

    Runs in exact precision unless --precision fast is given.

      --prompt S              prompt text
      --prompt-file F         read the prompt from a UTF-8 file
      --chat                  wrap the prompt in the model's chat template as a user message
      --system S              system message for --chat (default: the template's own)
      --max-new-tokens N      at most N new tokens (default 256)
      --temperature T         0 = greedy (default), higher = more random
      --top-k K               sample among the K most likely tokens (0 = all)
      --top-p P               nucleus sampling threshold in (0, 1] (default 1)
      --repetition-penalty R  penalise tokens already present (1 = off)
      --seed S                random seed for sampling (default 0)
      --stop S                stop when S appears (repeatable)
    \(ModelOptions.help)
    """

    /// The `--stop` strings; an empty one would stop before the first token, so it is an error.
    static func stopStrings(_ arguments: ParsedArguments) throws -> [String] {
        let strings = arguments.strings("stop")
        if strings.contains("") { throw CommandLineError("--stop needs a non-empty string") }
        return strings
    }

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        let prompt: String
        switch (arguments.string("prompt"), arguments.string("prompt-file")) {
        case (let text?, nil): prompt = text
        case (nil, let file?): prompt = try readText(file)
        case (nil, nil): throw CommandLineError("give --prompt or --prompt-file")
        default: throw CommandLineError("give either --prompt or --prompt-file, not both")
        }
        guard !prompt.isEmpty else { throw CommandLineError("the prompt is empty") }
        let sampling = SamplingOptions(
            temperature: try arguments.double("temperature", default: 0, in: 0...100)!,
            topK: try arguments.int("top-k", default: 0, in: 0...Int(Int32.max))!,
            topP: try arguments.double("top-p", default: 1, in: Double.leastNonzeroMagnitude...1)!,
            repetitionPenalty: try arguments.double("repetition-penalty", default: 1, in: 0.01...100)!,
            seed: UInt64(try arguments.int("seed", default: 0, in: 0...Int.max)!))
        let options = GenerationOptions(maxNewTokens: try arguments.int("max-new-tokens", default: 256, in: 0...1_000_000)!,
                                        sampling: sampling, stopStrings: try stopStrings(arguments))
        // Exact by default: the 8-bit activations of the fast path can flip a small model's
        // near-tie greedy choices; decoding is memory-bound, so exactness costs little here.
        let loaded = try ModelOptions(arguments, defaultPrecision: .exact).load()
        let text: String
        if arguments.flag("chat") {
            var messages: [ChatMessage] = []
            if let system = arguments.string("system") { messages.append(ChatMessage(role: "system", content: system)) }
            messages.append(ChatMessage(role: "user", content: prompt))
            text = try loaded.tokenizer.applyChatTemplate(messages: messages, addGenerationPrompt: true)
        } else {
            text = prompt
        }
        let tokens = loaded.tokenizer.encode(text)
        try loaded.checkFits(tokens: tokens.count + options.maxNewTokens)
        let session = try loaded.makeSession(reserving: tokens.count + options.maxNewTokens + 1)
        let progress = ProgressReporter(label: "prompt", total: tokens.count, unit: "tok", isTerminal: output.errorIsTerminal,
                                        write: output.writeError)
        if tokens.count > 2048 {
            session.onProgress = { done, total in
                guard total == tokens.count else { return }  // the prompt, not the one-token decoding steps
                progress.update(done)
                if done == total { progress.finish() }
            }
        }
        let result = try TextGenerator(session: session, tokenizer: loaded.tokenizer)
            .generate(promptTokens: tokens, options: options) { piece in
                output.write(piece)
                return true
            }
        output.write("\n")
        if output.errorIsTerminal {
            let decodeRate = result.decodeSeconds > 0 ? Double(result.tokens.count) / result.decodeSeconds : 0
            output.printError(String(format: "[%d prompt tokens in %.2f s, %d new tokens at %.1f tokens/s, stopped: %@]",
                                     result.promptTokenCount, result.prefillSeconds, result.tokens.count, decodeRate,
                                     result.stopReason.rawValue))
        }
    }
}
