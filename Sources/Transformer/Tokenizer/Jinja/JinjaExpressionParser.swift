/// Parses the tokens of one tag into a `JinjaExpression`, with Jinja's precedence: ternary `if`,
/// `or`, `and`, `not`, comparisons and `in`, `~`, `+ -`, `* / // %`, `**`, unary minus, then
/// postfix `.name`, `[…]`, calls, filters `|` and tests `is`.
///
/// A tag may hold at most `maximumTerms` operands and postfix operations, which bounds the depth
/// of the expression tree (and so the recursion of rendering it) whatever the tag's length.
struct ExpressionParser {
    /// Most operands, postfix operations, filters and tests in one tag (real templates use
    /// fewer than 30).
    static let maximumTerms = 256

    private let tokens: [JinjaParser.Token]
    private var index = 0
    private var depth = 0
    private var terms = 0

    /// Counts one more operand or postfix operation of this tag.
    private mutating func addTerm() throws {
        terms += 1
        if terms > ExpressionParser.maximumTerms { throw JinjaError("a tag has more than \(ExpressionParser.maximumTerms) terms") }
    }

    init(tokens: [JinjaParser.Token]) { self.tokens = tokens }

    /// The expression that is all of `tokens`.
    static func parse(_ tokens: [JinjaParser.Token]) throws -> JinjaExpression {
        var parser = ExpressionParser(tokens: tokens)
        return try parser.parseAll()
    }

    mutating func parseAll() throws -> JinjaExpression {
        let expression = try parseExpression(allowTernary: true)
        try expectEnd()
        return expression
    }

    func expectEnd() throws {
        if index < tokens.count { throw JinjaError("unexpected \(describe(tokens[index])) in a tag") }
    }

    private func describe(_ token: JinjaParser.Token) -> String {
        switch token {
        case .name(let name): return "`\(name)`"
        case .string(let value): return "string \(value.debugDescription)"
        case .int(let value): return "number \(value)"
        case .double(let value): return "number \(value)"
        case .symbol(let symbol): return "`\(symbol)`"
        }
    }

    private var current: JinjaParser.Token? { index < tokens.count ? tokens[index] : nil }

    mutating func accept(_ token: JinjaParser.Token) -> Bool {
        guard current == token else { return false }
        index += 1
        return true
    }

    private mutating func expect(_ token: JinjaParser.Token) throws {
        guard accept(token) else {
            throw JinjaError("expected \(describe(token)) but found \(current.map(describe) ?? "the end of the tag")")
        }
    }

    private mutating func name() throws -> String {
        guard case .name(let name)? = current else { throw JinjaError("expected a name but found \(current.map(describe) ?? "the end of the tag")") }
        index += 1
        return name
    }

