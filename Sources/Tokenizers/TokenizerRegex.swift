/// A small backtracking regular-expression engine over Unicode scalars, for the split patterns
/// of `tokenizer.json` pre-tokenizers.
///
/// It implements the Oniguruma/Perl semantics these patterns are written for: alternatives are
/// tried left to right, quantifiers are greedy unless followed by `?` (lazy) or `+` (possessive),
/// and the first successful match at the leftmost position wins. Supported syntax: literals and
/// escapes (`\r \n \t \f \v \0 \xHH \x{H…} \uHHHH`, escaped punctuation), `.`, classes `[…]` with
/// ranges, negation and nested escapes, `\p{…}`/`\P{…}` general categories (`\p{L}`, `\p{Lu}`,
/// `\pN`, …), `\s \S \d \D \w \W \b \B`, `^` and `$` (line anchors), groups `(…)`, `(?:…)`,
/// `(?i:…)`, `(?i)`, look-aheads `(?=…)` and `(?!…)`, and the quantifiers `* + ? {n} {n,} {n,m}`.
/// Anything else (look-behind, back-references, scripts such as `\p{Han}`) is a syntax error
/// naming the construct.
///
/// The tokenizer uses hand-written matchers for the common patterns (GPT-2, Llama 3, Qwen2);
/// this engine runs the others and is the slow twin of those matchers in the tests. Repetitions
/// of a single character class run iteratively; a repeated group recurses once per repetition.
struct TokenizerRegex: Sendable {
    /// The pattern as written.
    let pattern: String
    let root: Node

    /// A compiled pattern element.
    indirect enum Node: Sendable {
        case empty
        case scalar(ScalarSet)
        case sequence([Node])
        case alternation([Node])
        case repeated(Node, min: Int, max: Int, mode: RepeatMode)
        case lookahead(Node, negative: Bool)
        case lineStart
        case lineEnd
        case wordBoundary(negated: Bool)
    }

    /// How a quantifier backtracks.
    enum RepeatMode: Sendable { case greedy, lazy, possessive }

    /// Compiles `pattern`; throws `TokenizerRegexError` naming the problem and its position.
    init(_ pattern: String) throws {
        self.pattern = pattern
        var parser = Parser(scalars: Array(pattern.unicodeScalars))
        root = try parser.parseAll()
    }

    /// The non-empty matches in scalars `lo..<hi` of `buffer`, left to right and not
    /// overlapping; the text outside `lo..<hi` is invisible to the pattern.
    func matches(in buffer: ScalarBuffer, _ lo: Int, _ hi: Int) -> [(start: Int, end: Int)] {
        let matcher = Matcher(values: buffer.values, lo: lo, hi: hi)
        var result: [(start: Int, end: Int)] = []
        var start = lo
        while start < hi {
            var end = -1
            let found = matcher.match(root, start) { position in
                end = position
                return true
            }
            if found && end > start {
                result.append((start, end))
                start = end
            } else {
                start += 1
            }
        }
        return result
    }

    // MARK: - Matching

    private struct Matcher {
        let values: [UInt32]
        let lo: Int
        let hi: Int

        func match(_ node: Node, _ position: Int, _ next: (Int) -> Bool) -> Bool {
            switch node {
            case .empty:
                return next(position)
            case .scalar(let set):
                return position < hi && set.contains(values[position]) && next(position + 1)
            case .sequence(let nodes):
                return matchSequence(nodes, 0, position, next)
            case .alternation(let alternatives):
                for alternative in alternatives where match(alternative, position, next) { return true }
                return false
            case .repeated(let inner, let min, let max, let mode):
                if case .scalar(let set) = inner {
                    return matchSetRepetition(set, min: min, max: max, mode: mode, position, next)
                }
                switch mode {
                case .greedy, .lazy:
                    return matchRepetition(inner, min: min, max: max, lazy: mode == .lazy, count: 0, position, next)
                case .possessive:
                    // Take the longest run of repetitions greedily, then commit to it.
                    var end = position
                    var count = 0
                    while count < max {
                        var found = -1
                        _ = match(inner, end) { p in
                            found = p
                            return true
                        }
                        if found < 0 || found == end { break }
                        end = found
                        count += 1
                    }
                    return count >= min && next(end)
                }
            case .lookahead(let inner, let negative):
                let found = match(inner, position) { _ in true }
                return found != negative && next(position)
            case .lineStart:
                return (position == lo || values[position - 1] == 0x0A) && next(position)
            case .lineEnd:
                return (position == hi || values[position] == 0x0A) && next(position)
            case .wordBoundary(let negated):
                let before = position > lo && isWordScalar(values[position - 1])
                let after = position < hi && isWordScalar(values[position])
                return ((before != after) != negated) && next(position)
            }
        }

