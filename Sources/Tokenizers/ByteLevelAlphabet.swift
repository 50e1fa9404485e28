/// GPT-2's reversible map between the 256 byte values and 256 printable Unicode characters.
///
/// Byte-level BPE vocabularies spell every token in this alphabet: the printable bytes `!`…`~`,
/// `¡`…`¬` and `®`…`ÿ` stand for themselves, and the remaining 68 bytes (controls, space, DEL,
/// NBSP, soft hyphen) are assigned U+0100, U+0101, … in byte order, so a space is `Ġ` (U+0120)
/// and a newline `Ċ` (U+010A).
enum ByteLevelAlphabet {
    /// Whether byte `value` is printed as itself.
    static func isSelfPrinted(_ value: Int) -> Bool {
        (0x21...0x7E).contains(value) || (0xA1...0xAC).contains(value) || (0xAE...0xFF).contains(value)
    }

    /// The code point standing for each byte value.
    static let scalarForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for value in 0..<256 {
            if isSelfPrinted(value) {
                table[value] = UInt32(value)
            } else {
                table[value] = next
                next += 1
            }
        }
        return table
    }()

    /// The byte each alphabet code point stands for.
    static let byteForScalar: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (value, scalar) in scalarForByte.enumerated() { map[scalar] = UInt8(value) }
        return map
    }()

    /// The alphabet spelling of raw bytes (as used in the vocabulary).
    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text = String.UnicodeScalarView()
        for byte in bytes {
            if let scalar = Unicode.Scalar(scalarForByte[Int(byte)]) { text.append(scalar) }
        }
        return String(text)
    }

    /// The raw bytes a vocabulary spelling stands for, or nil when it uses a character outside
    /// the alphabet.
    static func decode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard let byte = byteForScalar[scalar.value] else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
