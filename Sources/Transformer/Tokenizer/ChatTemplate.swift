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

/// A chat format, recognised from a model's Jinja chat template (`tokenizer.chat_template`).
///
/// Templates are not interpreted; known template texts are recognised (ignoring whitespace
/// inside `{{ }}`/`{% %}` tags and the quoting style of strings) and rendered by Swift code.
public enum ChatTemplate: Sendable, Equatable {
    /// ChatML: each message as `<|im_start|>role\ncontent<|im_end|>\n`, and
    /// `<|im_start|>assistant\n` as the generation prompt. With a default system message (as in
    /// SmolLM2's template), that system turn is inserted first when the first message is not a
    /// system message.
    case chatML(defaultSystemMessage: String?)

    /// Longest template text accepted, in UTF-8 bytes (real templates are under 20 KB).
    public static let maximumSourceSize = 256 * 1024

    /// The template that `source` is, or nil when it is not recognised or longer than
    /// `maximumSourceSize`. Costs time linear in the size of `source`.
    public init?(recognizing source: String) {
        guard source.utf8.count <= ChatTemplate.maximumSourceSize, let form = ChatTemplate.canonicalForm(source) else { return nil }
        for variant in ChatTemplate.chatMLVariants {
            if form == variant.plain {
                self = .chatML(defaultSystemMessage: nil)
                return
            }
            if form.count >= variant.prefix.count + variant.suffix.count,
               form.hasPrefix(variant.prefix), form.hasSuffix(variant.suffix) {
                let middle = form.dropFirst(variant.prefix.count).dropLast(variant.suffix.count)
                if let message = ChatTemplate.unescape(String(middle)) {
                    self = .chatML(defaultSystemMessage: message)
                    return
                }
            }
        }
        return nil
    }

    /// The text of `messages` in this format, ending with the opening of an assistant turn when
    /// `addGenerationPrompt`.
    public func render(messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        switch self {
        case .chatML(let defaultSystemMessage):
            var text = ""
            for (index, message) in messages.enumerated() {
                if index == 0, let defaultSystemMessage, message.role != "system" {
                    text += "<|im_start|>system\n\(defaultSystemMessage)<|im_end|>\n"
                }
                text += "<|im_start|>\(message.role)\n\(message.content)<|im_end|>\n"
            }
            if addGenerationPrompt { text += "<|im_start|>assistant\n" }
            return text
        }
    }

    // MARK: - Recognition

    private static let placeholder = "\u{1}DEFAULT_SYSTEM\u{1}"

    /// Canonical forms of the ChatML templates: `plain` without a default system message, and
    /// the parts before and after the (escaped) default system message.
    private static let chatMLVariants: [(plain: String, prefix: String, suffix: String)] = {
        let loop = "{% for message in messages %}"
        let defaultSystem = "{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\n\(placeholder)<|im_end|>\\n' }}{% endif %}"
        let bodies = [
            "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}",
            "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n'}}",
        ]
        let end = "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
        var variants: [(String, String, String)] = []
        for body in bodies {
            guard let plain = canonicalForm(loop + body + end),
                  let withDefault = canonicalForm(loop + defaultSystem + body + end),
                  let marker = withDefault.range(of: placeholder) else { continue }
            variants.append((plain, String(withDefault[..<marker.lowerBound]), String(withDefault[marker.upperBound...])))
        }
        return variants
    }()