        private func matchSequence(_ nodes: [Node], _ index: Int, _ position: Int, _ next: (Int) -> Bool) -> Bool {
            if index == nodes.count { return next(position) }
            return match(nodes[index], position) { p in matchSequence(nodes, index + 1, p, next) }
        }

        private func matchSetRepetition(_ set: ScalarSet, min: Int, max: Int, mode: RepeatMode, _ position: Int, _ next: (Int) -> Bool) -> Bool {
            var count = 0
            while count < max && position + count < hi && set.contains(values[position + count]) { count += 1 }
            if count < min { return false }
            switch mode {
            case .greedy:
                var c = count
                while c >= min {
                    if next(position + c) { return true }
                    c -= 1
                }
                return false
            case .lazy:
                var c = min
                while c <= count {
                    if next(position + c) { return true }
                    c += 1
                }
                return false
            case .possessive:
                return next(position + count)
            }
        }

        private func matchRepetition(_ inner: Node, min: Int, max: Int, lazy: Bool, count: Int, _ position: Int, _ next: (Int) -> Bool) -> Bool {
            func more() -> Bool {
                guard count < max else { return false }
                return match(inner, position) { p in
                    // An empty iteration cannot make progress; stop repeating once min is met.
                    if p == position && count >= min { return false }
                    return matchRepetition(inner, min: min, max: max, lazy: lazy, count: count + 1, p, next)
                }
            }
            if lazy {
                if count >= min && next(position) { return true }
                return more()
            }
            if more() { return true }
            return count >= min && next(position)
        }

        private func isWordScalar(_ value: UInt32) -> Bool {
            let mask = ScalarSet.bit(.uppercaseLetter) | ScalarSet.bit(.lowercaseLetter) | ScalarSet.bit(.titlecaseLetter)
                | ScalarSet.bit(.modifierLetter) | ScalarSet.bit(.otherLetter) | ScalarSet.bit(.nonspacingMark)
                | ScalarSet.bit(.spacingMark) | ScalarSet.bit(.enclosingMark) | ScalarSet.bit(.decimalNumber)
                | ScalarSet.bit(.connectorPunctuation)
            return ScalarSet.categoryBit(of: value) & mask != 0
        }
    }

    // MARK: - Parsing

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0
        var caseInsensitive = false

        init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

        mutating func parseAll() throws -> Node {
            let node = try parseAlternation()
            if index < scalars.count {
                throw error("unbalanced \")\"")
            }
            return node
        }

        private func error(_ message: String) -> TokenizerRegexError {
            TokenizerRegexError(pattern: String(String.UnicodeScalarView(scalars)), position: index, message: message)
        }

