import Foundation

/// A piece of text as a sequence of Unicode scalars, compared scalar by scalar.
///
/// The reference metrics are Python, where strings are code-point sequences: `"é"` (one scalar)
/// and `"e\u{301}"` differ, and `in` finds a substring inside a grapheme cluster. Swift's `String`
/// compares by canonical equivalence and searches by `Character`, so the metrics work on scalars.
typealias Scalars = [Unicode.Scalar]

/// Python 3 `str` operations the reference metrics use, reimplemented on scalars.
enum PythonText {
    /// The scalars of `text`.
    static func scalars(_ text: String) -> Scalars { Array(text.unicodeScalars) }

    /// `text` as a `String`.
    static func string(_ scalars: Scalars) -> String { String(String.UnicodeScalarView(scalars)) }

    /// `str.isspace()` for one character, which is also what `str.split()`, `str.strip()` and the
    /// regular-expression class `\s` use (it includes U+001C…U+001F, unlike Swift's
    /// `isWhitespace`).
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// `str.split()` with no argument: runs of whitespace separate fields; no empty fields.
    static func splitOnWhitespace(_ text: Scalars) -> [Scalars] {
        var fields: [Scalars] = []
        var current: Scalars = []
        for scalar in text {
            if isWhitespace(scalar) {
                if !current.isEmpty {
                    fields.append(current)
                    current.removeAll(keepingCapacity: true)
                }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { fields.append(current) }
        return fields
    }

    /// `re.split(r'\s+', text)`: like `str.split()` but with empty fields at the ends when `text`
    /// starts or ends with whitespace (and `[""]` for empty text).
    static func regexSplitOnWhitespace(_ text: Scalars) -> [Scalars] {
        var fields: [Scalars] = []
        var current: Scalars = []
        var index = 0
        while index < text.count {
            if isWhitespace(text[index]) {
                fields.append(current)
                current = []
                while index < text.count, isWhitespace(text[index]) { index += 1 }
            } else {
                current.append(text[index])
                index += 1
            }
        }
        fields.append(current)
        return fields
    }

    /// `str.split(separator)` with an explicit separator: empty fields kept.
    static func split(_ text: Scalars, separator: Scalars) -> [Scalars] {
        guard !separator.isEmpty else { return [text] }
        var fields: [Scalars] = []
        var start = 0
        var index = 0
        while index + separator.count <= text.count {
            if text[index..<(index + separator.count)].elementsEqual(separator) {
                fields.append(Array(text[start..<index]))
                index += separator.count
                start = index
            } else {
                index += 1
            }
        }
        fields.append(Array(text[start...]))
        return fields
    }

    /// `str.strip()`: whitespace removed from both ends.
    static func strip(_ text: Scalars) -> Scalars {
        guard let first = text.firstIndex(where: { !isWhitespace($0) }),
              let last = text.lastIndex(where: { !isWhitespace($0) }) else { return [] }
        return Array(text[first...last])
    }

    /// `haystack` contains `needle` as a contiguous run (Python's `needle in haystack`).
    static func contains(_ haystack: Scalars, _ needle: Scalars) -> Bool {
        firstIndex(of: needle, in: haystack, from: 0) != nil
    }

    /// The first index at or after `from` where `needle` starts in `haystack`.
    static func firstIndex(of needle: Scalars, in haystack: Scalars, from: Int) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        if needle.isEmpty { return from <= haystack.count ? from : nil }
        var index = from
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// `str.replace(old, new)`: every non-overlapping occurrence, left to right.
    static func replace(_ text: Scalars, _ old: String, with new: String) -> Scalars {
        let oldScalars = scalars(old)
        let newScalars = scalars(new)
        var result: Scalars = []
        result.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if index + oldScalars.count <= text.count, text[index] == oldScalars[0],
               text[index..<(index + oldScalars.count)].elementsEqual(oldScalars) {
                result += newScalars
                index += oldScalars.count
            } else {
                result.append(text[index])
                index += 1
            }
        }
        return result
    }

    /// `str.lower()`: the full Unicode lowercase mapping of each scalar, with Python's
    /// final-sigma rule (`Σ` after a cased letter and not before one becomes `ς`).
    static func lower(_ text: Scalars) -> Scalars {
        var result: Scalars = []
        result.reserveCapacity(text.count)
        for (index, scalar) in text.enumerated() {
            if scalar.isASCII {
                result.append(("A"..."Z").contains(scalar) ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar)
            } else if scalar.value == 0x3A3 {
                result.append(isFinalSigma(text, at: index) ? "\u{3C2}" : "\u{3C3}")
            } else {
                result += scalar.properties.lowercaseMapping.unicodeScalars
            }
        }
        return result
    }

    /// Unicode's Final_Sigma context as CPython tests it: a cased letter before (skipping
    /// case-ignorable characters) and no cased letter after (likewise).
    private static func isFinalSigma(_ text: Scalars, at index: Int) -> Bool {
        var before = index - 1
        while before >= 0, text[before].properties.isCaseIgnorable { before -= 1 }
        guard before >= 0, text[before].properties.isCased else { return false }
        var after = index + 1
        while after < text.count, text[after].properties.isCaseIgnorable { after += 1 }
        return after == text.count || !text[after].properties.isCased
    }

    /// `string.punctuation`: the 32 ASCII punctuation characters.
    static func isASCIIPunctuation(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default: return false
        }
    }

