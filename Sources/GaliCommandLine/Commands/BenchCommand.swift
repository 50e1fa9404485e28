import Experiments
import Extrapolation
import Foundation
import Tensor
import Transformer
import ModelFiles

/// `gali bench`: prefill and decode speed and peak memory of a model and method.
enum BenchCommand: Command {
    static let name = "bench"
    static let summary = "prefill/decode tokens per second and peak memory"
    static let options: Set<String> = ModelOptions.options.union(["prompt-tokens", "gen-tokens", "repeat", "batch-size"])
    static let flags: Set<String> = ModelOptions.flags.union(["json"])
    static let help = """
    usage: gali bench [--prompt-tokens N] [--gen-tokens M] [--threads T] [--json] [model options]

    Prefills a prompt of N tokens (a fixed pseudo-random sequence) and then decodes M tokens
    greedily, after a short warm-up; reports the best of --repeat runs (default 3).
      --prompt-tokens N   prompt length (default 512)
      --gen-tokens M      tokens to decode (default 128)
      --repeat R          runs to take the best of (default 3)
      --batch-size N      tokens per forward batch (default 512)
      --json              print {"prompt_tokens", "gen_tokens", "threads", "prefill_tokens_per_s",
                          "decode_tokens_per_s", "peak_rss_mb", "method", "precision", "kv_type", "attention_products"}
    \(ModelOptions.help)
    """

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        let promptTokens = try arguments.int("prompt-tokens", default: 512, in: 1...Int(Int32.max))!
        let generateTokens = try arguments.int("gen-tokens", default: 128, in: 0...1_000_000)!
        let repeats = try arguments.int("repeat", default: 3, in: 1...100)!
        let batchSize = try arguments.int("batch-size", default: 512, in: 1...65536)!
        let loaded = try ModelOptions(arguments).load()
        try loaded.checkFits(tokens: promptTokens + generateTokens)
        let vocabulary = loaded.model.configuration.vocabularySize
        var random = SeededRandom(seed: 42)
        // Ordinary tokens only (skip the first ids, where special tokens usually live).
        let prompt = (0..<promptTokens).map { _ in 100 + Int(random.next() % UInt64(max(vocabulary - 100, 1))) }

        let session = try loaded.makeSession(reserving: promptTokens + generateTokens + 1, batchSize: batchSize)
        try session.append(Array(prompt.prefix(min(16, promptTokens))), logits: .last)  // warm-up: page weights in
        var bestPrefill = 0.0, bestDecode = 0.0
        for run in 0..<repeats {
            session.reset()
            var next = 0
            let start = Date()
            try session.append(prompt, logits: .last) { _, row in next = argmax(row) }
            let prefill = Double(promptTokens) / Date().timeIntervalSince(start)
            let decodeStart = Date()
            for _ in 0..<generateTokens {
                try session.append([next], logits: .last) { _, row in next = argmax(row) }
            }
            let decode = generateTokens == 0 ? 0 : Double(generateTokens) / Date().timeIntervalSince(decodeStart)
            bestPrefill = max(bestPrefill, prefill)
            bestDecode = max(bestDecode, decode)
            if output.errorIsTerminal {
                output.printError(String(format: "run %d/%d: prefill %.1f tok/s, decode %.1f tok/s", run + 1, repeats, prefill, decode))
            }
        }
        let peakMB = Double(ResourceUsage.peakResidentBytes) / 1_048_576
        if arguments.flag("json") {
            output.print("{\"prompt_tokens\": \(promptTokens), \"gen_tokens\": \(generateTokens), \"threads\": \(loaded.model.pool.threadCount), "
                         + "\"prefill_tokens_per_s\": \(JSONText.number(round1(bestPrefill))), \"decode_tokens_per_s\": \(JSONText.number(round1(bestDecode))), "
                         + "\"peak_rss_mb\": \(JSONText.number(round1(peakMB))), \"method\": \(JSONText.string(loaded.method.name)), "
                         + "\"precision\": \(JSONText.string(loaded.model.precision.rawValue)), "
                         + "\"kv_type\": \(JSONText.string(loaded.model.cacheType.rawValue)), "
                         + "\"attention_products\": \(JSONText.string(loaded.model.attentionProducts.rawValue))}")
        } else {
            output.print("model       \(modelName(loaded))")
            output.print("method      \(loaded.method.name), \(loaded.model.precision.rawValue) precision, \(loaded.model.cacheType) cache, "
                         + "\(loaded.model.attentionProducts) attention products, "
                         + "\(loaded.model.pool.threadCount) threads")
            output.print(String(format: "prefill     %.1f tokens/s (%d tokens)", bestPrefill, promptTokens))
            output.print(String(format: "decode      %.1f tokens/s (%d tokens)", bestDecode, generateTokens))
            output.print(String(format: "peak RSS    %.1f MB", peakMB))
        }
    }

    private static func round1(_ value: Double) -> Double { (value * 10).rounded() / 10 }

    private static func modelName(_ loaded: LoadedModel) -> String {
        let c = loaded.model.configuration
        return "\(c.architecture), \(c.layerCount) layers, hidden \(c.hiddenSize)"
    }
}

/// Index of the largest value.
func argmax(_ row: UnsafeBufferPointer<Float>) -> Int {
    var best = 0
    for index in 1..<row.count where row[index] > row[best] { best = index }
    return best
}
