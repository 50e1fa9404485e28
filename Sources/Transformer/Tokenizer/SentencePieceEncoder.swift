/// Encodes text fragments with SentencePiece BPE the way llama.cpp does for GGUF `llama`
/// vocabularies: a space is put before a fragment at the start of the text or right after a
/// special token (when `add_space_prefix` is set), every space becomes `▁`, then the fragment
/// is merged as a whole (there is no pre-tokenizer).
struct SentencePieceEncoder: Sendable {
    let bpe: SentencePieceBPE
    /// GGUF `tokenizer.ggml.add_space_prefix`.
    let addSpacePrefix: Bool

    private static let marker: [UInt8] = [0xE2, 0x96, 0x81]  // ▁ in UTF-8

    /// Appends the tokens of `fragment` (UTF-8) to `output`; `prefixSpace` says whether the
    /// fragment starts the text or follows a special token.
    func encode(_ fragment: ArraySlice<UInt8>, prefixSpace: Bool, into output: inout [Int32]) {
        let escaped = escape(fragment, prefixSpace: prefixSpace)
        guard escaped.count > SentencePieceEncoder.longestRun else {
            bpe.encode(escaped, into: &output)
            return
        }
        // Text beyond 256 MiB (never seen in practice) is merged in chunks cut at character
        // boundaries, which keeps symbol indices within 32 bits.
        var lower = 0
        while lower < escaped.count {
            var upper = min(lower + SentencePieceEncoder.longestRun, escaped.count)
            while upper < escaped.count && upper > lower + 1 && escaped[upper] & 0xC0 == 0x80 { upper -= 1 }
            bpe.encode(Array(escaped[lower..<upper]), into: &output)
            lower = upper
        }
    }

    /// The longest text merged as a whole (256 MiB).
    static let longestRun = 1 << 28

    /// The fragment with the optional prefix space and every space as `▁`.
    func escape(_ fragment: ArraySlice<UInt8>, prefixSpace: Bool) -> [UInt8] {
        var escaped: [UInt8] = []
        escaped.reserveCapacity(fragment.count + 3)
        if addSpacePrefix && prefixSpace { escaped.append(contentsOf: SentencePieceEncoder.marker) }
        for byte in fragment {
            if byte == 0x20 {
                escaped.append(contentsOf: SentencePieceEncoder.marker)
            } else {
                escaped.append(byte)
            }
        }
        return escaped
    }
}
