/// One metadata value of a GGUF file. Arrays may nest.
public enum GGUFValue: Equatable, Sendable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16)
    case uint32(UInt32), int32(Int32), uint64(UInt64), int64(Int64)
    case float32(Float), float64(Double)
    case bool(Bool)
    case string(String)
    /// An array built in memory (for writing files).
    case array([GGUFValue])
    /// An array read from a file, decoded lazily (see `GGUFArray`).
    case fileArray(GGUFArray)

    /// The value as an integer, if it is any integer type and fits in `Int`.
    public var intValue: Int? {
        switch self {
        case .uint8(let v): return Int(v)
        case .int8(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint32(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint64(let v): return v <= UInt64(Int.max) ? Int(v) : nil
        case .int64(let v): return Int(v)
        default: return nil
        }
    }

    /// The value as a floating-point number, if it is numeric.
    public var doubleValue: Double? {
        switch self {
        case .float32(let v): return Double(v)
        case .float64(let v): return v
        default: return intValue.map(Double.init)
        }
    }

    /// The value as a Bool, if it is one.
    public var boolValue: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }

    /// The value as a String, if it is one.
    public var stringValue: String? {
        if case .string(let v) = self { return v }
        return nil
    }

    /// The elements, if the value is an array (of either kind).
    public var arrayValue: GGUFArray? {
        switch self {
        case .array(let values): return GGUFArray(values)
        case .fileArray(let array): return array
        default: return nil
        }
    }

    /// Values are equal when they are the same scalar, or arrays with equal elements (whether
    /// in memory or in a file).
    public static func == (lhs: GGUFValue, rhs: GGUFValue) -> Bool {
        switch (lhs, rhs) {
        case (.uint8(let a), .uint8(let b)): return a == b
        case (.int8(let a), .int8(let b)): return a == b
        case (.uint16(let a), .uint16(let b)): return a == b
        case (.int16(let a), .int16(let b)): return a == b
        case (.uint32(let a), .uint32(let b)): return a == b
        case (.int32(let a), .int32(let b)): return a == b
        case (.uint64(let a), .uint64(let b)): return a == b
        case (.int64(let a), .int64(let b)): return a == b
        case (.float32(let a), .float32(let b)): return a == b
        case (.float64(let a), .float64(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        default:
            guard let a = lhs.arrayValue, let b = rhs.arrayValue else { return false }
            return a == b
        }
    }

    /// A short human-readable rendering (arrays summarised by length).
    public var summary: String {
        switch self {
        case .string(let v): return v.count > 60 ? "\"\(v.prefix(57))...\"" : "\"\(v)\""
        case .array(let v): return "[\(v.count) items]"
        case .fileArray(let v): return "[\(v.count) items]"
        case .bool(let v): return String(v)
        case .float32(let v): return String(v)
        case .float64(let v): return String(v)
        default: return intValue.map(String.init) ?? "?"
        }
    }
}
