import Foundation
import Transformer

/// `gali bench-tokenizer`: measures encoding and decoding speed on one core.
enum BenchTokenizerCommand: Command {
    static let name = "bench-tokenizer"
    static let summary = "measure tokenizer encode/decode speed"
    static let help = """
        usage: gali bench-tokenizer [--model PATH] [--file F] [--runs N]

        Encodes the file N times on one thread and prints the best and median speed in MB/s
        (10^6 bytes per second) and tokens/s, then decoding speed, then the time to encode 1 MB of
        one repeated letter (a worst case for BPE: one single pre-token piece).

          --model PATH   GGUF file, Hugging Face model directory or tokenizer.json
                         (default: the SmolLM2 model in the model cache)
          --file F       UTF-8 text to encode (default: haystack.txt of the shared data,
                         $GALI_SHARED_DATA/reference or ../shared/data/reference)
          --runs N       timed runs after one warm-up run (default 5)
        """
    static let options: Set<String> = ["model", "file", "runs"]
    static let flags: Set<String> = []

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        let runs = try arguments.int("runs", default: 5, in: 1...1000) ?? 5
        let path = try arguments.string("file") ?? defaultFile()
        let text = try TokenizeCommand.readFile(path)
        let bytes = Double(text.utf8.count)

        let loadStart = ContinuousClock.now
        let tokenizer = try TokenizeCommand.loadTokenizer(arguments)
        let loadSeconds = seconds(ContinuousClock.now - loadStart)
        output.print("tokenizer: \(tokenizer.model.rawValue), pre-tokenizer \(tokenizer.preTokenizerName), \(tokenizer.vocabularySize) tokens, loaded in \(format(loadSeconds, 2)) s")

        var ids = tokenizer.encode(text, addSpecialTokens: false)
        output.print("input: \(path) (\(Int(bytes)) bytes, \(ids.count) tokens)")
        var encodeTimes: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            ids = tokenizer.encode(text, addSpecialTokens: false)
            encodeTimes.append(seconds(ContinuousClock.now - start))
        }
        report("encode", encodeTimes, bytes: bytes, tokens: Double(ids.count), output: output)

        var decodeTimes: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            _ = try tokenizer.decode(ids)
            decodeTimes.append(seconds(ContinuousClock.now - start))
        }
        report("decode", decodeTimes, bytes: bytes, tokens: Double(ids.count), output: output)

        let repeated = String(repeating: "a", count: 1_000_000)
        let start = ContinuousClock.now
        let repeatedIDs = tokenizer.encode(repeated, addSpecialTokens: false)
        output.print("1 MB of \"a\" (one piece): \(format(seconds(ContinuousClock.now - start), 3)) s, \(repeatedIDs.count) tokens")
    }

    private static func report(_ label: String, _ times: [Double], bytes: Double, tokens: Double, output: OutputStreams) {
        let sorted = times.sorted()
        let best = sorted[0]
        let median = sorted[sorted.count / 2]
        output.print("\(label): \(format(bytes / best / 1e6, 2)) MB/s, \(format(tokens / best / 1e6, 2)) M tokens/s (best of \(times.count); median \(format(bytes / median / 1e6, 2)) MB/s)")
    }

    private static func defaultFile() throws -> String {
        var candidates: [String] = []
        if let shared = ProcessInfo.processInfo.environment["GALI_SHARED_DATA"], !shared.isEmpty {
            candidates.append((shared as NSString).appendingPathComponent("reference/haystack.txt"))
        }
        candidates.append("../shared/data/reference/haystack.txt")
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw CommandLineError("no --file given and haystack.txt was not found (looked in \(candidates.joined(separator: ", ")))")
        }
        return found
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }

    private static func format(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
}
