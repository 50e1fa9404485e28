/// Decodes token ids one at a time, returning text only in whole UTF-8 characters.
///
/// A character whose bytes are spread over several tokens (common for emoji and CJK in
/// byte-level vocabularies) is held back until its last byte arrives, so concatenating the
/// returned strings and `finish()` gives exactly `Tokenizer.decode` of all the ids. Make one
/// with `Tokenizer.makeStreamingDecoder(skipSpecialTokens:)`.
public struct StreamingDecoder {
    private let tokenizer: Tokenizer
    private let skipSpecialTokens: Bool
    private var pending: [UInt8] = []
    private var first = true

    init(tokenizer: Tokenizer, skipSpecialTokens: Bool) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// Adds token `id` and returns the text it completes (possibly empty). Throws
    /// `TokenizerError.tokenIDOutOfRange` for an id outside the vocabulary.
    public mutating func append(_ id: Int) throws -> String {
        try tokenizer.appendPiece(id, skipSpecialTokens: skipSpecialTokens, first: &first, to: &pending)
        let complete = StreamingDecoder.completeLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Returns any bytes still held back (an unfinished character becomes U+FFFD) and resets the
    /// decoder for a new sequence.
    public mutating func finish() -> String {
        let text = String(decoding: pending, as: UTF8.self)
        pending.removeAll()
        first = true
        return text
    }

    /// Whether bytes are being held back waiting for the rest of a character.
    public var hasPendingBytes: Bool { !pending.isEmpty }

    /// The length of the longest prefix of `bytes` that does not end inside an unfinished UTF-8
    /// sequence (invalid bytes count as finished: they decode to U+FFFD either way).
    static func completeLength(_ bytes: [UInt8]) -> Int {
        let count = bytes.count
        var start = count - 1
        // Find the lead byte of the last sequence, at most 3 bytes back.
        while start >= 0 && count - start <= 4 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        guard start >= 0, count - start <= 4 else { return count }
        let lead = bytes[start]
        let needed: Int
        switch lead {
        case 0xC2...0xDF: needed = 2
        case 0xE0...0xEF: needed = 3
        case 0xF0...0xF4: needed = 4
        default: return count
        }
        return count - start < needed ? start : count
    }
}
