/// Command-line options of one command, parsed against the options the command declares.
///
/// Accepts `--name value`, `--name=value`, repeated options, and boolean flags. Unknown options,
/// missing values and malformed numbers are `CommandLineError`s naming the option.
public struct ParsedArguments {
    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []
    /// Arguments that are not options, in order.
    public private(set) var positional: [String] = []

    /// Parses `arguments` for a command accepting `options` (names without dashes) and boolean
    /// `flagNames`.
    public init(_ arguments: [String], options: Set<String>, flagNames: Set<String>) throws {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                if argument.hasPrefix("-") && argument.count > 1 && Double(argument) == nil {
                    throw CommandLineError("unknown option \(argument)")
                }
                positional.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if flagNames.contains(name) {
                if let inlineValue {
                    guard let flag = Bool(inlineValue) else { throw CommandLineError("--\(name) takes no value (got \"\(inlineValue)\")") }
                    if flag { flags.insert(name) } else { flags.remove(name) }
                } else {
                    flags.insert(name)
                }
            } else if options.contains(name) {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else { throw CommandLineError("--\(name) needs a value") }
                    value = arguments[index]
                    index += 1
                }
                values[name, default: []].append(value)
            } else {
                throw CommandLineError("unknown option --\(name)")
            }
        }
    }

    /// Whether boolean flag `name` was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The last value of option `name`, if given.
    public func string(_ name: String) -> String? { values[name]?.last }

    /// Every value of a repeatable option, in order.
    public func strings(_ name: String) -> [String] { values[name] ?? [] }

    /// Option `name` as an integer within `range`, or `defaultValue` when absent.
    public func int(_ name: String, default defaultValue: Int? = nil, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard let text = string(name) else { return defaultValue }
        guard let value = Int(text) else {
            let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                throw CommandLineError("--\(name) \(text) is out of range (\(range.lowerBound)...\(range.upperBound))")
            }
            throw CommandLineError("--\(name) needs an integer, not \"\(text)\"")
        }
        guard range.contains(value) else { throw CommandLineError("--\(name) must be in \(range.lowerBound)...\(range.upperBound), not \(value)") }
        return value
    }

    /// Option `name` as a number within `range`, or `defaultValue` when absent.
    public func double(_ name: String, default defaultValue: Double? = nil, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude) throws -> Double? {
        guard let text = string(name) else { return defaultValue }
        guard let value = Double(text), value.isFinite else { throw CommandLineError("--\(name) needs a number, not \"\(text)\"") }
        guard range.contains(value) else { throw CommandLineError("--\(name) must be in \(range.lowerBound)...\(range.upperBound), not \(value)") }
        return value
    }
}
