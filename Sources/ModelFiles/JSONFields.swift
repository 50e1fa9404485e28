import Foundation

/// Typed access to a parsed JSON object (from `JSONSerialization`) that turns every missing or
/// mistyped field into a `ModelFileError` naming the file and the field.
public struct JSONFields {
    /// The parsed object.
    public let object: [String: Any]
    /// The file the object came from.
    public let path: String
    /// How the object is described in errors (`"config.json"`, `"tensor \"x\""`, ...).
    public let context: String

    /// Parses `data` as a JSON object. Anything else (invalid JSON, an array, ...) throws.
    public static func parse(_ data: Data, path: String, what: String) throws -> JSONFields {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw ModelFileError(path: path, reason: "\(what) is not valid JSON (\(oneLine(error)))")
        }
        guard let object = parsed as? [String: Any] else {
            throw ModelFileError(path: path, reason: "\(what) is not a JSON object")
        }
        return JSONFields(object: object, path: path, context: what)
    }

    /// An error naming this object's file with `reason`.
    public func failure(_ reason: String) -> ModelFileError { ModelFileError(path: path, reason: reason) }

    /// Whether `key` is present and not null.
    public func has(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

    /// An integer field; `nil` when absent or null. A non-integral or out-of-range number throws.
    public func int(_ key: String) throws -> Int? {
        guard has(key), let value = object[key] else { return nil }
        guard let number = JSONFields.integer(value) else {
            throw failure("\(context): \"\(key)\" must be an integer, not \(JSONFields.describe(value))")
        }
        return number
    }

    public func requiredInt(_ key: String) throws -> Int {
        guard let value = try int(key) else { throw failure("\(context) has no \"\(key)\"") }
        return value
    }

    /// A numeric field; `nil` when absent or null.
    public func double(_ key: String) throws -> Double? {
        guard has(key), let value = object[key] else { return nil }
        guard let number = JSONFields.number(value) else {
            throw failure("\(context): \"\(key)\" must be a number, not \(JSONFields.describe(value))")
        }
        return number
    }

    public func string(_ key: String) throws -> String? {
        guard has(key), let value = object[key] else { return nil }
        guard let text = value as? String else {
            throw failure("\(context): \"\(key)\" must be a string, not \(JSONFields.describe(value))")
        }
        return text
    }

    public func bool(_ key: String) throws -> Bool? {
        guard has(key), let value = object[key] else { return nil }
        guard let flag = JSONFields.boolean(value) else {
            throw failure("\(context): \"\(key)\" must be true or false, not \(JSONFields.describe(value))")
        }
        return flag
    }

    public func nested(_ key: String) throws -> JSONFields? {
        guard has(key), let value = object[key] else { return nil }
        guard let inner = value as? [String: Any] else {
            throw failure("\(context): \"\(key)\" must be an object, not \(JSONFields.describe(value))")
        }
        return JSONFields(object: inner, path: path, context: "\(context) \"\(key)\"")
    }

    /// `value` as an exact integer, or nil (booleans, fractions and huge numbers are rejected).
    public static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !isBoolean(number) else { return nil }
        return value as? Int
    }

    /// `value` as a finite floating-point number, or nil.
    public static func number(_ value: Any) -> Double? {
        guard let number = value as? NSNumber, !isBoolean(number) else { return nil }
        let double = number.doubleValue
        return double.isFinite ? double : nil
    }

    public static func boolean(_ value: Any) -> Bool? {
        guard let number = value as? NSNumber, isBoolean(number) else { return nil }
        return number.boolValue
    }

    /// JSON `true`/`false` arrive as NSNumbers of C type `char`; parsed numbers never do.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    /// A short description of a JSON value's kind and content, for error messages.
    public static func describe(_ value: Any) -> String {
        switch value {
        case is String: return "the string \"\((value as? String)?.prefix(40) ?? "")\""
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        case is NSNull: return "null"
        case let number as NSNumber: return "\(number)"
        default: return "\(type(of: value))"
        }
    }

    public static func oneLine(_ error: Error) -> String {
        let text = "\(error)"
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
