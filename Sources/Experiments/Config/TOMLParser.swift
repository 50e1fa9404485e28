/// A recursive-descent TOML reader over Unicode scalars.
///
/// It follows TOML 1.0 (comments, bare/quoted/dotted keys, `[table]` and `[[array of tables]]`
/// headers, all four string forms, integers in four bases, floats with `inf`/`nan`, booleans,
/// arrays, inline tables) with one leniency from TOML 1.1: inline tables may span lines and end
/// with a trailing comma. Dates and times are rejected with a clear message.
struct TOMLParser {
    private let text: [Unicode.Scalar]
    private var position = 0
    private var depth = 0
    private static let maximumDepth = 128

    init(_ source: String) {
        text = Array(source.unicodeScalars)
    }

    // MARK: Document structure

    /// A table under construction, remembering how it came to exist so that redefinitions can be
    /// rejected.
    private final class TableNode {
        enum Origin {
            /// Created as the parent of a `[header]` (may still be defined by its own header once).
            case implicit
            /// Defined by a `[header]` or as an element of `[[array of tables]]`.
            case header
            /// Created by a dotted key (`a.b = 1` creates `a`).
            case dotted
        }
        var origin: Origin
        var keys: [String] = []
        var entries: [String: Entry] = [:]
        init(_ origin: Origin) { self.origin = origin }

        func insert(_ key: String, _ entry: Entry) {
            keys.append(key)
            entries[key] = entry
        }

        func value() -> TOMLTable {
            var table = TOMLTable()
            for key in keys {
                switch entries[key] {
                case .value(let value)?: table[key] = value
                case .table(let node)?: table[key] = .table(node.value())
                case .tableArray(let nodes)?: table[key] = .array(nodes.map { .table($0.value()) })
                case nil: break
                }
            }
            return table
        }
    }

    private enum Entry {
        case value(TOMLValue)
        case table(TableNode)
        case tableArray([TableNode])
    }

    /// A key as written, with the place of each part for messages.
    private struct Key {
        var parts: [String]
        var starts: [Int]
        var dotted: String { parts.map(TOMLParser.display).joined(separator: ".") }
    }

    mutating func parseDocument() throws -> TOMLTable {
        let root = TableNode(.header)
        var current = root
        if peek() == "\u{FEFF}" { position += 1 }
        while !atEnd {
            skipSpaces()
            guard let scalar = peek() else { break }
            switch scalar {
            case "#":
                try skipComment()
            case "\n", "\r":
                try consumeNewline()
                continue
            case "[":
                current = try parseHeader(root: root)
            default:
                try parseKeyValue(into: current)
            }
            try expectEndOfLine()
        }
        return root.value()
    }

    private mutating func parseHeader(root: TableNode) throws -> TableNode {
        let headerStart = position
        position += 1
        let isArray = peek() == "["
        if isArray { position += 1 }
        skipSpaces()
        let key = try parseKey()
        skipSpaces()
        if isArray {
            guard peek() == "]", peek(1) == "]" else {
                throw error(at: position, "expected ']]' to close the array-of-tables header [[\(key.dotted)]]")
            }
            position += 2
        } else {
            guard peek() == "]" else { throw error(at: position, "expected ']' to close the table header [\(key.dotted)]") }
            position += 1
        }

        var node = root
        for (index, part) in key.parts.dropLast().enumerated() {
            let prefix = Key(parts: Array(key.parts[...index]), starts: []).dotted
            switch node.entries[part] {
            case nil:
                let child = TableNode(.implicit)
                node.insert(part, .table(child))
                node = child
            case .table(let child)?:
                node = child
            case .tableArray(let elements)?:
                node = elements[elements.count - 1]
            case .value(let value)?:
                throw error(at: key.starts[index], value.typeName == "table"
                    ? "cannot extend inline table '\(prefix)' with a header; inline tables are complete as written"
                    : "cannot use '\(prefix)' as a table: it already holds \(TOMLParser.describe(value))")
            }
        }
        let last = key.parts[key.parts.count - 1]
        let lastStart = key.starts[key.starts.count - 1]
        let name = key.dotted
        if isArray {
            switch node.entries[last] {
            case nil:
                let element = TableNode(.header)
                node.insert(last, .tableArray([element]))
                return element
            case .tableArray(let elements)?:
                let element = TableNode(.header)
                node.entries[last] = .tableArray(elements + [element])
                return element
            case .table?:
                throw error(at: lastStart, "cannot define array of tables [[\(name)]]: '\(name)' is already a table")
            case .value(let value)?:
                throw error(at: lastStart, "cannot define array of tables [[\(name)]]: '\(name)' already holds \(TOMLParser.describe(value))")
            }
        }
        switch node.entries[last] {
        case nil:
            let table = TableNode(.header)
            node.insert(last, .table(table))
            return table
        case .table(let table)?:
            switch table.origin {
            case .implicit:
                table.origin = .header
                return table
            case .header:
                throw error(at: headerStart, "table [\(name)] is defined more than once")
            case .dotted:
                throw error(at: headerStart, "table [\(name)] was already defined with dotted keys")
            }
        case .tableArray?:
            throw error(at: headerStart, "[\(name)] is an array of tables; add elements with [[\(name)]]")
        case .value(let value)?:
            throw error(at: lastStart, "cannot define table [\(name)]: '\(name)' already holds \(TOMLParser.describe(value))")
        }
    }

