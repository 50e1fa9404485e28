/// Reads a TOML integer or float from its unquoted token (`3000`, `-1_000`, `0xff`, `0.25`,
/// `1e-3`, `+inf`, `nan`), keeping integers and floats distinct.
enum TOMLNumberReader {
    /// The value of `token`; `fail` builds the error for a message.
    static func read(_ token: String, fail: (String) -> TOMLError) throws -> TOMLValue {
        var body = Substring(token)
        var negative = false
        var signed = false
        if let first = body.first, first == "+" || first == "-" {
            negative = first == "-"
            signed = true
            body = body.dropFirst()
        }
        if body == "inf" { return .float(negative ? -.infinity : .infinity) }
        if body == "nan" { return .float(.nan) }

        if body.count > 1, body.hasPrefix("0"), let radixMark = body.dropFirst().first, "xob".contains(radixMark) {
            let radix = radixMark == "x" ? 16 : radixMark == "o" ? 8 : 2
            let name = radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary"
            if signed { throw fail("\(name) integers cannot have a sign: '\(token)'") }
            let digits = try stripUnderscores(body.dropFirst(2), token: token, fail: fail)
            guard !digits.isEmpty else { throw fail("expected \(name) digits after '0\(radixMark)' in '\(token)'") }
            guard digits.allSatisfy({ $0.isASCII && $0.isHexDigit && Int(String($0), radix: radix) != nil }) else {
                throw fail("invalid \(name) digit in '\(token)'")
            }
            guard let value = UInt64(digits, radix: radix) else { throw fail("integer '\(token)' does not fit in 64 bits") }
            guard value <= UInt64(Int.max) else { throw fail("integer '\(token)' does not fit in 64 bits") }
            return .integer(Int(value))
        }

        let isFloat = body.contains(".") || body.contains("e") || body.contains("E")
        if !isFloat {
            let digits = try stripUnderscores(body, token: token, fail: fail)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw fail("invalid number '\(token)'")
            }
            if digits.count > 1, digits.hasPrefix("0") { throw fail("leading zeros are not allowed in '\(token)'") }
            guard let value = Int((negative ? "-" : "") + digits) else {
                throw fail("integer '\(token)' does not fit in 64 bits")
            }
            return .integer(value)
        }

        // Float: integer part, then a fraction and/or an exponent.
        var rest = body
        let integerEnd = rest.firstIndex { $0 == "." || $0 == "e" || $0 == "E" } ?? rest.endIndex
        let integerPart = try stripUnderscores(rest[..<integerEnd], token: token, fail: fail)
        guard !integerPart.isEmpty, integerPart.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw fail("expected digits before the '\(rest[integerEnd])' in float '\(token)'")
        }
        if integerPart.count > 1, integerPart.hasPrefix("0") { throw fail("leading zeros are not allowed in '\(token)'") }
        rest = rest[integerEnd...]
        var normalized = (negative ? "-" : "") + integerPart
        if rest.first == "." {
            rest = rest.dropFirst()
            let fractionEnd = rest.firstIndex { $0 == "e" || $0 == "E" } ?? rest.endIndex
            let fraction = try stripUnderscores(rest[..<fractionEnd], token: token, fail: fail)
            guard !fraction.isEmpty, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw fail("expected digits after the decimal point in '\(token)'")
            }
            normalized += "." + fraction
            rest = rest[fractionEnd...]
        }
        if let mark = rest.first, mark == "e" || mark == "E" {
            rest = rest.dropFirst()
            var exponentSign = ""
            if let sign = rest.first, sign == "+" || sign == "-" {
                exponentSign = String(sign)
                rest = rest.dropFirst()
            }
            let exponent = try stripUnderscores(rest, token: token, fail: fail)
            guard !exponent.isEmpty, exponent.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw fail("expected digits in the exponent of '\(token)'")
            }
            normalized += "e" + exponentSign + exponent
            rest = rest[rest.endIndex...]
        }
        guard rest.isEmpty else { throw fail("invalid number '\(token)'") }
        guard let value = Double(normalized) else { throw fail("invalid float '\(token)'") }
        guard value.isFinite else { throw fail("float '\(token)' is out of range") }
        return .float(value)
    }

    /// `digits` without underscores, after checking that each underscore sits between two digits.
    private static func stripUnderscores(_ digits: Substring, token: String, fail: (String) -> TOMLError) throws -> String {
        var result = ""
        var previousWasDigit = false
        for character in digits {
            if character == "_" {
                guard previousWasDigit else { throw fail("underscores must sit between digits in '\(token)'") }
                previousWasDigit = false
            } else {
                result.append(character)
                previousWasDigit = true
            }
        }
        if !digits.isEmpty, !previousWasDigit { throw fail("underscores must sit between digits in '\(token)'") }
        return result
    }
}
