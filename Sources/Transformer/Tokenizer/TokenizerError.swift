/// A problem using a loaded tokenizer (problems loading one are `ModelFileError`s).
public enum TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A token id outside `0..<vocabularySize` was given to decode.
    case tokenIDOutOfRange(id: Int, vocabularySize: Int)
    /// A chat conversation was formatted but the model has no chat template.
    case noChatTemplate
    /// A chat conversation was formatted but the model's chat template is not one this library
    /// recognises; the associated value is the beginning of the template.
    case unsupportedChatTemplate(excerpt: String)
    /// A chat conversation was formatted but the model's chat template is longer than the limit
    /// (`ChatTemplate.maximumSourceSize`).
    case chatTemplateTooLarge(bytes: Int, limit: Int)

    /// A one-line explanation naming the problem.
    public var description: String {
        switch self {
        case .tokenIDOutOfRange(let id, let size):
            return "token id \(id) is out of range (the vocabulary has \(size) tokens, ids 0...\(size - 1))"
        case .noChatTemplate:
            return "the model has no chat template (tokenizer.chat_template); format the prompt as raw text instead"
        case .chatTemplateTooLarge(let bytes, let limit):
            return "the model's chat template is \(bytes) bytes long, more than the limit of \(limit); format the prompt as raw text instead"
        case .unsupportedChatTemplate(let excerpt):
            return "the model's chat template is not supported (only ChatML templates are recognised); it begins \(excerpt.debugDescription). Format the prompt as raw text instead"
        }
    }
}
