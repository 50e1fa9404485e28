/// The classes of Unicode scalars that pre-tokenizer patterns distinguish: `\p{L}`, `\p{N}`,
/// `\s` and everything else.
///
/// Letters are the general categories Lu, Ll, Lt, Lm and Lo; numbers Nd, Nl and No; whitespace is
/// the Unicode `White_Space` property (which is what llama.cpp's tables and Python's `regex`
/// module use). The classes are disjoint.
enum CharacterClass: UInt8, Sendable {
    case letter = 0
    case number = 1
    case whitespace = 2
    case other = 3

    /// The class of code point `value` (any value; invalid code points are `.other`).
    @inline(__always)
    static func of(_ value: UInt32) -> CharacterClass {
        if value < 0x80 {
            if value >= 0x61 && value <= 0x7A { return .letter }  // a-z
            if value >= 0x41 && value <= 0x5A { return .letter }  // A-Z
            if value >= 0x30 && value <= 0x39 { return .number }  // 0-9
            if value == 0x20 || (value >= 0x09 && value <= 0x0D) { return .whitespace }
            return .other
        }
        return ofNonASCII(value)
    }

    /// The slow path of `of(_:)` using the standard library's Unicode properties.
    static func ofNonASCII(_ value: UInt32) -> CharacterClass {
        guard let scalar = Unicode.Scalar(value) else { return .other }
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .number
        default:
            return .other
        }
    }
}