    /// The regular-expression class `\w` for `str` patterns: letters, anything with a numeric
    /// value (`str.isalnum()`), and `_`.
    static func isWordCharacter(_ s: Unicode.Scalar) -> Bool {
        if s == "_" { return true }
        if s.isASCII {
            return ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
        }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return true
        default:
            return s.properties.numericType != nil
        }
    }

    /// The regular-expression class `\d` for `str` patterns (`str.isdecimal()`: category Nd).
    static func isDecimalDigit(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return ("0"..."9").contains(s) }
        return s.properties.numericType == .decimal
    }

    /// `str.isdigit()`: decimal digits and other digits such as superscripts.
    static func isDigit(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return ("0"..."9").contains(s) }
        return s.properties.numericType == .decimal || s.properties.numericType == .digit
    }

    /// `re.findall(r"\d+", text)`.
    static func digitRuns(_ text: Scalars) -> [Scalars] {
        var runs: [Scalars] = []
        var current: Scalars = []
        for scalar in text {
            if isDecimalDigit(scalar) {
                current.append(scalar)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// The captured digits of the first match of `prefix(\d+)` (e.g. `Paragraph (\d+)`), as
    /// `re.findall(...)[0]` returns them.
    static func firstNumber(after prefix: String, in text: Scalars) -> Scalars? {
        let prefixScalars = scalars(prefix)
        var from = 0
        while let start = firstIndex(of: prefixScalars, in: text, from: from) {
            var end = start + prefixScalars.count
            while end < text.count, isDecimalDigit(text[end]) { end += 1 }
            if end > start + prefixScalars.count { return Array(text[(start + prefixScalars.count)..<end]) }
            from = start + 1
        }
        return nil
    }

    /// Python's `round(value, digits)` for floats: the exact binary value rounded to `digits`
    /// decimals, ties to even (glibc's `printf` rounds the same way).
    static func round(_ value: Double, digits: Int) -> Double {
        guard value.isFinite else { return value }
        return Double(String(format: "%.\(digits)f", value)) ?? value
    }

    /// Python's `float(text)`: optional surrounding whitespace, a sign, decimal digits (any
    /// script's decimal digits count) with single underscores between digits, an optional
    /// fraction and exponent, or `inf`/`infinity`/`nan` in any case. Returns nil where Python
    /// raises `ValueError`.
    static func parseFloat(_ text: Scalars) -> Double? {
        var body = strip(text)
        guard !body.isEmpty else { return nil }
        var sign = ""
        if body[0] == "+" || body[0] == "-" {
            sign = body[0] == "-" ? "-" : ""
            body.removeFirst()
            if let next = body.first, next == "+" || next == "-" { return nil }
        }
        let lowered = string(lower(body))
        if lowered == "inf" || lowered == "infinity" { return sign == "-" ? -.infinity : .infinity }
        if lowered == "nan" { return .nan }

        // Map every decimal digit to ASCII and check underscores sit between digits.
        var ascii = sign
        var previousWasDigit = false
        var sawDigit = false
        var index = 0
        while index < body.count {
            let scalar = body[index]
            if isDecimalDigit(scalar) {
                guard let value = scalar.properties.numericValue, value >= 0, value <= 9 else { return nil }
                ascii.append(Character(Unicode.Scalar(UInt8(48 + Int(value)))))
                previousWasDigit = true
                sawDigit = true
            } else if scalar == "_" {
                guard previousWasDigit, index + 1 < body.count, isDecimalDigit(body[index + 1]) else { return nil }
                previousWasDigit = false
            } else if scalar == "." || scalar == "e" || scalar == "E" || scalar == "+" || scalar == "-" {
                ascii.unicodeScalars.append(scalar)
                previousWasDigit = false
            } else {
                return nil
            }
            index += 1
        }
        guard sawDigit, isDecimalFloatSyntax(ascii) else { return nil }
        return Double(ascii)
    }

    /// `[+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?` over ASCII.
    private static func isDecimalFloatSyntax(_ text: String) -> Bool {
        var scalars = Array(text.unicodeScalars)[...]
        if let first = scalars.first, first == "+" || first == "-" { scalars = scalars.dropFirst() }
        func digits() -> Int {
            var count = 0
            while let s = scalars.first, ("0"..."9").contains(s) { scalars = scalars.dropFirst(); count += 1 }
            return count
        }
        var mantissaDigits = digits()
        if scalars.first == "." {
            scalars = scalars.dropFirst()
            mantissaDigits += digits()
        }
        guard mantissaDigits > 0 else { return false }
        if let e = scalars.first, e == "e" || e == "E" {
            scalars = scalars.dropFirst()
            if let s = scalars.first, s == "+" || s == "-" { scalars = scalars.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return scalars.isEmpty
    }
}
