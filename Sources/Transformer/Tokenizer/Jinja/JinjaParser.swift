/// Parses chat template source into `JinjaNode`s, with the whitespace rules Hugging Face renders
/// templates with (`trim_blocks`, `lstrip_blocks`, and `-`/`+` markers).
///
/// The work is linear in the size of the source; nesting (of blocks and of parentheses) is
/// limited to `maximumDepth` so that hostile templates cannot exhaust the stack.
struct JinjaParser {
    /// The deepest nesting of blocks or expressions accepted.
    static let maximumDepth = 64

    /// A lexical token inside a tag.
    enum Token: Equatable {
        case name(String)
        case string(String)
        case int(Int)
        case double(Double)
        case symbol(String)
    }

    /// A piece of the template: text, an expression tag or a statement tag.
    enum Segment {
        case text(String)
        case expression([Token])
        case statement([Token])
    }

    /// The template's nodes; throws `JinjaError` naming the problem.
    static func parse(_ source: String) throws -> [JinjaNode] {
        var parser = JinjaParser(segments: try segments(source))
        let nodes = try parser.parseBlock(until: [], depth: 0)
        return nodes
    }

    private var segments: [Segment]
    private var position = 0

    private init(segments: [Segment]) { self.segments = segments }

    // MARK: - Segments and whitespace control

