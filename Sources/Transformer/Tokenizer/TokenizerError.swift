/// A problem using a loaded tokenizer (problems loading one are `ModelFileError`s).
public enum TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A token id outside `0..<vocabularySize` was given to decode.
    case tokenIDOutOfRange(id: Int, vocabularySize: Int)
    /// A chat conversation was formatted but the model has no chat template.
    case noChatTemplate
    /// A chat conversation was formatted but the model's chat template is longer than the limit
    /// (`ChatTemplate.maximumSourceSize`).
    case chatTemplateTooLarge(bytes: Int, limit: Int)
    /// A chat conversation was formatted but the model's chat template cannot be parsed (a syntax
    /// error or a construct outside the supported Jinja subset); the reason names it.
    case unsupportedChatTemplate(reason: String)
    /// The chat template rejected the conversation (its `raise_exception`, for example roles
    /// that do not alternate) or exceeded the rendering limits.
    case chatTemplateFailed(reason: String)

    /// A one-line explanation naming the problem.
    public var description: String {
        switch self {
        case .tokenIDOutOfRange(let id, let size):
            return "token id \(id) is out of range (the vocabulary has \(size) tokens, ids 0...\(size - 1))"
        case .noChatTemplate:
            return "the model has no chat template (tokenizer.chat_template); format the prompt as raw text instead"
        case .chatTemplateTooLarge(let bytes, let limit):
            return "the model's chat template is \(bytes) bytes long, more than the limit of \(limit); format the prompt as raw text instead"
        case .unsupportedChatTemplate(let reason):
            return "the model's chat template is not supported: \(reason). Format the prompt as raw text instead"
        case .chatTemplateFailed(let reason):
            return "the model's chat template cannot format this conversation: \(reason)"
        }
    }
}
