import Foundation

/// Turns text into token ids and back, for the vocabularies of LLaMA-architecture models.
///
/// Two tokenizer models are supported:
/// * **Byte-level BPE** (GGUF `tokenizer.ggml.model = "gpt2"`, or a `tokenizer.json` with a BPE
///   model and a ByteLevel pre-tokenizer): the text is cut into pieces by a pre-tokenizer (see
///   `preTokenizerName`), each piece's UTF-8 bytes are merged by rank, and decoding is plain
///   byte concatenation.
/// * **SentencePiece BPE** (GGUF `tokenizer.ggml.model = "llama"`, Llama 2 style): spaces become
///   `▁`, an optional `▁` is prefixed, characters are merged by token score, and characters
///   without a token fall back to `<0xNN>` byte tokens.
///
/// In both, special tokens (control, user-defined and unknown tokens, such as `<|im_start|>`)
/// written in the text are recognised as single tokens before anything else; a malformed
/// spelling like `<|im_start` stays text. Instances are immutable and safe to share.
public final class Tokenizer: Sendable {
    /// The tokenizer algorithm.
    public enum Model: String, Sendable {
        /// GPT-2 style byte-level BPE with merge ranks.
        case byteLevelBPE = "byte-level BPE"
        /// SentencePiece style BPE with token scores and byte fallback.
        case sentencePieceBPE = "SentencePiece BPE"
    }

    /// The tokenizer algorithm.
    public let model: Model
    /// Where the tokenizer came from (a file path or a description).
    public let source: String
    /// The pre-tokenizer in use: a GGUF `tokenizer.ggml.pre` name, `tokenizer.json`, or
    /// `sentencepiece`.
    public let preTokenizerName: String
    /// The beginning-of-sequence token, if the vocabulary names one.
    public let bosTokenID: Int?
    /// The end-of-sequence token, if the vocabulary names one.
    public let eosTokenID: Int?
    /// The unknown token, if the vocabulary names one.
    public let unknownTokenID: Int?
    /// Whether `encode(_:addSpecialTokens:)` puts the BOS token first when asked to add special
    /// tokens (GGUF `tokenizer.ggml.add_bos_token`).
    public let addsBOS: Bool
    /// Whether `encode(_:addSpecialTokens:)` puts the EOS token last when asked to add special
    /// tokens (GGUF `tokenizer.ggml.add_eos_token`).
    public let addsEOS: Bool
    /// Tokens that end generation: the EOS token plus end-of-turn tokens such as `<|im_end|>`,
    /// `<|endoftext|>`, `<|eot_id|>` and `<end_of_turn>` when the vocabulary has them as special
    /// tokens.
    public let stopTokenIDs: Set<Int>
    /// The model's chat template text (Jinja), if it has one.
    public let chatTemplateSource: String?
    /// The parsed chat template, or nil when the model has none or it cannot be parsed. Parsed on
    /// each use (in time linear in the template's size), so loading a tokenizer never pays for
    /// its template.
    public var chatTemplate: ChatTemplate? { chatTemplateSource.flatMap { try? ChatTemplate(source: $0) } }

    let vocabulary: Vocabulary
    let encoder: Encoder
    let specialTokens: SpecialTokenSplitter
    /// SentencePiece with `add_space_prefix`: decoding drops the leading space of the first token.
    let stripsLeadingSpace: Bool

    /// The model-specific part of encoding.
    enum Encoder: Sendable {
        case byteLevel(ByteLevelEncoder)
        case sentencePiece(SentencePieceEncoder)
    }

    /// Everything a tokenizer is made of; filled in by the GGUF and `tokenizer.json` loaders.
    struct Parts {
        var model: Model
        var source: String
        var preTokenizerName: String
        var vocabulary: Vocabulary
        var encoder: Encoder
        var specialTokens: SpecialTokenSplitter
        var bosTokenID: Int?
        var eosTokenID: Int?
        var unknownTokenID: Int?
        var addsBOS: Bool
        var addsEOS: Bool
        var extraStopTokenIDs: [Int]
        var chatTemplateSource: String?
        var stripsLeadingSpace: Bool
    }

