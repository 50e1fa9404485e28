/// A syntax or structure error in a TOML document, with the place it was found.
public struct TOMLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based line of the offending text.
    public let line: Int
    /// 1-based column (in Unicode scalars) of the offending text.
    public let column: Int
    /// What was wrong and what was expected.
    public let message: String

    /// An error at `line`:`column`.
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line 3, column 7: expected '=' after the key 'x'`.
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A failed typed lookup in a parsed TOML table: the key is missing or holds another type.
public struct TOMLLookupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Why the lookup failed.
    public enum Reason: Equatable, Sendable {
        /// No value at the key path.
        case missing
        /// A value of another type (`found`) where `expected` was wanted.
        case typeMismatch(expected: String, found: String)
        /// An integer outside the accepted `range`.
        case outOfRange(value: Int, range: ClosedRange<Int>)
    }

    /// The dotted key path that was looked up, e.g. `params.chunk_coe`.
    public let keyPath: String
    /// Why the lookup failed.
    public let reason: Reason

    /// A lookup error for `keyPath`.
    public init(keyPath: String, reason: Reason) {
        self.keyPath = keyPath
        self.reason = reason
    }

    /// `missing key 'max_pe'` or `key 'params.chunk_coe' must be an integer or float, found string`.
    public var description: String {
        switch reason {
        case .missing:
            return "missing key '\(keyPath)'"
        case .typeMismatch(let expected, let found):
            return "key '\(keyPath)' must be \(TOMLLookupError.article(expected)) \(expected), found \(found)"
        case .outOfRange(let value, let range):
            return "key '\(keyPath)' must be \(TOMLLookupError.describe(range)), not \(value)"
        }
    }

    /// `at least 1`, `at most 10`, or `from 1 to 10`.
    static func describe(_ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max { return "at least \(range.lowerBound)" }
        if range.lowerBound == Int.min { return "at most \(range.upperBound)" }
        return "from \(range.lowerBound) to \(range.upperBound)"
    }

    private static func article(_ word: String) -> String {
        guard let first = word.first else { return "a" }
        return "aeiou".contains(first) ? "an" : "a"
    }
}
