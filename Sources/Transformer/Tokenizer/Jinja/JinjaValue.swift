import Foundation

/// A value inside a chat template: what Jinja (with Python semantics) computes with.
indirect enum JinjaValue: Sendable {
    /// A name that is not defined (renders as nothing; `is defined` is false).
    case undefined
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([JinjaValue])
    /// A mapping with its keys in insertion order.
    case dict(JinjaDict)
    /// A `namespace(...)` object, whose attributes `{% set ns.x = … %}` may change.
    case namespace(JinjaNamespace)

    /// Python truthiness.
    var isTruthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let value): return value
        case .int(let value): return value != 0
        case .double(let value): return value != 0
        case .string(let value): return !value.isEmpty
        case .list(let items): return !items.isEmpty
        case .dict(let dict): return !dict.keys.isEmpty
        case .namespace: return true
        }
    }

    /// The text Jinja writes for the value (Python `str`).
    var text: String {
        switch self {
        case .undefined: return ""
        case .string(let value): return value
        default: return representation
        }
    }

    /// Python `repr`, as used inside lists and dicts.
    var representation: String {
        switch self {
        case .undefined: return ""
        case .none: return "None"
        case .bool(let value): return value ? "True" : "False"
        case .int(let value): return String(value)
        case .double(let value): return value == value.rounded() && abs(value) < 1e16 ? String(format: "%.1f", value) : String(value)
        case .string(let value):
            let quote = value.contains("'") && !value.contains("\"") ? "\"" : "'"
            var escaped = ""
            for c in value {
                switch c {
                case "\\": escaped += "\\\\"
                case "\n": escaped += "\\n"
                case "\t": escaped += "\\t"
                case "\r": escaped += "\\r"
                case "'" where quote == "'": escaped += "\\'"
                default: escaped.append(c)
                }
            }
            return quote + escaped + quote
        case .list(let items): return "[" + items.map(\.representation).joined(separator: ", ") + "]"
        case .dict(let dict): return "{" + dict.keys.map { "'\($0)': \(dict.values[$0]?.representation ?? "None")" }.joined(separator: ", ") + "}"
        case .namespace: return "<Namespace>"
        }
    }

    /// Python `==`.
    static func equal(_ a: JinjaValue, _ b: JinjaValue) -> Bool {
        switch (a, b) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.dict(let x), .dict(let y)):
            return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { key in equal(x.values[key] ?? .none, y.values[key] ?? .none) }
        case (.namespace(let x), .namespace(let y)): return x === y
        default:
            if let x = a.number, let y = b.number { return x == y }
            return false
        }
    }

    /// The value as a number (booleans count as 0 and 1, as in Python).
    var number: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        case .bool(let value): return value ? 1 : 0
        default: return nil
        }
    }

    /// The elements when iterating: list items, dict keys, string characters.
    var elements: [JinjaValue]? {
        switch self {
        case .list(let items): return items
        case .dict(let dict): return dict.keys.map { .string($0) }
        case .string(let value): return value.map { .string(String($0)) }
        default: return nil
        }
    }

    /// A short name of the value's type, for error messages.
    var typeName: String {
        switch self {
        case .undefined: return "undefined"
        case .none: return "none"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "float"
        case .string: return "string"
        case .list: return "list"
        case .dict: return "mapping"
        case .namespace: return "namespace"
        }
    }
}

/// An insertion-ordered string-keyed mapping.
struct JinjaDict: Sendable {
    private(set) var keys: [String] = []
    private(set) var values: [String: JinjaValue] = [:]

    init(_ pairs: [(String, JinjaValue)] = []) {
        for (key, value) in pairs { self[key] = value }
    }

    subscript(key: String) -> JinjaValue? {
        get { values[key] }
        set {
            if values[key] == nil, newValue != nil { keys.append(key) }
            if newValue == nil { keys.removeAll { $0 == key } }
            values[key] = newValue
        }
    }
}

/// The mutable attributes of a `namespace(...)`.
final class JinjaNamespace: @unchecked Sendable {
    var attributes = JinjaDict()
}