    /// Texts of tokens that end a turn in common chat formats.
    static let endOfTurnSpellings: Set<String> = [
        "<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|eom_id|>", "<|end|>", "<end_of_turn>",
        "<|end_of_text|>", "<|return|>",
    ]

    init(parts: Parts) {
        model = parts.model
        source = parts.source
        preTokenizerName = parts.preTokenizerName
        vocabulary = parts.vocabulary
        encoder = parts.encoder
        specialTokens = parts.specialTokens
        bosTokenID = parts.bosTokenID
        eosTokenID = parts.eosTokenID
        unknownTokenID = parts.unknownTokenID
        addsBOS = parts.addsBOS && parts.bosTokenID != nil
        addsEOS = parts.addsEOS && parts.eosTokenID != nil
        stripsLeadingSpace = parts.stripsLeadingSpace
        var stops = Set(parts.extraStopTokenIDs)
        if let eos = parts.eosTokenID { stops.insert(eos) }
        for spelling in Tokenizer.endOfTurnSpellings {
            if let id = parts.vocabulary.idsByText[spelling], parts.vocabulary.types[id] != .normal { stops.insert(id) }
        }
        stopTokenIDs = stops
        chatTemplateSource = parts.chatTemplateSource
    }

    /// Loads the tokenizer of a GGUF file, a Hugging Face model directory (with
    /// `tokenizer.json`, and optionally `tokenizer_config.json` for the chat template and BOS/EOS
    /// settings), or a `tokenizer.json` file. Throws `ModelFileError` naming the problem.
    public static func load(path: String) throws -> Tokenizer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelFileError(path: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue {
            return try HFTokenizerLoader.load(directory: path)
        }
        if path.hasSuffix(".json") {
            return try HFTokenizerLoader.load(tokenizerJSON: path)
        }
        return try Tokenizer(gguf: GGUFFile(path: path))
    }

    /// The number of tokens in the vocabulary (valid ids are `0..<vocabularySize`).
    public var vocabularySize: Int { vocabulary.count }

    /// The stored spelling of token `id` (for example `Ġthe` or `<|im_start|>`), or nil when `id`
    /// is out of range.
    public func tokenString(_ id: Int) -> String? {
        id >= 0 && id < vocabulary.count ? vocabulary.tokens[id] : nil
    }

    /// The type of token `id`, or nil when `id` is out of range.
    public func tokenType(_ id: Int) -> TokenType? {
        id >= 0 && id < vocabulary.count ? vocabulary.types[id] : nil
    }

    /// The id whose stored spelling is exactly `spelling`, if any.
    public func tokenID(spelling: String) -> Int? { vocabulary.idsByText[spelling] }

    /// Whether generation should stop at token `id`.
    public func isStopToken(_ id: Int) -> Bool { stopTokenIDs.contains(id) }

    // MARK: - Encoding

    /// The token ids of `text`.
    ///
    /// - Parameters:
    ///   - addSpecialTokens: put BOS first and EOS last when the model asks for them (`addsBOS`,
    ///     `addsEOS`). SmolLM2 asks for neither.
    ///   - parseSpecialTokens: recognise control tokens such as `<|im_start|>` written in the
    ///     text. User-defined tokens are always recognised.
    public func encode(_ text: String, addSpecialTokens: Bool = true, parseSpecialTokens: Bool = true) -> [Int] {
        let bytes = Array(text.utf8)
        let fragments = specialTokens.split(bytes, parseSpecial: parseSpecialTokens)
        var output: [Int32] = []
        output.reserveCapacity(bytes.count / 3 + 4)
        if addSpecialTokens && addsBOS, let bos = bosTokenID { output.append(Int32(bos)) }
        switch encoder {
        case .byteLevel(let byteLevel):
            var session = ByteLevelEncoder.Session()
            for fragment in fragments {
                switch fragment {
                case .text(let range): byteLevel.encode(bytes[range], into: &output, session: &session)
                case .token(let id): output.append(id)
                }
            }
        case .sentencePiece(let sentencePiece):
            var scratch = ByteLevelBPE.Scratch()
            for fragment in fragments {
                switch fragment {
                case .text(let range): sentencePiece.encode(bytes[range], atTextStart: range.lowerBound == 0, into: &output, scratch: &scratch)
                case .token(let id): output.append(id)
                }
            }
        }
        if addSpecialTokens && addsEOS, let eos = eosTokenID { output.append(Int32(eos)) }
        return output.map { Int($0) }
    }

