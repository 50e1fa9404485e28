import Experiments
import Foundation
import Transformer

/// `gali analyze --cfg FILE`: attention-analysis heatmaps.
enum AnalyzeCommand: Command {
    static let name = "analyze"
    static let summary = "attention logits/scores averaged over heads and layers, as SVG heatmaps"
    static let options: Set<String> = ["cfg", "text", "length", "quantity", "layers", "resolution", "out", "results", "workdir", "model", "threads"]
    static let flags: Set<String> = []
    static let help = """
    usage: gali analyze --cfg FILE.toml [--text F] [--length N] [--quantity logits|scores|both]
                        [--layers 0,14,29] [--resolution R] [--out DIR]

    Runs a text through the config's model and method with an attention probe and writes the
    attention logits and/or scores (softmax probabilities), averaged over all heads and the
    chosen layers, as SVG heatmaps (scores on a log10 scale) and JSON grids, as the reference's
    analysis notebook does. Options override the config's analysis_* keys.

      --cfg FILE          experiment config (model, method, params, ori_max_position_embeddings)
      --text F            text file (default: analysis_text, else data_dir: the file, or a folder's
                          first .txt file)
      --length N          tokens to analyse (default: analysis_length, else max_pe, at most the text)
      --quantity Q        logits, scores or both (default: both)
      --layers L,...      layer indices to average (default: all)
      --resolution R      cells per side (default 256)
      --out DIR           output folder (default: <results>/analysis/<exp_name>)
      --results DIR       results root (default: results)
      --workdir DIR       resolve relative paths against DIR
      --model PATH        model path, overriding the config's
      --threads N         threads
    """

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        guard let file = arguments.string("cfg") else { throw CommandLineError("--cfg is required") }
        let paths = arguments.string("workdir").map { PathResolver(base: PathResolver().resolve($0)) } ?? PathResolver()
        var config = try ExperimentConfig(contentsOfFile: PathResolver().resolve(file))
        if let threads = try arguments.int("threads", in: 1...1024) { config.threads = threads }
        guard let textPath = arguments.string("text") ?? config.analysis.textPath else {
            throw CommandLineError("give --text FILE (or analysis_text in the config)")
        }
        var source = paths.resolve(textPath)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), isDirectory.boolValue {
            // A pg19-style folder: its first text file by name.
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: source)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
            guard let first = names.first else { throw CommandLineError("\(source) has no .txt files; give --text FILE") }
            source += "/" + first
        }
        let text = try readText(source)
        let quantities: [AttentionProbe.Quantity]
        switch arguments.string("quantity") {
        case nil: quantities = config.analysis.quantities.compactMap(AttentionProbe.Quantity.init(rawValue:))
        case "both"?: quantities = [.logits, .scores]
        case let name?:
            guard let quantity = AttentionProbe.Quantity(rawValue: name) else { throw CommandLineError("--quantity must be logits, scores or both") }
            quantities = [quantity]
        }
        var layers = config.analysis.layers
        if let list = arguments.string("layers") {
            layers = try list.split(separator: ",").map { item in
                guard let layer = Int(item.trimmingCharacters(in: .whitespaces)), layer >= 0 else {
                    throw CommandLineError("--layers needs comma-separated layer indices, not \"\(list)\"")
                }
                return layer
            }
        }
        let resolution = try arguments.int("resolution", in: 1...4096) ?? config.analysis.resolution
        let modelPath = try DefaultModel.resolve((arguments.string("model") ?? config.model).map(paths.resolve))
        if arguments.string("model") == nil { try config.checkModelPath(modelPath) }
        let loaded = try ExperimentRunner.load(config: config, modelPath: modelPath)
        var tokens = loaded.tokenizer.encode(text)
        let length = try arguments.int("length", in: 2...Int(Int32.max)) ?? config.analysis.length ?? config.maxPE
        if tokens.count > length { tokens = Array(tokens.prefix(length)) }
        let outDirectory = arguments.string("out").map(paths.resolve) ?? paths.resolve((arguments.string("results") ?? "results") + "/analysis/" + config.experimentName)
        try FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
        let progress = ProgressReporter(label: "analyze", total: tokens.count * quantities.count, unit: "tok",
                                        isTerminal: output.errorIsTerminal, write: output.writeError)
        let maps = try AttentionAnalysis.maps(loaded, tokens: tokens, quantities: quantities, layers: layers, resolution: resolution) {
            done, _ in progress.update(done)
        }
        progress.finish()
        var written: [String] = []
        for map in maps {
            let base = outDirectory + "/attention_" + map.quantity.rawValue
            let heatmap = AttentionAnalysis.heatmap(map, title: "\(loaded.method.name), \(tokens.count) tokens, W = \(loaded.originalWindow)")
            try Data(heatmap.svg().utf8).write(to: URL(fileURLWithPath: base + ".svg"))
            try Data(AttentionAnalysis.json(map).utf8).write(to: URL(fileURLWithPath: base + ".json"))
            written += [base + ".svg", base + ".json"]
        }
        output.print("wrote " + written.joined(separator: ", "))
    }
}
