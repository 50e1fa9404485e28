import Foundation

/// Typed lookups of config keys that turn TOML type errors into config errors naming the key and
/// its line. Tasks read their own keys through it (see `ExperimentTask.readSettings`).
public struct ConfigReader: Sendable {
    /// The config's top-level table.
    public let table: TOMLTable
    /// Lines of the keys, for messages.
    public let lines: ConfigKeyLines
    /// The config file (nil when parsed from text).
    public let file: String?

    /// A reader of `table`, whose keys are on `lines` of `file`.
    public init(table: TOMLTable, lines: ConfigKeyLines, file: String?) {
        self.table = table
        self.lines = lines
        self.file = file
    }

    /// An error about `key`, with its line.
    public func error(_ key: String, _ message: String) -> ExperimentConfigError {
        ExperimentConfigError(file: file, key: key, line: lines.line(of: key), message: message)
    }

    /// `key 'factor' (line 4) ` for warnings.
    public func describe(_ key: String) -> String {
        if let line = lines.line(of: key) { return "key '\(key)' (line \(line)) " }
        return "key '\(key)' "
    }

    /// The raw value of `key`, if present.
    public func value(_ key: String) -> TOMLValue? { table[key] }

    private func mismatch(_ key: String, _ expected: String, _ value: TOMLValue) -> ExperimentConfigError {
        error(key, "must be \(expected), not \(ConfigReader.show(value))")
    }

    static func show(_ value: TOMLValue) -> String {
        switch value {
        case .string(let text): return "the string \"\(text)\""
        case .integer(let integer): return "the integer \(integer)"
        case .float(let number): return "the float \(number)"
        case .boolean(let flag): return "\(flag)"
        case .array: return "an array"
        case .table: return "a table"
        }
    }

    /// The string at `key` (nil when absent).
    public func string(_ key: String) throws -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.stringValue else { throw mismatch(key, "a string", value) }
        return text
    }

    /// The string at `key`, which must not be empty (nil when absent).
    public func nonEmptyString(_ key: String) throws -> String? {
        guard let text = try string(key) else { return nil }
        if text.isEmpty { throw error(key, "must not be empty") }
        return text
    }

    /// The string at `key`, which must be present.
    public func requiredString(_ key: String) throws -> String {
        guard let text = try string(key) else { throw error(key, "missing (required)") }
        return text
    }

    /// The boolean at `key` (nil when absent).
    public func bool(_ key: String) throws -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value.boolValue else { throw mismatch(key, "true or false", value) }
        return flag
    }

    /// The integer at `key`, at least `minimum` (nil when absent and not `required`).
    public func integer(_ key: String, required: Bool = false, atLeast minimum: Int) throws -> Int? {
        guard let value = value(key) else {
            if required { throw error(key, "missing (required for this task)") }
            return nil
        }
        guard let integer = value.integerValue else { throw mismatch(key, "an integer ≥ \(minimum)", value) }
        guard integer >= minimum else { throw error(key, "must be at least \(minimum), not \(integer)") }
        return integer
    }

    /// The integer at `key`, at least `minimum`, which must be present.
    public func requiredInteger(_ key: String, atLeast minimum: Int) throws -> Int {
        guard let integer = try integer(key, required: true, atLeast: minimum) else { throw error(key, "missing (required for this task)") }
        return integer
    }

    /// The array of strings at `key` (nil when absent).
    public func strings(_ key: String) throws -> [String]? {
        try array(key, of: "strings") { $0.stringValue }
    }

    /// The array of integers at `key` (nil when absent).
    public func integers(_ key: String) throws -> [Int]? {
        try array(key, of: "integers") { $0.integerValue }
    }

    /// The array at `key` with every element converted by `element` (nil: wrong type).
    private func array<Element>(_ key: String, of kind: String, _ element: (TOMLValue) -> Element?) throws -> [Element]? {
        guard let value = value(key) else { return nil }
        guard let elements = value.arrayValue else { throw mismatch(key, "an array of \(kind)", value) }
        return try elements.map { item in
            guard let converted = element(item) else { throw mismatch(key, "an array of \(kind)", item) }
            return converted
        }
    }

    /// The table at `key` (nil when absent).
    public func table(_ key: String) throws -> TOMLTable? {
        guard let value = value(key) else { return nil }
        guard let table = value.tableValue else { throw mismatch(key, "a table ([\(key)])", value) }
        return table
    }
}
