import Foundation
import Transformer

/// `gali info`: describes a model file or checkpoint directory.
enum InfoCommand: Command {
    static let name = "info"
    static let summary = "show a model's architecture, hyper-parameters, tensors and tokenizer"
    static let help = """
        usage: gali info [--model PATH] [--json]

        Opens a GGUF file or a Hugging Face checkpoint directory (config.json + safetensors),
        checks every weight against the configuration, and prints the architecture, every
        hyper-parameter, the rotary convention, tensor counts by type, file size, and the
        tokenizer kind and vocabulary size. A damaged model exits with status 1 and one line
        naming the file and the problem.

        options:
          --model PATH   model file or directory (default: the cached default model,
                         \(DefaultModel.fileName))
          --json         print a JSON object instead of text
        """
    static let options: Set<String> = ["model"]
    static let flags: Set<String> = ["json"]

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        guard arguments.positional.isEmpty else {
            throw CommandLineError("unexpected argument \"\(arguments.positional[0])\" (use --model PATH)")
        }
        let path = try DefaultModel.resolveOption(arguments.string("model"))
        let summary = try ModelSummary(checkpoint: try ModelCheckpoint.open(path: path))
        if arguments.flag("json") {
            output.print(String(decoding: try summary.jsonData(), as: UTF8.self))
        } else {
            output.print(summary.text)
        }
    }
}
