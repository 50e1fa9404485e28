import Foundation

/// A method parameter's value as written in a TOML config or on the command line.
public enum ParameterValue: Sendable, Hashable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)

    /// Parses command-line text: `true`/`false`, an integer, a number with `.`/`e`, else a string.
    public init(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "true" { self = .bool(true) }
        else if trimmed == "false" { self = .bool(false) }
        else if let integer = Int(trimmed) { self = .int(integer) }
        else if let number = Double(trimmed), number.isFinite { self = .double(number) }
        else {
            var text = trimmed
            if text.count >= 2, let first = text.first, first == text.last, first == "\"" || first == "'" {
                text = String(text.dropFirst().dropLast())
            }
            self = .string(text)
        }
    }

    /// The name of the value's type, for messages.
    public var typeName: String {
        switch self {
        case .int: return "integer"
        case .double: return "number"
        case .bool: return "boolean"
        case .string: return "string"
        }
    }

    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .bool(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        }
    }
}
