/// One value of a TOML document.
///
/// Integers and floats stay distinct (`chunk_coe = 3000` is an integer, `chunk_coe = 0.25` a
/// float), because experiment parameters give them different meanings.
public indirect enum TOMLValue: Equatable, Sendable {
    /// A string (basic, literal or multi-line; escapes already resolved).
    case string(String)
    /// A 64-bit signed integer (decimal, hexadecimal, octal or binary in the source).
    case integer(Int)
    /// A 64-bit float, including `inf` and `nan`.
    case float(Double)
    /// `true` or `false`.
    case boolean(Bool)
    /// An array (TOML arrays may mix types).
    case array([TOMLValue])
    /// A table: a `[header]` table, an inline table, a table made by dotted keys, or one element of
    /// an array of tables.
    case table(TOMLTable)

    /// The TOML name of this value's type, for messages: `string`, `integer`, `float`, `boolean`,
    /// `array` or `table`.
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .boolean: return "boolean"
        case .array: return "array"
        case .table: return "table"
        }
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer, when this is an integer (floats are not converted).
    public var integerValue: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The float, when this is a float (integers are not converted; see `numberValue`).
    public var floatValue: Double? {
        if case .float(let value) = self { return value }
        return nil
    }

    /// The value as a `Double` when it is an integer or a float.
    public var numberValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .float(let value): return value
        default: return nil
        }
    }

    /// The boolean, when this is a boolean.
    public var boolValue: Bool? {
        if case .boolean(let value) = self { return value }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [TOMLValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The table, when this is a table.
    public var tableValue: TOMLTable? {
        if case .table(let value) = self { return value }
        return nil
    }
}