    static func segments(_ source: String) throws -> [Segment] {
        let s = Array(source.unicodeScalars)
        var result: [Segment] = []
        var text = String.UnicodeScalarView()
        var stripLeading = false   // after `-%}` / `-}}`
        var trimNewline = false    // after `%}` / `#}` (trim_blocks)
        var i = 0
        func flush() {
            if !text.isEmpty { result.append(.text(String(text))) }
            text = String.UnicodeScalarView()
        }
        while i < s.count {
            let c = s[i]
            if c == "{", i + 1 < s.count, s[i + 1] == "{" || s[i + 1] == "%" || s[i + 1] == "#" {
                let kind = s[i + 1]
                i += 2
                var keepLeft = false
                if i < s.count && s[i] == "-" {
                    while let last = text.last, last.properties.isWhitespace { text.removeLast() }
                    i += 1
                } else {
                    if i < s.count && s[i] == "+" {
                        keepLeft = true
                        i += 1
                    }
                    if kind != "{" && !keepLeft {
                        // lstrip_blocks: spaces and tabs between a line start (in the source) and
                        // the tag go.
                        var j = i - 2
                        var blanks = 0
                        while j > 0, s[j - 1] == " " || s[j - 1] == "\t" {
                            j -= 1
                            blanks += 1
                        }
                        if j == 0 || s[j - 1] == "\n" {
                            while blanks > 0, let last = text.last, last == " " || last == "\t" {
                                text.removeLast()
                                blanks -= 1
                            }
                        }
                    }
                }
                flush()
                let closer: Unicode.Scalar = kind == "{" ? "}" : kind == "%" ? "%" : "#"
                var content = String.UnicodeScalarView()
                var closed = false
                var quote: Unicode.Scalar?
                while i < s.count {
                    let t = s[i]
                    if kind != "#" {
                        if let q = quote {
                            content.append(t)
                            if t == "\\", i + 1 < s.count {
                                content.append(s[i + 1])
                                i += 2
                                continue
                            }
                            if t == q { quote = nil }
                            i += 1
                            continue
                        }
                        if t == "'" || t == "\"" { quote = t }
                    }
                    if t == closer, i + 1 < s.count, s[i + 1] == "}" {
                        i += 2
                        closed = true
                        break
                    }
                    content.append(t)
                    i += 1
                }
                guard closed else { throw JinjaError("a \(kind == "{" ? "{{" : kind == "%" ? "{%" : "{#") tag is not closed") }
                var inner = String(content)
                stripLeading = false
                var keepRight = false
                if inner.hasSuffix("-") {
                    inner.removeLast()
                    stripLeading = true
                } else if inner.hasSuffix("+") && kind != "{" {
                    inner.removeLast()
                    keepRight = true
                }
                trimNewline = kind != "{" && !keepRight
                switch kind {
                case "{": result.append(.expression(try tokens(inner)))
                case "%": result.append(.statement(try tokens(inner)))
                default: break
                }
                continue
            }
            if stripLeading && c.properties.isWhitespace {
                i += 1
                continue
            }
            stripLeading = false
            if trimNewline {
                trimNewline = false
                if c == "\n" {
                    i += 1
                    continue
                }
                if c == "\r", i + 1 < s.count, s[i + 1] == "\n" {
                    i += 2
                    continue
                }
            }
            text.append(c)
            i += 1
        }
        flush()
        return result
    }

    /// The tokens of a tag's content.
    static func tokens(_ content: String) throws -> [Token] {
        let s = Array(content.unicodeScalars)
        var result: [Token] = []
        var i = 0
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.value < 128 && c.properties.isAlphabetic) }
        func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
        while i < s.count {
            let c = s[i]
            if c.properties.isWhitespace {
                i += 1
            } else if isNameStart(c) {
                var j = i
                while j < s.count, isNameStart(s[j]) || isDigit(s[j]) { j += 1 }
                result.append(.name(String(String.UnicodeScalarView(s[i..<j]))))
                i = j
            } else if isDigit(c) {
                var j = i
                while j < s.count, isDigit(s[j]) || s[j] == "_" { j += 1 }
                var isDouble = false
                if j + 1 < s.count, s[j] == ".", isDigit(s[j + 1]) {
                    isDouble = true
                    j += 1
                    while j < s.count, isDigit(s[j]) { j += 1 }
                }
                let literal = String(String.UnicodeScalarView(s[i..<j])).replacingOccurrences(of: "_", with: "")
                if isDouble, let value = Double(literal) {
                    result.append(.double(value))
                } else if let value = Int(literal) {
                    result.append(.int(value))
                } else {
                    throw JinjaError("the number \(literal) is out of range")
                }
                i = j
            } else if c == "'" || c == "\"" {
                var value = String.UnicodeScalarView()
                var j = i + 1
                var closed = false
                while j < s.count {
                    let t = s[j]
                    if t == c {
                        closed = true
                        j += 1
                        break
                    }
                    if t == "\\", j + 1 < s.count {
                        let e = s[j + 1]
                        switch e {
                        case "n": value.append("\n")
                        case "t": value.append("\t")
                        case "r": value.append("\r")
                        case "\\", "'", "\"": value.append(e)
                        default:
                            value.append("\\")
                            value.append(e)
                        }
                        j += 2
                        continue
                    }
                    value.append(t)
                    j += 1
                }
                guard closed else { throw JinjaError("a string literal is not closed") }
                result.append(.string(String(value)))
                i = j
            } else {
                let two = i + 1 < s.count ? String(String.UnicodeScalarView([c, s[i + 1]])) : ""
                if ["//", "**", "==", "!=", "<=", ">="].contains(two) {
                    result.append(.symbol(two))
                    i += 2
                } else if "+-*/%~<>=()[]{}.,:|".unicodeScalars.contains(c) {
                    result.append(.symbol(String(c)))
                    i += 1
                } else {
                    throw JinjaError("unexpected character \(String(c).debugDescription) in a tag")
                }
            }
        }
        return result
    }

    // MARK: - Statements

    /// Parses nodes until a statement whose keyword is in `terminators` (left unconsumed);
    /// at the top level (`terminators` empty) until the end.
    private mutating func parseBlock(until terminators: Set<String>, depth: Int) throws -> [JinjaNode] {
        guard depth <= JinjaParser.maximumDepth else { throw JinjaError("blocks are nested more than \(JinjaParser.maximumDepth) deep") }
        var nodes: [JinjaNode] = []
        while position < segments.count {
            switch segments[position] {
            case .text(let text):
                nodes.append(.text(text))
                position += 1
            case .expression(let tokens):
                var expression = ExpressionParser(tokens: tokens)
                nodes.append(.output(try expression.parseAll()))
                position += 1
            case .statement(let tokens):
                guard case .name(let keyword)? = tokens.first else { throw JinjaError("a {% %} tag has no statement") }
                if terminators.contains(keyword) { return nodes }
                position += 1
                nodes.append(contentsOf: try parseStatement(keyword, Array(tokens.dropFirst()), depth: depth))
            }
        }
        guard terminators.isEmpty else {
            throw JinjaError("the template ends inside a block (expected \(terminators.sorted().map { "{% \($0) %}" }.joined(separator: " or ")))")
        }
        return nodes
    }

    /// The statement keyword the next segment starts with (the block parser stopped there).
    private mutating func takeTerminator() -> (String, [Token]) {
        guard position < segments.count, case .statement(let tokens) = segments[position], case .name(let keyword)? = tokens.first else {
            return ("", [])
        }
        position += 1
        return (keyword, Array(tokens.dropFirst()))
    }

    private mutating func parseStatement(_ keyword: String, _ tokens: [Token], depth: Int) throws -> [JinjaNode] {
        switch keyword {
        case "if":
            var branches: [(condition: JinjaExpression, body: [JinjaNode])] = []
            var condition = try ExpressionParser.parse(tokens)
            var otherwise: [JinjaNode] = []
            while true {
                let body = try parseBlock(until: ["elif", "else", "endif"], depth: depth + 1)
                branches.append((condition, body))
                let (end, rest) = takeTerminator()
                if end == "elif" {
                    condition = try ExpressionParser.parse(rest)
                    continue
                }
                if end == "else" {
                    otherwise = try parseBlock(until: ["endif"], depth: depth + 1)
                    _ = takeTerminator()
                }
                break
            }
            return [.conditional(branches, otherwise: otherwise)]
        case "for":
            var targets: [String] = []
            var index = 0
            while index < tokens.count, case .name(let name) = tokens[index], name != "in" {
                targets.append(name)
                index += 1
                if index < tokens.count, tokens[index] == .symbol(",") { index += 1 }
            }
            guard !targets.isEmpty, index < tokens.count, tokens[index] == .name("in") else {
                throw JinjaError("a {% for %} tag must read `for name in expression`")
            }
            var parser = ExpressionParser(tokens: Array(tokens[(index + 1)...]))
            let iterable = try parser.parseExpression(allowTernary: false)
            var filter: JinjaExpression?
            if parser.accept(.name("if")) { filter = try parser.parseExpression(allowTernary: false) }
            try parser.expectEnd()
            let body = try parseBlock(until: ["else", "endfor"], depth: depth + 1)
            var otherwise: [JinjaNode] = []
            if takeTerminator().0 == "else" {
                otherwise = try parseBlock(until: ["endfor"], depth: depth + 1)
                _ = takeTerminator()
            }
            return [.loop(targets: targets, iterable: iterable, filter: filter, body: body, otherwise: otherwise)]
        case "set":
            guard case .name(let name)? = tokens.first else { throw JinjaError("a {% set %} tag needs a name") }
            var rest = Array(tokens.dropFirst())
            var attribute: String?
            if rest.first == .symbol("."), rest.count > 1, case .name(let field) = rest[1] {
                attribute = field
                rest = Array(rest.dropFirst(2))
            }
            if rest.isEmpty, attribute == nil {
                let body = try parseBlock(until: ["endset"], depth: depth + 1)
                _ = takeTerminator()
                return [.capture(name: name, body: body)]
            }
            guard rest.first == .symbol("=") else { throw JinjaError("a {% set %} tag must read `set name = expression`") }
            return [.assignment(name: name, attribute: attribute, value: try ExpressionParser.parse(Array(rest.dropFirst())))]
        case "generation":
            // Marks assistant text for training masks; renders its body unchanged.
            let body = try parseBlock(until: ["endgeneration"], depth: depth + 1)
            _ = takeTerminator()
            return body
        case "break": return [.breakLoop]
        case "continue": return [.continueLoop]
        default:
            throw JinjaError("the statement {% \(keyword) %} is not supported")
        }
    }
}
