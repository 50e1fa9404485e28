/// The token table shared by both tokenizer models: each id's stored spelling, type and the
/// bytes it decodes to.
struct Vocabulary: Sendable {
    /// Token spellings as stored in the model file (byte-level vocabularies use the
    /// `ByteLevelAlphabet`, SentencePiece ones `▁` for spaces).
    let tokens: [String]
    /// Type of each token.
    let types: [TokenType]
    /// The bytes each token stands for in decoded text.
    let pieces: [[UInt8]]
    /// Id of each spelling (the first id when a spelling repeats).
    let idsByText: [String: Int]

    /// Number of tokens.
    var count: Int { tokens.count }

    /// Most tokens a vocabulary may have (the largest real ones have about 262,000).
    static let maximumSize = 1 << 20
    /// How far ids in a `tokenizer.json` may run past its number of entries (ids left unused).
    static let maximumIDGap = 1024

    /// The exclusive upper bound on ids of a file describing `entryCount` tokens: the count plus
    /// `maximumIDGap`, and never more than `maximumSize`. Checked before anything is allocated.
    static func idLimit(entryCount: Int) -> Int { min(maximumSize, entryCount + maximumIDGap) }

    /// Builds the table; `piece` gives the decoded bytes of a token from its spelling and type.
    init(tokens: [String], types: [TokenType], piece: (String, TokenType) -> [UInt8]) {
        // Pieces, the id dictionary and their heap blocks.
        LoadAccounting.charge(tokens.count * 64 + 2 * tokens.reduce(0) { $0 + $1.utf8.count })
        self.tokens = tokens
        self.types = types
        var pieces: [[UInt8]] = []
        pieces.reserveCapacity(tokens.count)
        var ids: [String: Int] = [:]
        ids.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            pieces.append(piece(token, types[id]))
            if ids[token] == nil { ids[token] = id }
        }
        self.pieces = pieces
        self.idsByText = ids
    }

    /// The decoded bytes of a byte-level vocabulary entry: normal tokens are spelled in the
    /// byte alphabet; control, user-defined and unknown tokens are raw text.
    static func byteLevelPiece(_ token: String, _ type: TokenType) -> [UInt8] {
        switch type {
        case .normal:
            return ByteLevelAlphabet.decode(token) ?? Array(token.utf8)
        case .byte:
            return byteFallbackValue(token).map { [$0] } ?? Array(token.utf8)
        case .unused:
            return []
        case .control, .userDefined, .unknown:
            return Array(token.utf8)
        }
    }

    /// The decoded bytes of a SentencePiece vocabulary entry: `▁` is a space in normal tokens,
    /// `<0xNN>` byte tokens are that byte, other special tokens are raw text.
    static func sentencePiecePiece(_ token: String, _ type: TokenType) -> [UInt8] {
        switch type {
        case .normal:
            return Array(token.replacingSpaceMarkers().utf8)
        case .byte:
            return byteFallbackValue(token).map { [$0] } ?? []
        case .unused:
            return []
        case .control, .userDefined, .unknown:
            return Array(token.utf8)
        }
    }

    /// The byte value of a `<0xNN>` spelling, or nil for any other spelling.
    static func byteFallbackValue(_ token: String) -> UInt8? {
        let scalars = Array(token.unicodeScalars)
        guard scalars.count == 6, scalars[0] == "<", scalars[1] == "0", scalars[2] == "x", scalars[5] == ">" else { return nil }
        return UInt8(String(String.UnicodeScalarView(scalars[3...4])), radix: 16)
    }
}

extension String {
    /// SentencePiece's whitespace marker `▁` (U+2581).
    static let spaceMarker: Unicode.Scalar = "\u{2581}"

    /// The text with every `▁` turned into a space.
    func replacingSpaceMarkers() -> String {
        var result = String.UnicodeScalarView()
        for scalar in unicodeScalars { result.append(scalar == String.spaceMarker ? " " : scalar) }
        return String(result)
    }
}
