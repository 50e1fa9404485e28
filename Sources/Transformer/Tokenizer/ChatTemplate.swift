/// One turn of a conversation.
public struct ChatMessage: Sendable, Equatable {
    /// `system`, `user`, `assistant` or another role the template accepts.
    public var role: String
    /// The text of the turn.
    public var content: String

    /// A message with `role` and `content`.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A model's chat template (Jinja, `tokenizer.chat_template`), parsed once and rendered the way
/// Hugging Face transformers' `apply_chat_template` renders it.
///
/// The template language is the subset of Jinja that chat templates use (see
/// Documentation/Tokenizers.md): text with `trim_blocks`/`lstrip_blocks` whitespace rules, `{{ }}`,
/// `{% if/elif/else %}`, `{% for %}` with `loop.*`, `{% set %}` (also of `namespace` attributes
/// and as a block), loop controls, Python-like expressions, the filters, tests and string/dict
/// methods templates call, and the globals `raise_exception`, `namespace`, `range` and
/// `strftime_now`. Parsing is linear in the template's size; rendering is bounded in steps and
/// output size.
public struct ChatTemplate: Sendable {
    /// The template text.
    public let source: String
    let nodes: [JinjaNode]

    /// Longest template text accepted, in UTF-8 bytes (real templates are under 20 KB).
    public static let maximumSourceSize = 256 * 1024

    /// Parses `source`; throws `TokenizerError.unsupportedChatTemplate` naming the problem (a
    /// syntax error or a construct outside the supported subset), or `.chatTemplateTooLarge` for
    /// a template longer than `maximumSourceSize`.
    public init(source: String) throws {
        guard source.utf8.count <= ChatTemplate.maximumSourceSize else {
            throw TokenizerError.chatTemplateTooLarge(bytes: source.utf8.count, limit: ChatTemplate.maximumSourceSize)
        }
        do {
            nodes = try JinjaParser.parse(source)
        } catch let error as JinjaError {
            throw TokenizerError.unsupportedChatTemplate(reason: error.description)
        }
        self.source = source
    }

    /// The text of `messages`, ending with the opening of an assistant turn when
    /// `addGenerationPrompt` (and the template supports it). `specialTokens` are the template
    /// variables `bos_token`, `eos_token`, … with their spellings. Throws
    /// `TokenizerError.chatTemplateFailed` when the template rejects the conversation (its
    /// `raise_exception`) or exceeds the rendering limits.
    public func render(messages: [ChatMessage], addGenerationPrompt: Bool, specialTokens: [String: String] = [:]) throws -> String {
        var variables: [String: JinjaValue] = [
            "messages": .list(messages.map { .dict(JinjaDict([("role", .string($0.role)), ("content", .string($0.content))])) }),
            "add_generation_prompt": .bool(addGenerationPrompt),
        ]
        for (name, spelling) in specialTokens { variables[name] = .string(spelling) }
        var renderer = JinjaRenderer(variables: variables)
        do {
            return try renderer.render(nodes)
        } catch let error as JinjaError {
            throw TokenizerError.chatTemplateFailed(reason: error.description)
        }
    }
}
