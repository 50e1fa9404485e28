/// A TOML table: keys in the order they were first defined, each with a value.
///
/// Typed lookups take a key path, one element per table level (`integer("params", "chunk_coe")`),
/// so keys that contain dots (quoted in TOML) need no escaping. The optional forms return `nil` when
/// the key is absent and throw `TOMLLookupError` when it holds another type; the `required` forms
/// also throw when it is absent.
public struct TOMLTable: Equatable, Sendable {
    /// Keys in definition order.
    public private(set) var keys: [String] = []
    private var storage: [String: TOMLValue] = [:]

    /// An empty table.
    public init() {}

    /// A table with `pairs` in order (a later duplicate key replaces the earlier value).
    public init(_ pairs: [(String, TOMLValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    /// The number of keys.
    public var count: Int { keys.count }

    /// Whether the table has no keys.
    public var isEmpty: Bool { keys.isEmpty }

    /// The value for `key` in this table (no path splitting); setting `nil` removes the key.
    public subscript(key: String) -> TOMLValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Key/value pairs in definition order.
    public var entries: [(key: String, value: TOMLValue)] {
        keys.compactMap { key in storage[key].map { (key, $0) } }
    }

    /// Tables are equal when they hold the same keys with equal values (order is not compared).
    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool { lhs.storage == rhs.storage }

    /// The value at a key path (`["params", "chunk_coe"]`), or `nil` when any step is missing or not
    /// a table.
    public func value(at path: [String]) -> TOMLValue? {
        guard let first = path.first else { return .table(self) }
        var current = storage[first]
        for key in path.dropFirst() {
            guard case .table(let table)? = current else { return nil }
            current = table[key]
        }
        return current
    }

    // MARK: Typed lookups

    /// The string at `path`; `nil` when absent.
    public func string(_ path: String...) throws -> String? {
        try lookup(path, expected: "string") { $0.stringValue }
    }

    /// The integer at `path`; `nil` when absent. A float is a type mismatch.
    public func integer(_ path: String...) throws -> Int? {
        try lookup(path, expected: "integer") { $0.integerValue }
    }

    /// The integer at `path` checked against `range`; `nil` when absent. The one accessor for
    /// every count and size read from a config: a value outside `range` throws a
    /// `TOMLLookupError` naming the key, the value and the bounds, before any work is planned.
    public func integer(_ path: String..., in range: ClosedRange<Int>) throws -> Int? {
        guard let value = try lookup(path, expected: "integer", { $0.integerValue }) else { return nil }
        guard range.contains(value) else {
            throw TOMLLookupError(keyPath: path.joined(separator: "."), reason: .outOfRange(value: value, range: range))
        }
        return value
    }

    /// The float at `path`; `nil` when absent. An integer is a type mismatch (see `number`).
    public func float(_ path: String...) throws -> Double? {
        try lookup(path, expected: "float") { $0.floatValue }
    }

    /// The integer or float at `path` as a `Double`; `nil` when absent.
    public func number(_ path: String...) throws -> Double? {
        try lookup(path, expected: "integer or float") { $0.numberValue }
    }

    /// The boolean at `path`; `nil` when absent.
    public func bool(_ path: String...) throws -> Bool? {
        try lookup(path, expected: "boolean") { $0.boolValue }
    }

    /// The array at `path`; `nil` when absent.
    public func array(_ path: String...) throws -> [TOMLValue]? {
        try lookup(path, expected: "array") { $0.arrayValue }
    }

    /// The table at `path`; `nil` when absent.
    public func table(_ path: String...) throws -> TOMLTable? {
        try lookup(path, expected: "table") { $0.tableValue }
    }

    /// The array of strings at `path`; `nil` when absent. Any non-string element is a mismatch.
    public func strings(_ path: String...) throws -> [String]? {
        try lookup(path, expected: "array of strings") { value in
            guard let elements = value.arrayValue else { return nil }
            let strings = elements.compactMap(\.stringValue)
            return strings.count == elements.count ? strings : nil
        }
    }

    /// The array of integers at `path`; `nil` when absent. Any non-integer element is a mismatch.
    public func integers(_ path: String...) throws -> [Int]? {
        try lookup(path, expected: "array of integers") { value in
            guard let elements = value.arrayValue else { return nil }
            let integers = elements.compactMap(\.integerValue)
            return integers.count == elements.count ? integers : nil
        }
    }

    /// The string at `path`; throws when absent.
    public func requiredString(_ path: String...) throws -> String {
        try required(path, expected: "string") { $0.stringValue }
    }

    /// The integer at `path`; throws when absent.
    public func requiredInteger(_ path: String...) throws -> Int {
        try required(path, expected: "integer") { $0.integerValue }
    }

    /// The integer or float at `path` as a `Double`; throws when absent.
    public func requiredNumber(_ path: String...) throws -> Double {
        try required(path, expected: "integer or float") { $0.numberValue }
    }

    /// The boolean at `path`; throws when absent.
    public func requiredBool(_ path: String...) throws -> Bool {
        try required(path, expected: "boolean") { $0.boolValue }
    }

    /// The table at `path`; throws when absent.
    public func requiredTable(_ path: String...) throws -> TOMLTable {
        try required(path, expected: "table") { $0.tableValue }
    }

    private func lookup<T>(_ path: [String], expected: String, _ convert: (TOMLValue) -> T?) throws -> T? {
        guard let value = try reach(path) else { return nil }
        guard let converted = convert(value) else {
            throw TOMLLookupError(keyPath: path.joined(separator: "."),
                                  reason: .typeMismatch(expected: expected, found: value.typeName))
        }
        return converted
    }

    private func required<T>(_ path: [String], expected: String, _ convert: (TOMLValue) -> T?) throws -> T {
        guard let value = try lookup(path, expected: expected, convert) else {
            throw TOMLLookupError(keyPath: path.joined(separator: "."), reason: .missing)
        }
        return value
    }

    /// The value at `path`, `nil` when the last key is absent; throws when an intermediate step
    /// exists but is not a table.
    private func reach(_ path: [String]) throws -> TOMLValue? {
        guard let first = path.first else { return .table(self) }
        var current = storage[first]
        for (index, key) in path.enumerated().dropFirst() {
            guard let value = current else { return nil }
            guard case .table(let table) = value else {
                throw TOMLLookupError(keyPath: path[..<index].joined(separator: "."),
                                      reason: .typeMismatch(expected: "table", found: value.typeName))
            }
            current = table[key]
        }
        return current
    }
}
