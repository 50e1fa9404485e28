import Foundation
import Transformer
import Tokenizers

/// `gali tokenize`: prints the token ids of a text.
enum TokenizeCommand: Command {
    static let name = "tokenize"
    static let summary = "print the token ids of a text"
    static let help = """
        usage: gali tokenize [--model PATH] (--text S | --file F) [--json] [--no-add-special] [--no-parse-special]

        Prints the token ids of the text, separated by commas (the format `gali detokenize --ids`
        reads).

          --model PATH         GGUF file, Hugging Face model directory or tokenizer.json
                               (default: the SmolLM2 model in the model cache)
          --text S             the text to tokenize
          --file F             tokenize the contents of file F (UTF-8)
          --json               print {"ids": [...]} instead
          --no-add-special     do not add the BOS/EOS tokens the model asks for
          --no-parse-special   treat control-token spellings such as <|im_start|> as plain text
        """
    static let options: Set<String> = ["model", "text", "file"]
    static let flags: Set<String> = ["json", "no-add-special", "no-parse-special"]

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        let text = try readText(arguments)
        let tokenizer = try loadTokenizer(arguments)
        let ids = tokenizer.encode(text, addSpecialTokens: !arguments.flag("no-add-special"),
                                   parseSpecialTokens: !arguments.flag("no-parse-special"))
        if arguments.flag("json") {
            output.print("{\"ids\": [" + ids.map(String.init).joined(separator: ", ") + "]}")
        } else {
            output.print(ids.map(String.init).joined(separator: ","))
        }
    }

    /// The tokenizer of `--model`, or of the default model.
    static func loadTokenizer(_ arguments: ParsedArguments) throws -> Tokenizer {
        try Tokenizer.load(path: try DefaultModel.resolveOption(arguments.string("model")))
    }

    /// The text of `--text` or `--file` (exactly one must be given).
    static func readText(_ arguments: ParsedArguments) throws -> String {
        switch (arguments.string("text"), arguments.string("file")) {
        case (let text?, nil):
            return text
        case (nil, let path?):
            return try readFile(path)
        case (.some, .some):
            throw CommandLineError("give either --text or --file, not both")
        case (nil, nil):
            throw CommandLineError("give the text with --text S or --file F")
        }
    }

    /// The contents of the UTF-8 file at `path`.
    static func readFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandLineError("cannot read file \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandLineError("file \(path) is not valid UTF-8")
        }
        return text
    }
}
