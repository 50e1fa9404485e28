/// Declares one parameter of a method: name, accepted values, default and meaning.
public struct ParameterSpec: Sendable {
    /// Accepted values.
    public enum Kind: Sendable {
        /// An integer in the range.
        case integer(ClosedRange<Int>)
        /// A number in the range (integers are accepted and converted).
        case number(ClosedRange<Double>)
        /// `true` or `false` (also 0/1, as the reference's configs write them).
        case boolean
        /// One of the listed strings.
        case choice([String])
        /// An integer or a number; which one matters (GALI's `chunk_coe`).
        case integerOrNumber(integers: ClosedRange<Int>, numbers: ClosedRange<Double>)
    }

    /// The key, as in TOML configs and `--param key=value`.
    public let name: String
    /// The accepted type and range.
    public let kind: Kind
    /// Used when the parameter is not given; nil makes it required.
    public let defaultValue: ParameterValue?
    /// What the parameter means.
    public let summary: String

    /// A parameter named `name` of type `kind`; `defaultValue` nil makes it required.
    public init(_ name: String, _ kind: Kind, default defaultValue: ParameterValue?, _ summary: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
    }

    /// Human-readable description of the accepted values.
    public var constraintText: String {
        switch kind {
        case .integer(let range): return "integer in \(ParameterSpec.text(range))"
        case .number(let range): return "number in \(ParameterSpec.text(range))"
        case .boolean: return "boolean"
        case .choice(let options): return "one of " + options.map { "\"\($0)\"" }.joined(separator: ", ")
        case .integerOrNumber(let integers, let numbers):
            return "integer in \(ParameterSpec.text(integers)) or number in \(ParameterSpec.text(numbers))"
        }
    }

    /// Checks `value` against the kind, converting where harmless (integer to number, 0/1 to
    /// boolean); throws `ExtrapolationError.invalidParameter` naming the key, the expected type
    /// and the range.
    public func check(_ value: ParameterValue, method: String) throws -> ParameterValue {
        func reject() -> ExtrapolationError {
            .invalidParameter(method: method, name: name, message: "expected \(constraintText), got \(value.typeName) \(value)")
        }
        switch (kind, value) {
        case (.integer(let range), .int(let integer)):
            guard range.contains(integer) else { throw reject() }
            return value
        case (.integer(let range), .double(let number)) where number == number.rounded() && abs(number) < 1e15:
            guard range.contains(Int(number)) else { throw reject() }
            return .int(Int(number))
        case (.number(let range), .int(let integer)):
            guard range.contains(Double(integer)) else { throw reject() }
            return .double(Double(integer))
        case (.number(let range), .double(let number)):
            guard number.isFinite, range.contains(number) else { throw reject() }
            return value
        case (.boolean, .bool): return value
        case (.boolean, .int(let integer)) where integer == 0 || integer == 1: return .bool(integer == 1)
        case (.choice(let options), .string(let text)):
            guard options.contains(text) else { throw reject() }
            return value
        case (.integerOrNumber(let integers, _), .int(let integer)):
            guard integers.contains(integer) else { throw reject() }
            return value
        case (.integerOrNumber(_, let numbers), .double(let number)):
            guard number.isFinite, numbers.contains(number) else { throw reject() }
            return value
        default:
            throw reject()
        }
    }

    static func text(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound == Int.min, range.upperBound == Int.max) {
        case (true, true): return "any value"
        case (false, true): return "\(range.lowerBound)..."
        case (true, false): return "...\(range.upperBound)"
        case (false, false): return "\(range.lowerBound)...\(range.upperBound)"
        }
    }

    static func text(_ range: ClosedRange<Double>) -> String {
        let upper = range.upperBound == .greatestFiniteMagnitude || range.upperBound == .infinity
        return upper ? "\(range.lowerBound)..." : "\(range.lowerBound)...\(range.upperBound)"
    }
}

/// Everything the registry and the command line need to know about a method.
public struct MethodDescriptor: Sendable {
    /// Canonical name (`gali`, `self_extend`, ...).
    public let name: String
    /// Other accepted names (the reference's `repro_se`, `dpi`, ...).
    public let aliases: [String]
    /// One paragraph: the method's math.
    public let summary: String
    /// The length constraint in words (empty when there is none).
    public let constraint: String
    /// Parameters, in the order `gali methods` lists them.
    public let parameters: [ParameterSpec]
    /// Whether perplexity is scored over the whole text in one pass, as the reference does for
    /// this method (GALI, ChunkLlama, SelfExtend), rather than in strided pieces.
    public let scoresWholeText: Bool

    /// A method description for the registry and `gali methods`.
    public init(name: String, aliases: [String], summary: String, constraint: String = "", parameters: [ParameterSpec],
                scoresWholeText: Bool = false) {
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.constraint = constraint
        self.parameters = parameters
        self.scoresWholeText = scoresWholeText
    }
}
