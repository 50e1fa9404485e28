import ModelFiles
import Tokenizers
extension Tokenizer {
    /// The tokenizer stored with a checkpoint: GGUF metadata, or `tokenizer.json` in a Hugging
    /// Face directory. Checks that it covers the model's vocabulary.
    public static func load(checkpoint: ModelCheckpoint) throws -> Tokenizer {
        let tokenizer: Tokenizer
        switch checkpoint.source {
        case .gguf(let file): tokenizer = try Tokenizer(gguf: file)
        case .huggingFace(let directory): tokenizer = try load(path: directory)
        }
        guard tokenizer.vocabularySize <= checkpoint.configuration.vocabularySize else {
            throw ModelFileError(path: checkpoint.path, reason: "the tokenizer has \(tokenizer.vocabularySize) tokens but the model only \(checkpoint.configuration.vocabularySize)")
        }
        return tokenizer
    }
}
