import Foundation

/// The operators, global functions, filters, tests and methods available to chat templates.
enum JinjaBuiltins {
    // MARK: - Operators

    static func binary(_ op: String, _ a: JinjaValue, _ b: JinjaValue) throws -> JinjaValue {
        switch op {
        case "~":
            return .string(a.text + b.text)
        case "==":
            return .bool(JinjaValue.equal(a, b))
        case "!=":
            return .bool(!JinjaValue.equal(a, b))
        case "in":
            switch b {
            case .string(let text):
                guard case .string(let part) = a else { throw JinjaError("`in <string>` needs a string on the left, not a \(a.typeName)") }
                return .bool(part.isEmpty || text.contains(part))
            case .list(let items): return .bool(items.contains { JinjaValue.equal($0, a) })
            case .dict(let dict): return .bool(dict[a.text] != nil && { if case .string = a { return true } else { return false } }())
            case .undefined: throw JinjaError("`in` an undefined value")
            default: throw JinjaError("`in` needs a string, list or mapping on the right, not a \(b.typeName)")
            }
        case "<", "<=", ">", ">=":
            let order: Int
            if case .string(let x) = a, case .string(let y) = b {
                order = x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? -1 : x == y ? 0 : 1
            } else if let x = a.number, let y = b.number {
                order = x < y ? -1 : x == y ? 0 : 1
            } else {
                throw JinjaError("cannot compare a \(a.typeName) with a \(b.typeName)")
            }
            switch op {
            case "<": return .bool(order < 0)
            case "<=": return .bool(order <= 0)
            case ">": return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case "+":
            switch (a, b) {
            case (.string(let x), .string(let y)): return .string(x + y)
            case (.list(let x), .list(let y)): return .list(x + y)
            default: return try arithmetic(op, a, b)
            }
        case "*":
            if case .string(let text) = a, case .int(let count) = b { return .string(try repeated(text, count)) }
            if case .int(let count) = a, case .string(let text) = b { return .string(try repeated(text, count)) }
            return try arithmetic(op, a, b)
        default:
            return try arithmetic(op, a, b)
        }
    }

    private static func repeated(_ text: String, _ count: Int) throws -> String {
        guard count <= 0 || text.utf8.count * count <= JinjaRenderer.maximumOutput else { throw JinjaError("a repeated string is too long") }
        return String(repeating: text, count: max(count, 0))
    }

    private static func arithmetic(_ op: String, _ a: JinjaValue, _ b: JinjaValue) throws -> JinjaValue {
        func failure() -> JinjaError { JinjaError("unsupported operand types for \(op): \(a.typeName) and \(b.typeName)") }
        if case .int(let x) = a, case .int(let y) = b {
            switch op {
            case "+": return .int(x &+ y)
            case "-": return .int(x &- y)
            case "*": return .int(x &* y)
            case "/":
                guard y != 0 else { throw JinjaError("division by zero") }
                return .double(Double(x) / Double(y))
            case "//", "%":
                guard y != 0 else { throw JinjaError("division by zero") }
                var quotient = x / y
                if (x % y != 0) && ((x < 0) != (y < 0)) { quotient -= 1 }
                return op == "//" ? .int(quotient) : .int(x - quotient * y)
            case "**":
                guard y >= 0, y < 64 else { return .double(pow(Double(x), Double(y))) }
                var result = 1
                for _ in 0..<y { result = result &* x }
                return .int(result)
            default: throw failure()
            }
        }
        guard let x = a.number, let y = b.number else { throw failure() }
        return try doubleArithmetic(op, x, y)
    }

    private static func doubleArithmetic(_ op: String, _ x: Double, _ y: Double) throws -> JinjaValue {
        switch op {
        case "+": return .double(x + y)
        case "-": return .double(x - y)
        case "*": return .double(x * y)
        case "/", "//", "%":
            guard y != 0 else { throw JinjaError("division by zero") }
            if op == "/" { return .double(x / y) }
            let quotient = (x / y).rounded(.down)
            return op == "//" ? .double(quotient) : .double(x - quotient * y)
        case "**": return .double(pow(x, y))
        default: throw JinjaError("unsupported operator \(op)")
        }
    }

    // MARK: - Global functions

    static func function(_ name: String, _ arguments: [JinjaValue], _ keywords: [(String, JinjaValue)]) throws -> JinjaValue {
        switch name {
        case "raise_exception":
            throw JinjaError("the template raised an error: \(arguments.first?.text ?? "")")
        case "namespace":
            let namespace = JinjaNamespace()
            if case .dict(let initial)? = arguments.first {
                for key in initial.keys { namespace.attributes[key] = initial[key] }
            }
            for (key, value) in keywords { namespace.attributes[key] = value }
            return .namespace(namespace)
        case "range":
            let bounds = try arguments.map { value -> Int in
                guard case .int(let x) = value else { throw JinjaError("range() needs integers") }
                return x
            }
            let (lower, upper, stride): (Int, Int, Int)
            switch bounds.count {
            case 1: (lower, upper, stride) = (0, bounds[0], 1)
            case 2: (lower, upper, stride) = (bounds[0], bounds[1], 1)
            case 3: (lower, upper, stride) = (bounds[0], bounds[1], bounds[2])
            default: throw JinjaError("range() takes 1 to 3 arguments")
            }
            guard stride != 0 else { throw JinjaError("range() step cannot be zero") }
            let count = stride > 0 ? max(0, (upper - lower + stride - 1) / stride) : max(0, (lower - upper - stride - 1) / -stride)
            guard count <= JinjaRenderer.maximumRange else { throw JinjaError("range() of \(count) items is more than \(JinjaRenderer.maximumRange)") }
            return .list((0..<count).map { .int(lower + $0 * stride) })
        case "strftime_now":
            guard case .string(let format)? = arguments.first else { throw JinjaError("strftime_now() needs a format string") }
            return .string(formatNow(format))
        default:
            throw JinjaError("the function \(name)() is not supported")
        }
    }

    /// The current local time formatted with C `strftime`.
    private static func formatNow(_ format: String) -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [Int8](repeating: 0, count: 256)
        let length = strftime(&buffer, buffer.count, String(format.prefix(64)), &parts)
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - Methods

    static func method(_ base: JinjaValue, _ name: String, _ arguments: [JinjaValue]) throws -> JinjaValue {
        func stringArgument(_ index: Int) throws -> String? {
            guard index < arguments.count else { return nil }
            switch arguments[index] {
            case .string(let text): return text
            case .none: return nil
            default: throw JinjaError("\(name)() needs a string argument")
            }
        }
        switch base {
        case .string(let text):
            switch name {
            case "strip", "lstrip", "rstrip":
                let characters = try stringArgument(0).map { Set($0.unicodeScalars) }
                let isStripped: (Unicode.Scalar) -> Bool = { characters?.contains($0) ?? $0.properties.isWhitespace }
                var scalars = Substring(text).unicodeScalars
                if name != "rstrip" { while let first = scalars.first, isStripped(first) { scalars.removeFirst() } }
                if name != "lstrip" { while let last = scalars.last, isStripped(last) { scalars.removeLast() } }
                return .string(String(scalars))
            case "startswith", "endswith":
                let candidates: [String]
                if case .list(let items)? = arguments.first { candidates = items.map(\.text) } else { candidates = [try stringArgument(0) ?? ""] }
                return .bool(candidates.contains { name == "startswith" ? text.unicodeScalars.starts(with: $0.unicodeScalars)
                                                                       : text.unicodeScalars.reversed().starts(with: $0.unicodeScalars.reversed()) })
            case "split":
                return .list(try split(text, separator: try stringArgument(0), limit: arguments.count > 1 ? arguments[1] : nil).map { .string($0) })
            case "upper": return .string(text.uppercased())
            case "lower": return .string(text.lowercased())
            case "title": return .string(title(text))
            case "capitalize": return .string(text.prefix(1).uppercased() + text.dropFirst().lowercased())
            case "replace":
                guard let old = try stringArgument(0), let new = try stringArgument(1) else { throw JinjaError("replace() needs two strings") }
                return .string(old.isEmpty ? text : text.replacingOccurrences(of: old, with: new))
            default: break
            }
        case .dict(let dict):
            switch name {
            case "items": return .list(dict.keys.map { .list([.string($0), dict[$0] ?? .none]) })
            case "keys": return .list(dict.keys.map { .string($0) })
            case "values": return .list(dict.keys.map { dict[$0] ?? .none })
            case "get":
                guard case .string(let key)? = arguments.first else { throw JinjaError("get() needs a key") }
                return dict[key] ?? (arguments.count > 1 ? arguments[1] : .none)
            default: break
            }
        default:
            break
        }
        throw JinjaError("a \(base.typeName) has no method \(name)()")
    }

    /// Python `str.split`: on runs of whitespace without a separator, else on the separator.
    private static func split(_ text: String, separator: String?, limit: JinjaValue?) throws -> [String] {
        var maximum = Int.max
        if case .int(let value)? = limit, value >= 0 { maximum = value }
        guard let separator else {
            var parts: [String] = []
            var rest = Substring(text).drop { $0.isWhitespace }
            while !rest.isEmpty {
                if parts.count == maximum {
                    parts.append(String(rest))
                    break
                }
                let word = rest.prefix { !$0.isWhitespace }
                parts.append(String(word))
                rest = rest.dropFirst(word.count).drop { $0.isWhitespace }
            }
            return parts
        }
        guard !separator.isEmpty else { throw JinjaError("split() separator is empty") }
        var parts: [String] = []
        var rest = Substring(text)
        while parts.count < maximum, let range = rest.range(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }

    /// Python `str.title`: each run of letters starts upper-case and continues lower-case.
    private static func title(_ text: String) -> String {
        var result = ""
        var previousIsLetter = false
        for c in text {
            result += previousIsLetter ? c.lowercased() : c.uppercased()
            previousIsLetter = c.isLetter
        }
        return result
    }

    // MARK: - Filters

    static func filter(_ name: String, _ value: JinjaValue, _ arguments: [JinjaValue], _ keywords: [(String, JinjaValue)]) throws -> JinjaValue {
        func keyword(_ key: String, _ position: Int) -> JinjaValue? {
            keywords.first { $0.0 == key }?.1 ?? (position < arguments.count ? arguments[position] : nil)
        }
        switch name {
        case "trim":
            return try method(.string(value.text), "strip", [])
        case "length", "count":
            switch value {
            case .string(let text): return .int(text.count)
            case .list(let items): return .int(items.count)
            case .dict(let dict): return .int(dict.keys.count)
            default: throw JinjaError("a \(value.typeName) has no length")
            }
        case "upper", "lower", "title", "capitalize":
            return try method(.string(value.text), name, [])
        case "string":
            return .string(value.text)
        case "int":
            switch value {
            case .int: return value
            case .double(let x): return .int(Int(x))
            case .string(let text): return .int(Int(text.trimmingCharacters(in: .whitespaces)) ?? 0)
            case .bool(let flag): return .int(flag ? 1 : 0)
            default: return .int(0)
            }
        case "first", "last":
            guard let items = value.elements else { throw JinjaError("a \(value.typeName) has no \(name) item") }
            return (name == "first" ? items.first : items.last) ?? .undefined
        case "list":
            guard let items = value.elements else { throw JinjaError("cannot make a list of a \(value.typeName)") }
            return .list(items)
        case "reverse":
            if case .string(let text) = value { return .string(String(text.reversed())) }
            guard let items = value.elements else { throw JinjaError("cannot reverse a \(value.typeName)") }
            return .list(items.reversed())
        case "join":
            guard let items = value.elements else { throw JinjaError("cannot join a \(value.typeName)") }
            return .string(items.map(\.text).joined(separator: keyword("d", 0)?.text ?? ""))
        case "default", "d":
            let fallback = keyword("default_value", 0) ?? .string("")
            let boolean = keyword("boolean", 1)?.isTruthy ?? false
            if case .undefined = value { return fallback }
            return boolean && !value.isTruthy ? fallback : value
        case "tojson":
            var indent: Int?
            if case .int(let spaces)? = keyword("indent", 0) { indent = spaces }
            return .string(try json(value, indent: indent, level: 0))
        case "items":
            return try method(value, "items", [])
        case "safe", "e", "escape":
            return name == "safe" ? value : .string(value.text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&#34;").replacingOccurrences(of: "'", with: "&#39;"))
        case "selectattr", "rejectattr":
            guard let items = value.elements, case .string(let attribute)? = arguments.first else {
                throw JinjaError("\(name) needs a list and an attribute name")
            }
            let keep = name == "selectattr"
            return .list(try items.filter { item in
                let field = JinjaRenderer.member(item, attribute)
                let passes = arguments.count > 1 ? try test(arguments[1].text, field, Array(arguments.dropFirst(2))) : field.isTruthy
                return passes == keep
            })
        case "map":
            guard let items = value.elements else { throw JinjaError("cannot map a \(value.typeName)") }
            if case .string(let attribute)? = keywords.first(where: { $0.0 == "attribute" })?.1 {
                return .list(items.map { JinjaRenderer.member($0, attribute) })
            }
            guard case .string(let filterName)? = arguments.first else { throw JinjaError("map needs a filter name or attribute=") }
            return .list(try items.map { try filter(filterName, $0, Array(arguments.dropFirst()), []) })
        default:
            throw JinjaError("the filter \(name) is not supported")
        }
    }

    /// Python `json.dumps(value, ensure_ascii=False, indent=indent)`, as Hugging Face's `tojson`.
    static func json(_ value: JinjaValue, indent: Int?, level: Int) throws -> String {
        guard level < JinjaParser.maximumDepth else { throw JinjaError("a value is nested too deeply for tojson") }
        let newline = indent.map { "\n" + String(repeating: " ", count: $0 * (level + 1)) }
        let closing = indent.map { "\n" + String(repeating: " ", count: $0 * level) } ?? ""
        let separator = indent == nil ? ", " : ","
        switch value {
        case .undefined, .none: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let x): return String(x)
        case .double(let x): return x.isFinite ? JinjaValue.double(x).representation : (x.isNaN ? "NaN" : x > 0 ? "Infinity" : "-Infinity")
        case .string(let text): return JSONText.string(text)
        case .list(let items):
            guard !items.isEmpty else { return "[]" }
            let parts = try items.map { (newline ?? "") + (try json($0, indent: indent, level: level + 1)) }
            return "[" + parts.joined(separator: separator) + closing + "]"
        case .dict(let dict):
            guard !dict.keys.isEmpty else { return "{}" }
            let parts = try dict.keys.map { key in
                (newline ?? "") + JSONText.string(key) + ": " + (try json(dict[key] ?? .none, indent: indent, level: level + 1))
            }
            return "{" + parts.joined(separator: separator) + closing + "}"
        case .namespace(let namespace):
            return try json(.dict(namespace.attributes), indent: indent, level: level)
        }
    }

    // MARK: - Tests

    static func test(_ name: String, _ value: JinjaValue, _ arguments: [JinjaValue]) throws -> Bool {
        switch name {
        case "defined": if case .undefined = value { return false } else { return true }
        case "undefined": if case .undefined = value { return true } else { return false }
        case "none": if case .none = value { return true } else { return false }
        case "string": if case .string = value { return true } else { return false }
        case "number": if case .int = value { return true } else if case .double = value { return true } else { return false }
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .double = value { return true } else { return false }
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": if case .bool(true) = value { return true } else { return false }
        case "false": if case .bool(false) = value { return true } else { return false }
        case "mapping": if case .dict = value { return true } else if case .namespace = value { return true } else { return false }
        case "sequence", "iterable": return value.elements != nil
        case "equalto", "eq", "==", "sameas": return JinjaValue.equal(value, arguments.first ?? .undefined)
        case "ne", "!=": return !JinjaValue.equal(value, arguments.first ?? .undefined)
        case "in": return try binary("in", value, arguments.first ?? .undefined).isTruthy
        case "odd", "even":
            guard case .int(let x) = value else { throw JinjaError("\(name) needs an integer") }
            return (x % 2 != 0) == (name == "odd")
        default:
            throw JinjaError("the test \(name) is not supported")
        }
    }
}
