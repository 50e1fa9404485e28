import CappedDistanceMethod
import Extrapolation
import Foundation
import GALI
import Transformer

// Registers the method, loads a model with it by name, and compares perplexity with the
// unmodified model on a text longer than a pretend window.
let arguments = CommandLine.arguments
let home = FileManager.default.homeDirectoryForCurrentUser.path
let modelPath = arguments.count > 1 ? arguments[1] : home + "/.cache/swift-gali/models/SmolLM2-135M-Instruct.Q4_1.gguf"

do {
    try MethodRegistry.standard.register(CappedDistanceMethod.self)
    let text = String(repeating: "The quick brown fox jumps over the lazy dog while the cat watches from the window. ", count: 40)
    for spec in [MethodSpec.original, MethodSpec(name: "rerope", parameters: ["window": .int(192)])] {
        let loaded = try ModelFactory.make(method: spec, maxPositionEmbeddings: 256, model: modelPath, registry: .standard)
        let tokens = Array(loaded.tokenizer.encode(text).prefix(768))
        let result = try loaded.makeSession().score(tokens)
        print("\(loaded.method.name): \(tokens.count) tokens, window 256, perplexity \(String(format: "%.3f", result.perplexity))")
    }
} catch {
    print("error: \(error)")
    exit(1)
}