    /// The pieces the pre-tokenizer cuts `text` into before BPE, for inspection: for byte-level
    /// BPE after normalisation and any prefix space (pieces removed by a `Removed` split are left
    /// out); for SentencePiece the whole text with spaces escaped as `▁`. Special tokens are not
    /// recognised here.
    public func preTokenize(_ text: String) -> [String] {
        switch encoder {
        case .byteLevel(let byteLevel):
            return byteLevel.pieces(Array(text.utf8)[...])
        case .sentencePiece(let sentencePiece):
            let escaped = sentencePiece.escape(Array(text.utf8)[...], atTextStart: true)
            return sentencePiece.words(escaped).map { String(decoding: escaped[$0], as: UTF8.self) }
        }
    }

    // MARK: - Decoding

    /// The text of `ids`: the concatenated bytes of their tokens (no clean-up of spaces), with
    /// special tokens written out (for example `<|im_end|>`) unless `skipSpecialTokens`. Bytes
    /// that do not form valid UTF-8 (a character cut off at the end) become U+FFFD. Throws
    /// `TokenizerError.tokenIDOutOfRange` for an id outside the vocabulary.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) throws -> String {
        String(decoding: try decodeBytes(ids, skipSpecialTokens: skipSpecialTokens), as: UTF8.self)
    }

    /// The raw bytes of `ids` (see `decode(_:skipSpecialTokens:)`).
    public func decodeBytes(_ ids: [Int], skipSpecialTokens: Bool = false) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var first = true
        for id in ids {
            try appendPiece(id, skipSpecialTokens: skipSpecialTokens, first: &first, to: &bytes)
        }
        return bytes
    }

    /// Appends the bytes of token `id`; `first` tracks whether a token has been emitted yet (for
    /// SentencePiece's leading-space removal).
    func appendPiece(_ id: Int, skipSpecialTokens: Bool, first: inout Bool, to bytes: inout [UInt8]) throws {
        guard id >= 0 && id < vocabulary.count else {
            throw TokenizerError.tokenIDOutOfRange(id: id, vocabularySize: vocabulary.count)
        }
        let type = vocabulary.types[id]
        if skipSpecialTokens && type.isSpecial { return }
        let piece = vocabulary.pieces[id]
        if first && stripsLeadingSpace && type == .normal && piece.first == 0x20 {
            bytes.append(contentsOf: piece.dropFirst())
        } else {
            bytes.append(contentsOf: piece)
        }
        first = false
    }

    /// A decoder for ids arriving one at a time (during generation) that only ever returns
    /// complete UTF-8 characters.
    public func makeStreamingDecoder(skipSpecialTokens: Bool = false) -> StreamingDecoder {
        StreamingDecoder(tokenizer: self, skipSpecialTokens: skipSpecialTokens)
    }

    // MARK: - Chat

    /// Formats a conversation with the model's chat template, as transformers'
    /// `apply_chat_template` does; with `addGenerationPrompt` the text ends with the opening of an
    /// assistant turn. The template sees `messages`, `add_generation_prompt` and the spellings of
    /// `bos_token`, `eos_token` and `unk_token`. Throws `TokenizerError.noChatTemplate`,
    /// `.chatTemplateTooLarge`, `.unsupportedChatTemplate` (the template cannot be parsed) or
    /// `.chatTemplateFailed` (it rejects the conversation).
    public func applyChatTemplate(messages: [ChatMessage], addGenerationPrompt: Bool = true) throws -> String {
        guard let chatTemplateSource else { throw TokenizerError.noChatTemplate }
        var specialTokens: [String: String] = [:]
        for (name, id) in [("bos_token", bosTokenID), ("eos_token", eosTokenID), ("unk_token", unknownTokenID)] {
            if let id { specialTokens[name] = vocabulary.tokens[id] }
        }
        return try ChatTemplate(source: chatTemplateSource).render(messages: messages, addGenerationPrompt: addGenerationPrompt,
                                                                  specialTokens: specialTokens)
    }
}