        private var atEnd: Bool { index >= scalars.count }
        private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }

        private mutating func parseAlternation() throws -> Node {
            let savedFlag = caseInsensitive
            defer { caseInsensitive = savedFlag }
            var alternatives = [try parseSequence()]
            while peek() == "|" {
                index += 1
                alternatives.append(try parseSequence())
            }
            return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
        }

        private mutating func parseSequence() throws -> Node {
            var items: [Node] = []
            while let c = peek(), c != "|", c != ")" {
                if c == "(" && peek(1) == "?" && peek(2) == "i" && peek(3) == ")" {
                    index += 4
                    caseInsensitive = true
                    continue
                }
                var atom = try parseAtom()
                atom = try parseQuantifiers(atom)
                items.append(atom)
            }
            if items.isEmpty { return .empty }
            return items.count == 1 ? items[0] : .sequence(items)
        }

        private mutating func parseQuantifiers(_ atom: Node) throws -> Node {
            var node = atom
            while let c = peek() {
                var min = 0
                var max = Int.max
                switch c {
                case "*": index += 1
                case "+": index += 1; min = 1
                case "?": index += 1; max = 1
                case "{":
                    guard let bounds = try parseBraces() else { return node }
                    (min, max) = bounds
                default:
                    return node
                }
                if case .lineStart = node { throw error("quantifier after an anchor") }
                var mode = RepeatMode.greedy
                if peek() == "?" {
                    index += 1
                    mode = .lazy
                } else if peek() == "+" {
                    index += 1
                    mode = .possessive
                }
                node = .repeated(node, min: min, max: max, mode: mode)
            }
            return node
        }

        /// Parses `{n}`, `{n,}` or `{n,m}` at the current position; nil (and no input consumed)
        /// when the brace does not start a quantifier, in which case it is a literal.
        private mutating func parseBraces() throws -> (Int, Int)? {
            var j = index + 1
            func number() -> Int? {
                var value = 0
                var digits = 0
                while j < scalars.count, let d = Int(String(scalars[j])), scalars[j].isASCII {
                    value = value * 10 + d
                    digits += 1
                    j += 1
                    if value > 100_000 { return nil }
                }
                return digits > 0 ? value : nil
            }
            guard let low = number() else { return nil }
            var high = low
            if j < scalars.count && scalars[j] == "," {
                j += 1
                high = number() ?? Int.max
            }
            guard j < scalars.count && scalars[j] == "}" else { return nil }
            guard high >= low else { throw error("quantifier {\(low),\(high)} has max below min") }
            index = j + 1
            return (low, high)
        }

        private mutating func parseAtom() throws -> Node {
            guard let c = peek() else { throw error("unexpected end of pattern") }
            switch c {
            case "(":
                index += 1
                var lookahead: Bool?
                let savedFlag = caseInsensitive
                if peek() == "?" {
                    guard let kind = peek(1) else { throw error("unterminated group") }
                    switch kind {
                    case ":": index += 2
                    case "=": index += 2; lookahead = false
                    case "!": index += 2; lookahead = true
                    case "i" where peek(2) == ":": index += 3; caseInsensitive = true
                    case "<": throw error("look-behind and named groups are not supported")
                    default: throw error("group kind \"(?\(kind)\" is not supported")
                    }
                }
                let inner = try parseAlternation()
                caseInsensitive = savedFlag
                guard peek() == ")" else { throw error("missing \")\"") }
                index += 1
                if let negative = lookahead { return .lookahead(inner, negative: negative) }
                return inner
            case "[":
                index += 1
                return .scalar(try parseClass())
            case ".":
                index += 1
                return .scalar(ScalarSet(items: [.range(0x0A, 0x0A)], negated: true))
            case "^":
                index += 1
                return .lineStart
            case "$":
                index += 1
                return .lineEnd
            case "\\":
                index += 1
                guard let e = peek() else { throw error("pattern ends with a backslash") }
                switch e {
                case "b": index += 1; return .wordBoundary(negated: false)
                case "B": index += 1; return .wordBoundary(negated: true)
                default: return .scalar(try parseEscape(inClass: false))
                }
            case ")":
                throw error("unbalanced \")\"")
            case "*", "+", "?":
                throw error("quantifier \"\(c)\" has nothing to repeat")
            default:
                index += 1
                return .scalar(literal(c.value))
            }
        }

        private func literal(_ value: UInt32) -> ScalarSet {
            ScalarSet(items: [.range(value, value)], caseInsensitive: caseInsensitive)
        }

        /// Parses an escape after its backslash into a set.
        private mutating func parseEscape(inClass: Bool) throws -> ScalarSet {
            guard let e = peek() else { throw error("pattern ends with a backslash") }
            index += 1
            switch e {
            case "s": return ScalarSet(items: [.whitespace])
            case "S": return ScalarSet(items: [.whitespace], negated: true)
            case "d": return ScalarSet(items: [.categories(ScalarSet.bit(.decimalNumber))])
            case "D": return ScalarSet(items: [.categories(ScalarSet.bit(.decimalNumber))], negated: true)
            case "w", "W":
                let mask = (ScalarSet.categoryMask(named: "L") ?? 0) | (ScalarSet.categoryMask(named: "M") ?? 0)
                    | ScalarSet.bit(.decimalNumber) | ScalarSet.bit(.connectorPunctuation)
                return ScalarSet(items: [.categories(mask)], negated: e == "W")
            case "p", "P":
                var name: String
                if peek() == "{" {
                    index += 1
                    var text = ""
                    while let c = peek(), c != "}" {
                        text.unicodeScalars.append(c)
                        index += 1
                    }
                    guard peek() == "}" else { throw error("unterminated \\\(e){") }
                    index += 1
                    name = text
                } else {
                    guard let c = peek() else { throw error("\\\(e) needs a property name") }
                    index += 1
                    name = String(c)
                }
                var negated = e == "P"
                if name.hasPrefix("^") {
                    name.removeFirst()
                    negated.toggle()
                }
                guard let mask = ScalarSet.categoryMask(named: name) else {
                    throw error("Unicode property \\\(e){\(name)} is not supported (only general categories)")
                }
                return ScalarSet(items: [.categories(mask)], negated: negated)
            case "r": return literal(0x0D)
            case "n": return literal(0x0A)
            case "t": return literal(0x09)
            case "f": return literal(0x0C)
            case "v": return literal(0x0B)
            case "a": return literal(0x07)
            case "e": return literal(0x1B)
            case "0": return literal(0)
            case "x":
                if peek() == "{" {
                    index += 1
                    return literal(try parseHex(maxDigits: 8, terminator: "}"))
                }
                return literal(try parseHex(maxDigits: 2, terminator: nil))
            case "u":
                return literal(try parseHex(maxDigits: 4, terminator: nil))
            default:
                if e.properties.isAlphabetic || (e.isASCII && e.properties.numericType != nil) {
                    throw error("escape \\\(e) is not supported")
                }
                return literal(e.value)
            }
        }

        private mutating func parseHex(maxDigits: Int, terminator: Unicode.Scalar?) throws -> UInt32 {
            var value: UInt32 = 0
            var digits = 0
            while digits < maxDigits, let c = peek(), let d = UInt32(String(c), radix: 16) {
                value = value << 4 | d
                digits += 1
                index += 1
            }
            if let terminator {
                guard peek() == terminator else { throw error("unterminated hexadecimal escape") }
                index += 1
            } else if digits != maxDigits {
                throw error("hexadecimal escape needs \(maxDigits) digits")
            }
            guard digits > 0, value <= 0x10FFFF else { throw error("invalid hexadecimal escape") }
            return value
        }

        /// Parses a class after its `[` up to and including the closing `]`.
        private mutating func parseClass() throws -> ScalarSet {
            var negated = false
            if peek() == "^" {
                negated = true
                index += 1
            }
            var items: [ScalarSet.Item] = []
            var first = true
            while true {
                guard let c = peek() else { throw error("unterminated character class") }
                if c == "]" && !first { index += 1; break }
                first = false
                if c == "[" {
                    if peek(1) == ":" { throw error("POSIX classes [:name:] are not supported") }
                    index += 1
                    items.append(.set(try parseClass()))
                    continue
                }
                var lower: UInt32
                if c == "\\" {
                    index += 1
                    let escaped = try parseEscape(inClass: true)
                    // A single-scalar escape can start a range; anything else is a member set.
                    if case .range(let a, let b) = escaped.items.first, escaped.items.count == 1, a == b, !escaped.negated {
                        lower = a
                    } else {
                        items.append(.set(escaped))
                        continue
                    }
                } else {
                    index += 1
                    lower = c.value
                }
                if peek() == "-", let after = peek(1), after != "]" {
                    index += 1
                    var upper: UInt32
                    if after == "\\" {
                        index += 1
                        let escaped = try parseEscape(inClass: true)
                        guard case .range(let a, let b) = escaped.items.first, escaped.items.count == 1, a == b else {
                            throw error("a range must end with a single character")
                        }
                        upper = a
                    } else {
                        index += 1
                        upper = after.value
                    }
                    guard upper >= lower else { throw error("range out of order in character class") }
                    items.append(.range(lower, upper))
                } else {
                    items.append(.range(lower, lower))
                }
            }
            return ScalarSet(items: items, negated: negated, caseInsensitive: caseInsensitive)
        }
    }
}

/// A split pattern that `TokenizerRegex` cannot compile, with the reason and the position (in
/// Unicode scalars) where parsing stopped.
struct TokenizerRegexError: Error, CustomStringConvertible {
    let pattern: String
    let position: Int
    let message: String
    var description: String { "regex \(pattern.debugDescription) at position \(position): \(message)" }
}
