import Foundation
import Transformer

/// `gali detokenize`: prints the text of token ids.
enum DetokenizeCommand: Command {
    static let name = "detokenize"
    static let summary = "print the text of token ids"
    static let help = """
        usage: gali detokenize [--model PATH] --ids 1,2,3 [--skip-special]

        Prints the text the token ids stand for (their bytes concatenated, special tokens written
        out). An id that is not a number or is outside the vocabulary is an error.

          --model PATH     GGUF file, Hugging Face model directory or tokenizer.json
                           (default: the SmolLM2 model in the model cache)
          --ids LIST       token ids separated by commas (spaces are allowed too)
          --skip-special   leave out control tokens such as <|im_end|>
        """
    static let options: Set<String> = ["model", "ids"]
    static let flags: Set<String> = ["skip-special"]

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        guard let list = arguments.string("ids") else { throw CommandLineError("give the ids with --ids 1,2,3") }
        let ids = try parseIDs(list)
        let tokenizer = try TokenizeCommand.loadTokenizer(arguments)
        output.print(try tokenizer.decode(ids, skipSpecialTokens: arguments.flag("skip-special")))
    }

    /// The ids in a comma- or space-separated list.
    static func parseIDs(_ list: String) throws -> [Int] {
        // Commas separate ids (an empty item between two commas is an error); blanks around
        // them, or alone between ids, are allowed.
        var ids: [Int] = []
        for field in list.split(separator: ",", omittingEmptySubsequences: false) {
            let items = field.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
            guard !items.isEmpty else { throw CommandLineError("--ids: empty item in \"\(list)\" (give ids like 1,2,3)") }
            for item in items {
                guard let id = Int(item) else { throw CommandLineError("--ids: \"\(item)\" is not a token id") }
                ids.append(id)
            }
        }
        return ids
    }
}
