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
        bpe.encode(escape(fragment, prefixSpace: prefixSpace), into: &output)
    }

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
