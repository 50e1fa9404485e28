/// What kind of vocabulary entry a token is; the values are GGUF's `tokenizer.ggml.token_type`
/// codes.
public enum TokenType: Int, Sendable, CaseIterable {
    /// An ordinary piece of text produced by merging.
    case normal = 1
    /// The unknown-token placeholder (`<unk>`).
    case unknown = 2
    /// A control token such as `<s>`, `<|im_start|>` or `<|endoftext|>`.
    case control = 3
    /// A token added by the model's authors that is matched literally in text.
    case userDefined = 4
    /// A reserved slot with no meaning.
    case unused = 5
    /// A SentencePiece byte-fallback token `<0xNN>`.
    case byte = 6

    /// Whether the token's text is recognised literally in input text (before pre-tokenizing):
    /// control, user-defined and unknown tokens.
    var isMatchedLiterally: Bool { self == .control || self == .userDefined || self == .unknown }

    /// Whether the token is special for decoding purposes (dropped when skipping special tokens).
    var isSpecial: Bool { self == .control || self == .unknown }
}
