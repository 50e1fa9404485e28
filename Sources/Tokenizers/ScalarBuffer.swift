/// A run of UTF-8 text decoded into Unicode scalars, with each scalar's character class and the
/// byte offset where it starts. Pre-tokenizers split scalar index ranges of it; the byte offsets
/// turn those ranges back into UTF-8 byte ranges for BPE.
struct ScalarBuffer {
    /// Code point of each scalar.
    private(set) var values: [UInt32] = []
    /// Character class of each scalar.
    private(set) var classes: [CharacterClass] = []
    /// Byte offset of each scalar in the UTF-8 source, plus the total length at the end
    /// (`count + 1` entries).
    private(set) var byteOffsets: [Int] = [0]

    /// Number of scalars.
    var count: Int { values.count }

    /// Decodes `bytes`, which must be valid UTF-8 (it comes from a Swift `String`); a malformed
    /// sequence is consumed byte by byte as U+FFFD so that offsets stay consistent.
    init(utf8 bytes: [UInt8]) {
        values.reserveCapacity(bytes.count)
        classes.reserveCapacity(bytes.count)
        byteOffsets.reserveCapacity(bytes.count + 1)
        let n = bytes.count
        var i = 0
        bytes.withUnsafeBufferPointer { b in
            while i < n {
                let lead = UInt32(b[i])
                var value: UInt32
                var length: Int
                if lead < 0x80 {
                    value = lead
                    length = 1
                } else if lead >= 0xC2 && lead < 0xE0 && i + 1 < n && b[i + 1] & 0xC0 == 0x80 {
                    value = (lead & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F)
                    length = 2
                } else if lead >= 0xE0 && lead < 0xF0 && i + 2 < n && b[i + 1] & 0xC0 == 0x80 && b[i + 2] & 0xC0 == 0x80 {
                    value = (lead & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F)
                    length = 3
                } else if lead >= 0xF0 && lead < 0xF5 && i + 3 < n && b[i + 1] & 0xC0 == 0x80 && b[i + 2] & 0xC0 == 0x80 && b[i + 3] & 0xC0 == 0x80 {
                    value = (lead & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12 | UInt32(b[i + 2] & 0x3F) << 6 | UInt32(b[i + 3] & 0x3F)
                    length = 4
                } else {
                    value = 0xFFFD
                    length = 1
                }
                values.append(value)
                classes.append(CharacterClass.of(value))
                i += length
                byteOffsets.append(i)
            }
        }
    }
}
