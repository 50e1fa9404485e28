import Foundation

/// Encodes text fragments (text between special tokens) with byte-level BPE: optional Unicode
/// normalisation and prefix space, pre-tokenizing into pieces, then BPE on each piece's UTF-8
/// bytes, with results cached per distinct piece for the duration of one `encode` call.
struct ByteLevelEncoder: Sendable {
    let bpe: ByteLevelBPE
    let preTokenizer: PreTokenizer
    let normalizers: [TextNormalizer]
    /// HF ByteLevel `add_prefix_space`: a space is put before each fragment not starting with one.
    let addPrefixSpace: Bool

    /// The longest piece merged as a whole (256 MiB).
    static let longestPiece = 1 << 28

    /// State kept across the fragments of one `encode` call.
    struct Session {
        var scratch = ByteLevelBPE.Scratch()
    }

    /// The fragment's bytes after normalisation and the prefix space.
    private func prepared(_ fragment: ArraySlice<UInt8>) -> [UInt8] {
        if normalizers.isEmpty && !addPrefixSpace { return Array(fragment) }
        var text = String(decoding: fragment, as: UTF8.self)
        for normalizer in normalizers { text = normalizer.apply(text) }
        if addPrefixSpace && !text.hasPrefix(" ") { text = " " + text }
        return Array(text.utf8)
    }

    /// The text of each piece of `fragment` (see `Tokenizer.preTokenize`).
    func pieces(_ fragment: ArraySlice<UInt8>) -> [String] {
        let bytes = prepared(fragment)
        let buffer = ScalarBuffer(utf8: bytes)
        var result: [String] = []
        var start = 0
        for end in preTokenizer.split(buffer) {
            if end < 0 {
                start = ~end
                continue
            }
            result.append(String(decoding: bytes[buffer.byteOffsets[start]..<buffer.byteOffsets[end]], as: UTF8.self))
            start = end
        }
        return result
    }

    /// Appends the tokens of `fragment` (UTF-8) to `output`.
    func encode(_ fragment: ArraySlice<UInt8>, into output: inout [Int32], session: inout Session) {
        let bytes = prepared(fragment)
        let buffer = ScalarBuffer(utf8: bytes)
        let ends = preTokenizer.split(buffer)
        bytes.withUnsafeBufferPointer { text in
            buffer.byteOffsets.withUnsafeBufferPointer { offsets in
                var start = 0
                for end in ends {
                    if end < 0 {  // removed by the pre-tokenizer
                        start = ~end
                        continue
                    }
                    var lower = offsets[start]
                    let upper = offsets[end]
                    start = end
                    // Pieces beyond 256 MiB (never seen in real text) are merged in chunks, which
                    // keeps symbol indices within 32 bits.
                    while upper - lower > ByteLevelEncoder.longestPiece {
                        bpe.encodeCached(UnsafeBufferPointer(rebasing: text[lower..<(lower + ByteLevelEncoder.longestPiece)]),
                                         into: &output, scratch: &session.scratch)
                        lower += ByteLevelEncoder.longestPiece
                    }
                    bpe.encodeCached(UnsafeBufferPointer(rebasing: text[lower..<upper]), into: &output, scratch: &session.scratch)
                }
            }
        }
    }
}

/// A Unicode normalisation applied to text fragments before pre-tokenizing (HF normalizers).
enum TextNormalizer: String, Sendable {
    case nfc = "NFC"
    case nfd = "NFD"
    case nfkc = "NFKC"
    case nfkd = "NFKD"
    case lowercase = "Lowercase"

    /// The normalised text.
    func apply(_ text: String) -> String {
        switch self {
        case .nfc: return text.precomposedStringWithCanonicalMapping
        case .nfd: return text.decomposedStringWithCanonicalMapping
        case .nfkc: return text.precomposedStringWithCompatibilityMapping
        case .nfkd: return text.decomposedStringWithCompatibilityMapping
        case .lowercase: return text.lowercased()
        }
    }
}