    /// Parses `key = value` and stores it in `table`, creating tables for dotted keys.
    private mutating func parseKeyValue(into table: TableNode) throws {
        let key = try parseKey()
        skipSpaces()
        guard peek() == "=" else {
            if let scalar = peek(), scalar != "\n", scalar != "\r" {
                throw error(at: position, "expected '=' after the key '\(key.dotted)', found \(TOMLParser.describe(scalar))")
            }
            throw error(at: position, "expected '=' after the key '\(key.dotted)'")
        }
        position += 1
        skipSpaces()
        let value = try parseValue()

        var node = table
        for (index, part) in key.parts.dropLast().enumerated() {
            let prefix = Key(parts: Array(key.parts[...index]), starts: []).dotted
            switch node.entries[part] {
            case nil:
                let child = TableNode(.dotted)
                node.insert(part, .table(child))
                node = child
            case .table(let child)? where child.origin == .dotted:
                node = child
            case .table(let child)? where child.origin == .implicit:
                // A parent created by a header may be filled by dotted keys, which define it:
                // a later [header] for it is then a redefinition.
                child.origin = .dotted
                node = child
            case .table?:
                throw error(at: key.starts[index], "cannot add to table '\(prefix)' with a dotted key: it was defined by a header")
            case .tableArray?:
                throw error(at: key.starts[index], "cannot add to array of tables '\(prefix)' with a dotted key")
            case .value(let existing)?:
                throw error(at: key.starts[index], existing.typeName == "table"
                    ? "cannot add to inline table '\(prefix)'; inline tables are complete as written"
                    : "cannot use '\(prefix)' as a table: it already holds \(TOMLParser.describe(existing))")
            }
        }
        let last = key.parts[key.parts.count - 1]
        if let existing = node.entries[last] {
            let what: String
            switch existing {
            case .value: what = "a value"
            case .table: what = "a table"
            case .tableArray: what = "an array of tables"
            }
            throw error(at: key.starts[key.starts.count - 1], "duplicate key '\(key.dotted)' (already defined as \(what))")
        }
        node.insert(last, .value(value))
    }

    // MARK: Keys

    private mutating func parseKey() throws -> Key {
        var key = Key(parts: [], starts: [])
        while true {
            key.starts.append(position)
            key.parts.append(try parseSimpleKey())
            skipSpaces()
            guard peek() == "." else { return key }
            position += 1
            skipSpaces()
        }
    }

    private mutating func parseSimpleKey() throws -> String {
        guard let scalar = peek() else { throw error(at: position, "expected a key, found the end of the file") }
        switch scalar {
        case "\"":
            if peek(1) == "\"", peek(2) == "\"" { throw error(at: position, "multi-line strings cannot be keys") }
            return try parseBasicString()
        case "'":
            if peek(1) == "'", peek(2) == "'" { throw error(at: position, "multi-line strings cannot be keys") }
            return try parseLiteralString()
        default:
            let start = position
            while let s = peek(), TOMLParser.isBareKeyScalar(s) { position += 1 }
            if position == start {
                throw error(at: position, "expected a key (letters, digits, '_', '-', or a quoted string), found \(TOMLParser.describe(scalar))")
            }
            return String(String.UnicodeScalarView(text[start..<position]))
        }
    }