    /// The template with whitespace control applied as Hugging Face renders it (`trim_blocks`,
    /// `lstrip_blocks`, `-` markers), comments removed, whitespace inside tags removed and string
    /// literals re-quoted canonically; nil when a tag or string is not closed.
    static func canonicalForm(_ source: String) -> String? {
        let s = Array(source)
        var out: [Character] = []
        out.reserveCapacity(s.count)
        // Where the trailing run of spaces and tabs of `out` starts (`out.count` when none), kept
        // up to date so that lstrip_blocks costs O(1) per tag: the whole pass stays linear.
        var blankRunStart = 0
        func append(_ c: Character) {
            out.append(c)
            if c != " " && c != "\t" { blankRunStart = out.count }
        }
        func append(_ text: String) { for c in text { append(c) } }
        var i = 0
        var skipWhitespace = false     // after a `-%}` / `-}}`
        var skipOneNewline = false     // after `%}` (trim_blocks)
        while i < s.count {
            let c = s[i]
            if c == "{", i + 1 < s.count, s[i + 1] == "{" || s[i + 1] == "%" || s[i + 1] == "#" {
                let kind = s[i + 1]
                let close: Character = kind == "{" ? "}" : kind == "%" ? "%" : "#"
                i += 2
                var trimBefore = false
                if i < s.count && s[i] == "-" {
                    trimBefore = true
                    i += 1
                } else if i < s.count && s[i] == "+" {
                    i += 1
                }
                if trimBefore {
                    while let last = out.last, last.isWhitespace { out.removeLast() }
                    blankRunStart = out.count
                } else if kind == "%" || kind == "#" {
                    // lstrip_blocks: drop spaces and tabs between a line start and the tag.
                    if blankRunStart == 0 || out[blankRunStart - 1] == "\n" {
                        out.removeSubrange(blankRunStart...)
                    }
                }
                var tag = ""
                var closed = false
                var trimAfter = false
                while i < s.count {
                    let t = s[i]
                    if t == "'" || t == "\"" {
                        guard let (literal, next) = readString(s, i) else { return nil }
                        if kind != "#" { tag += quote(literal) }
                        i = next
                        continue
                    }
                    if (t == "-" || t == "+"), i + 2 < s.count, s[i + 1] == close, s[i + 2] == "}" {
                        trimAfter = t == "-"
                        i += 3
                        closed = true
                        break
                    }
                    if t == close, i + 1 < s.count, s[i + 1] == "}" {
                        i += 2
                        closed = true
                        break
                    }
                    if !t.isWhitespace && kind != "#" { tag.append(t) }
                    i += 1
                }
                guard closed else { return nil }
                if kind != "#" {
                    append(kind == "{" ? "{{" + tag + "}}" : "{%" + tag + "%}")
                }
                skipWhitespace = trimAfter
                skipOneNewline = kind != "{"
                continue
            }
            if skipWhitespace && c.isWhitespace {
                i += 1
                continue
            }
            skipWhitespace = false
            if skipOneNewline && c == "\n" {
                skipOneNewline = false
                i += 1
                continue
            }
            skipOneNewline = false
            append(c)
            i += 1
        }
        return String(out)
    }

    /// Reads a Jinja string literal starting at its quote; returns its value and the index after
    /// the closing quote.
    private static func readString(_ s: [Character], _ start: Int) -> (String, Int)? {
        let quoteCharacter = s[start]
        var value = ""
        var i = start + 1
        while i < s.count {
            let c = s[i]
            if c == quoteCharacter { return (value, i + 1) }
            if c == "\\", i + 1 < s.count {
                let e = s[i + 1]
                switch e {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                default: value.append(e)
                }
                i += 2
                continue
            }
            value.append(c)
            i += 1
        }
        return nil
    }

    /// A canonical single-quoted spelling of a string value.
    private static func quote(_ value: String) -> String {
        var text = "'"
        for c in value {
            switch c {
            case "\\": text += "\\\\"
            case "'": text += "\\'"
            case "\n": text += "\\n"
            case "\t": text += "\\t"
            case "\r": text += "\\r"
            default: text.append(c)
            }
        }
        return text + "'"
    }

    /// Inverts `quote` for the inside of a literal; nil when the text contains an unescaped quote.
    private static func unescape(_ text: String) -> String? {
        var value = ""
        var escaping = false
        for c in text {
            if escaping {
                switch c {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                default: value.append(c)
                }
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else if c == "'" {
                return nil
            } else {
                value.append(c)
            }
        }
        return escaping ? nil : value
    }
}
