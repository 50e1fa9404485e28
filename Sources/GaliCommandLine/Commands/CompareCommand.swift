import Experiments
import Extrapolation
import Foundation
import GALI
import Tensor
import Transformer

/// `gali compare`: mean NLL of several methods on the first L tokens of a text, for several L,
/// as one table (Markdown by default, or CSV).
enum CompareCommand: Command {
    static let name = "compare"
    static let summary = "table of mean NLL per method and length on one text"
    static let options: Set<String> = ["model", "file", "lengths", "ori-window", "method", "threads", "stride", "precision"]
    static let flags: Set<String> = ["exact", "csv", "perplexity"]
    static let help = """
    usage: gali compare --file F [--lengths 512,1024,2048] [--ori-window W] [--method SPEC]... [--exact] [--csv]

    Scores the first L tokens of F for every length L and every method, each (method, L) in one
    pass, and prints a table: rows are methods, columns are lengths, cells the mean NLL (or the
    perplexity with --perplexity). A length beyond a method's constraint shows "n/a".
      --file F            UTF-8 text
      --lengths L,L,...   prefix lengths in tokens (default 512,1024,2048)
      --ori-window W      original window W of every method (default: the model's)
      --method SPEC       name or name:key=value,key=value, repeatable (default: the eight methods
                          with the reference's settings for factor 4 and W = 512)
      --stride N          score in pieces of N tokens with the cache (default: one pass)
      --exact, --precision P   linear-layer precision (default fast)
      --csv               print CSV instead of Markdown
      --model PATH, --threads N as elsewhere
    """

    static let defaultMethods = [
        "original", "linear:factor=4", "ntk:factor=4", "dynamic_ntk:factor=4", "yarn:factor=4",
        "self_extend:group_size=4,window_size=128", "chunk_llama", "gali:local_window=128,chunk_coe=256,noise_type=no",
    ]

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        guard let file = arguments.string("file") else { throw CommandLineError("--file is required") }
        let lengths = try (arguments.string("lengths") ?? "512,1024,2048").split(separator: ",").map { item -> Int in
            guard let value = Int(item.trimmingCharacters(in: .whitespaces)), value >= 2 else {
                throw CommandLineError("--lengths needs integers ≥ 2 separated by commas, not \"\(item)\"")
            }
            return value
        }
        let window = try arguments.int("ori-window", in: 2...Int(Int32.max))
        let threads = try arguments.int("threads", in: 1...1024)
        let stride = try arguments.int("stride", in: 1...Int(Int32.max))
        let precision = try ModelOptions.precision(arguments, default: .fast)
        let specs = try (arguments.strings("method").isEmpty ? defaultMethods : arguments.strings("method")).map(MethodSpec.init(parsing:))
        let path = try DefaultModel.resolveOption(arguments.string("model"))
        let text = try readText(file)

        var table = ResultTable(title: "mean NLL", rowHeader: "method", columns: lengths.map(String.init))
        for spec in specs {
            let loaded = try ModelFactory.make(method: spec, maxPositionEmbeddings: window, model: path, threads: threads, precision: precision,
                                               registry: .standard)
            let tokens = loaded.tokenizer.encode(text)
            var cells: [String: Double?] = [:]
            for length in lengths {
                guard length <= tokens.count else {
                    throw CommandLineError("\(file) has \(tokens.count) tokens, fewer than the length \(length)")
                }
                if let maximum = loaded.method.maximumLength, length > maximum { continue }
                let progress = ProgressReporter(label: "\(spec) @ \(length)", total: length, unit: "tok",
                                                isTerminal: output.errorIsTerminal, write: output.writeError)
                let result = try loaded.makeSession(reserving: length).score(Array(tokens.prefix(length)), stride: stride) { done, _ in
                    progress.update(done)
                }
                progress.finish()
                cells[String(length)] = arguments.flag("perplexity") ? result.perplexity : result.meanNegativeLogLikelihood
            }
            table.setRow(spec.description, numbers: cells)
        }
        output.print(arguments.flag("csv") ? table.csv(lineEnding: "\n") : table.markdown(numbers: .fixed(4), missing: "n/a"))
    }
}