    mutating func parseExpression(allowTernary: Bool) throws -> JinjaExpression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= JinjaParser.maximumDepth else { throw JinjaError("an expression is nested more than \(JinjaParser.maximumDepth) deep") }
        let value = try parseOr()
        guard allowTernary, accept(.name("if")) else { return value }
        let condition = try parseOr()
        let otherwise = accept(.name("else")) ? try parseExpression(allowTernary: true) : nil
        return .ternary(condition: condition, then: value, otherwise: otherwise)
    }

    private mutating func parseOr() throws -> JinjaExpression {
        var left = try parseAnd()
        while accept(.name("or")) { left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws -> JinjaExpression {
        var left = try parseNot()
        while accept(.name("and")) { left = .and(left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws -> JinjaExpression {
        if accept(.name("not")) {
            depth += 1
            defer { depth -= 1 }
            guard depth <= JinjaParser.maximumDepth else { throw JinjaError("an expression is nested more than \(JinjaParser.maximumDepth) deep") }
            return .not(try parseNot())
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws -> JinjaExpression {
        var left = try parseConcatenation()
        while true {
            if case .symbol(let symbol)? = current, ["==", "!=", "<", "<=", ">", ">="].contains(symbol) {
                index += 1
                left = .binary(symbol, left, try parseConcatenation())
            } else if accept(.name("in")) {
                left = .binary("in", left, try parseConcatenation())
            } else if current == .name("not"), index + 1 < tokens.count, tokens[index + 1] == .name("in") {
                index += 2
                left = .not(.binary("in", left, try parseConcatenation()))
            } else {
                return left
            }
        }
    }

    private mutating func parseConcatenation() throws -> JinjaExpression {
        var left = try parseSum()
        while accept(.symbol("~")) { left = .binary("~", left, try parseSum()) }
        return left
    }

    private mutating func parseSum() throws -> JinjaExpression {
        var left = try parseProduct()
        while case .symbol(let symbol)? = current, symbol == "+" || symbol == "-" {
            index += 1
            left = .binary(symbol, left, try parseProduct())
        }
        return left
    }

    private mutating func parseProduct() throws -> JinjaExpression {
        var left = try parsePower()
        while case .symbol(let symbol)? = current, ["*", "/", "//", "%"].contains(symbol) {
            index += 1
            left = .binary(symbol, left, try parsePower())
        }
        return left
    }

    private mutating func parsePower() throws -> JinjaExpression {
        var left = try parseUnary()
        while accept(.symbol("**")) { left = .binary("**", left, try parseUnary()) }
        return left
    }

    private mutating func parseUnary() throws -> JinjaExpression {
        if accept(.symbol("-")) {
            depth += 1
            defer { depth -= 1 }
            guard depth <= JinjaParser.maximumDepth else { throw JinjaError("an expression is nested more than \(JinjaParser.maximumDepth) deep") }
            return .negate(try parseUnary())
        }
        if accept(.symbol("+")) { return try parseUnary() }
        return try parseFiltersAndTests(try parsePostfix(try parsePrimary()))
    }

    private mutating func parsePrimary() throws -> JinjaExpression {
        guard let token = current else { throw JinjaError("an expression is missing") }
        try addTerm()
        index += 1
        switch token {
        case .string(var value):
            while case .string(let next)? = current {  // adjacent literals concatenate
                value += next
                index += 1
            }
            return .literal(.string(value))
        case .int(let value): return .literal(.int(value))
        case .double(let value): return .literal(.double(value))
        case .name(let name):
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(name)
            }
        case .symbol("("):
            let inner = try parseExpression(allowTernary: true)
            if accept(.symbol(",")) {  // a tuple: treated as a list
                var items = [inner]
                while current != .symbol(")") {
                    items.append(try parseExpression(allowTernary: true))
                    if !accept(.symbol(",")) { break }
                }
                try expect(.symbol(")"))
                return .list(items)
            }
            try expect(.symbol(")"))
            return inner
        case .symbol("["):
            var items: [JinjaExpression] = []
            while current != .symbol("]") {
                items.append(try parseExpression(allowTernary: true))
                if !accept(.symbol(",")) { break }
            }
            try expect(.symbol("]"))
            return .list(items)
        case .symbol("{"):
            var pairs: [(key: JinjaExpression, value: JinjaExpression)] = []
            while current != .symbol("}") {
                let key = try parseExpression(allowTernary: true)
                try expect(.symbol(":"))
                pairs.append((key, try parseExpression(allowTernary: true)))
                if !accept(.symbol(",")) { break }
            }
            try expect(.symbol("}"))
            return .dict(pairs)
        default:
            throw JinjaError("unexpected \(describe(token)) in an expression")
        }
    }

    private mutating func parsePostfix(_ base: JinjaExpression) throws -> JinjaExpression {
        var value = base
        while true {
            if let token = current, token == .symbol(".") || token == .symbol("[") || token == .symbol("(") { try addTerm() }
            if accept(.symbol(".")) {
                value = .attribute(value, try name())
            } else if accept(.symbol("[")) {
                value = try parseSubscript(value)
            } else if accept(.symbol("(")) {
                let (arguments, keywords) = try parseArguments()
                value = .call(value, arguments: arguments, keywords: keywords)
            } else {
                return value
            }
        }
    }

    /// After `[`: an index or a slice, through `]`.
    private mutating func parseSubscript(_ value: JinjaExpression) throws -> JinjaExpression {
        var parts: [JinjaExpression?] = [nil]
        var colons = 0
        while current != .symbol("]") {
            if accept(.symbol(":")) {
                colons += 1
                guard colons <= 2 else { throw JinjaError("a slice has more than three parts") }
                parts.append(nil)
                continue
            }
            guard parts[parts.count - 1] == nil else { throw JinjaError("expected `]` or `:` in a subscript") }
            parts[parts.count - 1] = try parseExpression(allowTernary: true)
        }
        try expect(.symbol("]"))
        if colons == 0 {
            guard let key = parts[0] else { throw JinjaError("an empty subscript []") }
            return .item(value, key)
        }
        return .slice(value, start: parts[0], stop: parts.count > 1 ? parts[1] : nil, step: parts.count > 2 ? parts[2] : nil)
    }

    /// After `(`: positional and keyword arguments, through `)`.
    private mutating func parseArguments() throws -> ([JinjaExpression], [(String, JinjaExpression)]) {
        var arguments: [JinjaExpression] = []
        var keywords: [(String, JinjaExpression)] = []
        while current != .symbol(")") {
            if case .name(let key)? = current, index + 1 < tokens.count, tokens[index + 1] == .symbol("=") {
                index += 2
                keywords.append((key, try parseExpression(allowTernary: true)))
            } else {
                arguments.append(try parseExpression(allowTernary: true))
            }
            if !accept(.symbol(",")) { break }
        }
        try expect(.symbol(")"))
        return (arguments, keywords)
    }

    private mutating func parseFiltersAndTests(_ base: JinjaExpression) throws -> JinjaExpression {
        var value = base
        while true {
            if current == .symbol("|") || current == .name("is") { try addTerm() }
            if accept(.symbol("|")) {
                let filter = try name()
                var arguments: [JinjaExpression] = []
                var keywords: [(String, JinjaExpression)] = []
                if accept(.symbol("(")) { (arguments, keywords) = try parseArguments() }
                value = try parsePostfix(.filter(value, name: filter, arguments: arguments, keywords: keywords))
            } else if accept(.name("is")) {
                let negated = accept(.name("not"))
                let test = try name()
                var arguments: [JinjaExpression] = []
                if accept(.symbol("(")) {
                    arguments = try parseArguments().0
                } else if let token = current, Self.startsTestArgument(token) {
                    arguments = [try parsePostfix(try parsePrimary())]
                }
                value = .test(value, name: test, arguments: arguments, negated: negated)
            } else {
                return value
            }
        }
    }

    /// Whether a token after `is name` is that test's argument (`is equalto 3`, `is sameas none`).
    private static func startsTestArgument(_ token: JinjaParser.Token) -> Bool {
        switch token {
        case .string, .int, .double: return true
        case .name(let name): return !["and", "or", "else", "if", "not", "in", "is"].contains(name)
        case .symbol: return false
        }
    }
}
