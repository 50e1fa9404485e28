import Extrapolation
import Foundation
import GALI
import Transformer
import Tokenizers

// Usage: quick-start TEXT-FILE [MODEL]. The model defaults to the SmolLM2 file that
// `gali fetch-model` puts in ~/.cache/swift-gali/models/.
let arguments = CommandLine.arguments
guard arguments.count >= 2, let text = try? String(contentsOfFile: arguments[1], encoding: .utf8) else {
    print("usage: quick-start TEXT-FILE [MODEL]")
    exit(2)
}
let model = arguments.count > 2 ? arguments[2]
    : FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/swift-gali/models/SmolLM2-135M-Instruct.Q4_1.gguf"

do {
    // 1. Any model with any method: GALI here, with the reference's default parameters.
    let loaded = try ModelFactory.make(method: .gali(GALIParameters()), model: model)
    print("\(loaded.method.name) on a model with a \(loaded.originalWindow)-token window")

    // 2. Perplexity of the whole text (GALI scores it in one call, chunked internally).
    let tokens = loaded.tokenizer.encode(text)
    try loaded.checkFits(tokens: tokens.count)
    let score = try loaded.makeSession(reserving: tokens.count).score(tokens)
    print("\(tokens.count) tokens, perplexity \(String(format: "%.2f", score.perplexity))")

    // 3. A question about the text, answered greedily and streamed.
    let prompt = try loaded.tokenizer.applyChatTemplate(
        messages: [ChatMessage(role: "user", content: text + "\n\nIn one sentence, what is this text about?")],
        addGenerationPrompt: true)
    let generator = TextGenerator(session: try loaded.makeSession(), tokenizer: loaded.tokenizer)
    _ = try generator.generate(promptTokens: loaded.tokenizer.encode(prompt), options: GenerationOptions(maxNewTokens: 60)) { piece in
        print(piece, terminator: "")
        return true
    }
    print()
} catch {
    print("error: \(error)")
    exit(1)
}