    private static func isBareKeyScalar(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": return true
        default: return false
        }
    }

    // MARK: Values

    private mutating func parseValue() throws -> TOMLValue {
        guard let scalar = peek() else { throw error(at: position, "expected a value after '=', found the end of the file") }
        switch scalar {
        case "\"":
            if peek(1) == "\"", peek(2) == "\"" { return .string(try parseMultilineString(quote: "\"")) }
            return .string(try parseBasicString())
        case "'":
            if peek(1) == "'", peek(2) == "'" { return .string(try parseMultilineString(quote: "'")) }
            return .string(try parseLiteralString())
        case "[":
            return try nested { try $0.parseArray() }
        case "{":
            return try nested { try $0.parseInlineTable() }
        case "\n", "\r", "#":
            throw error(at: position, "expected a value after '=' on the same line")
        default:
            return try parseBareValue()
        }
    }

    private mutating func nested(_ body: (inout TOMLParser) throws -> TOMLValue) throws -> TOMLValue {
        depth += 1
        defer { depth -= 1 }
        guard depth <= TOMLParser.maximumDepth else {
            throw error(at: position, "arrays and inline tables are nested more than \(TOMLParser.maximumDepth) deep")
        }
        return try body(&self)
    }

    private mutating func parseArray() throws -> TOMLValue {
        let open = position
        position += 1
        var elements: [TOMLValue] = []
        while true {
            try skipBlanksAndComments(closing: "]", openedAt: open)
            if peek() == "]" { position += 1; return .array(elements) }
            elements.append(try parseValue())
            try skipBlanksAndComments(closing: "]", openedAt: open)
            switch peek() {
            case ","?: position += 1
            case "]"?: position += 1; return .array(elements)
            case let other?: throw error(at: position, "expected ',' or ']' in the array, found \(TOMLParser.describe(other))")
            case nil: throw error(at: open, "unterminated array: expected ']' before the end of the file")
            }
        }
    }

    private mutating func parseInlineTable() throws -> TOMLValue {
        let open = position
        position += 1
        let node = TableNode(.header)
        try skipBlanksAndComments(closing: "}", openedAt: open)
        if peek() == "}" { position += 1; return .table(node.value()) }
        while true {
            try parseKeyValue(into: node)
            try skipBlanksAndComments(closing: "}", openedAt: open)
            switch peek() {
            case ","?:
                position += 1
                try skipBlanksAndComments(closing: "}", openedAt: open)
                if peek() == "}" { position += 1; return .table(node.value()) }
            case "}"?:
                position += 1
                return .table(node.value())
            case let other?:
                throw error(at: position, "expected ',' or '}' in the inline table, found \(TOMLParser.describe(other))")
            case nil:
                throw error(at: open, "unterminated inline table: expected '}' before the end of the file")
            }
        }
    }

    /// Skips spaces, newlines and comments inside `[...]` or `{...}`.
    private mutating func skipBlanksAndComments(closing: Unicode.Scalar, openedAt open: Int) throws {
        while let scalar = peek() {
            switch scalar {
            case " ", "\t": position += 1
            case "\n", "\r": try consumeNewline()
            case "#": try skipComment()
            default: return
            }
        }
        let kind = closing == "]" ? "array" : "inline table"
        throw error(at: open, "unterminated \(kind): expected '\(closing)' before the end of the file")
    }

    /// Booleans, numbers, and the clear rejection of everything else that is not quoted.
    private mutating func parseBareValue() throws -> TOMLValue {
        let start = position
        while let s = peek(), !TOMLParser.endsBareValue(s) { position += 1 }
        let token = String(String.UnicodeScalarView(text[start..<position]))
        if token == "true" { return .boolean(true) }
        if token == "false" { return .boolean(false) }
        if token.isEmpty, let s = peek() {
            throw error(at: start, "expected a value (string, number, boolean, array or inline table), found \(TOMLParser.describe(s))")
        }
        if TOMLParser.looksLikeDateOrTime(token) {
            throw error(at: start, "dates and times are not supported by this reader (found '\(token)'); quote the value to use it as a string")
        }
        var unsigned = Substring(token)
        if unsigned.hasPrefix("+") || unsigned.hasPrefix("-") { unsigned = unsigned.dropFirst() }
        let isNumber = unsigned.count < token.count || unsigned == "inf" || unsigned == "nan"
            || unsigned.unicodeScalars.first.map { ("0"..."9").contains($0) || $0 == "." } == true
        guard isNumber else {
            throw error(at: start, "expected a value (string, number, boolean, array or inline table), found '\(token)'; strings must be quoted")
        }
        return try TOMLNumberReader.read(token) { message in self.error(at: start, message) }
    }

    private static func endsBareValue(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case " ", "\t", "\n", "\r", ",", "]", "}", "#", "[", "{", "=", "\"", "'": return true
        default: return false
        }
    }

    private static func looksLikeDateOrTime(_ token: String) -> Bool {
        let scalars = Array(token.unicodeScalars)
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= scalars.count && range.allSatisfy { ("0"..."9").contains(scalars[$0]) }
        }
        if digits(0..<4), scalars.count > 4, scalars[4] == "-" { return true }
        if digits(0..<2), scalars.count > 2, scalars[2] == ":" { return true }
        return false
    }

    // MARK: Strings

    private mutating func parseBasicString() throws -> String {
        let open = position
        position += 1
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                throw error(at: open, "unterminated string: expected '\"' before the end of the file")
            }
            switch scalar {
            case "\"":
                position += 1
                return String(result)
            case "\\":
                result.append(try parseEscape())
            case "\n", "\r":
                throw error(at: open, "unterminated string: basic strings end on the same line (use \"\"\" for multi-line strings)")
            default:
                try checkStringScalar(scalar)
                result.append(scalar)
                position += 1
            }
        }
    }

    /// A `"""` (basic: escapes apply) or `'''` (literal: no escapes) string spanning lines.
    private mutating func parseMultilineString(quote: Unicode.Scalar) throws -> String {
        let basic = quote == "\""
        let delimiter = String(repeating: Character(quote), count: 3)
        let open = position
        position += 3
        try skipFirstNewline()
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                throw error(at: open, "unterminated multi-line \(basic ? "" : "literal ")string: expected '\(delimiter)' before the end of the file")
            }
            switch scalar {
            case quote:
                var quotes = 0
                while peek(quotes) == quote { quotes += 1 }
                if quotes > 5 {
                    throw error(at: position, "too many quotes: at most two '\(quote)' may precede the closing '\(delimiter)'")
                }
                for _ in 0..<(quotes < 3 ? quotes : quotes - 3) { result.append(quote) }
                position += quotes
                if quotes >= 3 { return String(result) }
            case "\\" where basic:
                if try skipLineEndingBackslash() { continue }
                result.append(try parseEscape())
            case "\n":
                result.append("\n")
                position += 1
            case "\r":
                try consumeNewline()
                result.append("\n")
            default:
                try checkStringScalar(scalar)
                result.append(scalar)
                position += 1
            }
        }
    }

    private mutating func parseLiteralString() throws -> String {
        let open = position
        position += 1
        let start = position
        while true {
            guard let scalar = peek() else {
                throw error(at: open, "unterminated literal string: expected \"'\" before the end of the file")
            }
            switch scalar {
            case "'":
                let value = String(String.UnicodeScalarView(text[start..<position]))
                position += 1
                return value
            case "\n", "\r":
                throw error(at: open, "unterminated literal string: literal strings end on the same line (use ''' for multi-line strings)")
            default:
                try checkStringScalar(scalar)
                position += 1
            }
        }
    }

    /// A newline right after an opening `"""` or `'''` is not part of the string.
    private mutating func skipFirstNewline() throws {
        if peek() == "\n" { position += 1 } else if peek() == "\r" { try consumeNewline() }
    }

    /// In a multi-line basic string, `\` followed only by spaces up to the end of the line removes
    /// the line break and the whitespace that follows. Returns false when this backslash starts an
    /// ordinary escape.
    private mutating func skipLineEndingBackslash() throws -> Bool {
        var look = position + 1
        while look < text.count, text[look] == " " || text[look] == "\t" { look += 1 }
        guard look < text.count, text[look] == "\n" || text[look] == "\r" else { return false }
        position = look
        while let scalar = peek() {
            switch scalar {
            case " ", "\t": position += 1
            case "\n", "\r": try consumeNewline()
            default: return true
            }
        }
        return true
    }

    private mutating func parseEscape() throws -> Unicode.Scalar {
        let start = position
        position += 1
        guard let code = peek() else { throw error(at: start, "unterminated escape sequence at the end of the file") }
        position += 1
        switch code {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = code == "u" ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<count {
                guard let digit = peek(), let nibble = TOMLParser.hexValue(digit) else {
                    throw error(at: start, "escape \\\(code) needs exactly \(count) hexadecimal digits")
                }
                value = value << 4 | nibble
                position += 1
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw error(at: start, "escape \\\(code) names U+\(String(value, radix: 16, uppercase: true)), which is not a Unicode scalar value")
            }
            return scalar
        default:
            throw error(at: start, "invalid escape sequence \\\(code.escaped(asASCII: true)); valid escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX")
        }
    }

    private static func hexValue(_ s: Unicode.Scalar) -> UInt32? {
        switch s {
        case "0"..."9": return s.value - 48
        case "a"..."f": return s.value - 97 + 10
        case "A"..."F": return s.value - 65 + 10
        default: return nil
        }
    }

    private func checkStringScalar(_ scalar: Unicode.Scalar) throws {
        if TOMLParser.isForbiddenControl(scalar) {
            throw error(at: position, "control character \(TOMLParser.codePoint(scalar)) is not allowed in strings; escape it")
        }
    }

    private static func isForbiddenControl(_ s: Unicode.Scalar) -> Bool {
        (s.value < 0x20 && s != "\t") || s.value == 0x7F
    }

    // MARK: Whitespace, comments, newlines

    private var atEnd: Bool { position >= text.count }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let index = position + offset
        return index < text.count ? text[index] : nil
    }

    private mutating func skipSpaces() {
        while let s = peek(), s == " " || s == "\t" { position += 1 }
    }

    private mutating func skipComment() throws {
        position += 1
        while let scalar = peek(), scalar != "\n" {
            if scalar == "\r" {
                if peek(1) == "\n" { return }
                throw error(at: position, "a carriage return must be followed by a line feed")
            }
            if TOMLParser.isForbiddenControl(scalar) {
                throw error(at: position, "control character \(TOMLParser.codePoint(scalar)) is not allowed in comments")
            }
            position += 1
        }
    }

    private mutating func consumeNewline() throws {
        if peek() == "\r" {
            guard peek(1) == "\n" else { throw error(at: position, "a carriage return must be followed by a line feed") }
            position += 2
        } else {
            position += 1
        }
    }

    /// After a key/value pair or a header only spaces and a comment may follow on the line.
    private mutating func expectEndOfLine() throws {
        skipSpaces()
        if peek() == "#" { try skipComment() }
        guard let scalar = peek() else { return }
        guard scalar == "\n" || scalar == "\r" else {
            throw error(at: position, "expected the end of the line, found \(TOMLParser.describe(scalar)); put each key/value pair and header on its own line")
        }
        try consumeNewline()
    }

    // MARK: Messages

    private func error(at index: Int, _ message: String) -> TOMLError {
        var line = 1
        var lineStart = 0
        var i = 0
        let end = min(index, text.count)
        while i < end {
            if text[i] == "\n" {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        return TOMLError(line: line, column: end - lineStart + 1, message: message)
    }

    private static func describe(_ scalar: Unicode.Scalar) -> String {
        if scalar.value < 0x20 || scalar.value == 0x7F { return codePoint(scalar) }
        return "'\(scalar)'"
    }

    private static func describe(_ value: TOMLValue) -> String {
        switch value {
        case .integer, .array: return "an \(value.typeName)"
        case .table: return "an inline table"
        default: return "a \(value.typeName)"
        }
    }

    private static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// A key part as it would be written: bare when possible, quoted otherwise.
    fileprivate static func display(_ part: String) -> String {
        if !part.isEmpty, part.unicodeScalars.allSatisfy(isBareKeyScalar) { return part }
        var quoted = "\""
        for scalar in part.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}
