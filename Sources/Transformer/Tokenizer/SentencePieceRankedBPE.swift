/// SentencePiece-style BPE driven by merge ranks, as Hugging Face `tokenizers` runs the BPE model
/// of a SentencePiece `tokenizer.json` (Llama 2, Mistral, Gemma, Phi-3 with `byte_fallback`).
///
/// The text (spaces already written `▁`) starts as one symbol per UTF-8 character: the
/// vocabulary entry spelling that character, or, when there is none, one `<0xNN>` byte token
/// per byte (byte fallback), or else the unknown token, consecutive unknown characters fusing
/// into one. Then the adjacent pair with the lowest merge rank is merged (the leftmost among
/// equal ranks) until no adjacent pair has a rule, with the same loop as byte-level BPE.
///
/// This differs from the score-driven `SentencePieceBPE` of GGUF files, which merges any pair
/// whose concatenation is a vocabulary entry: the two agree on vocabularies converted from the
/// same model except in rare ties.
struct SentencePieceRankedBPE: Sendable {
    /// Id of the vocabulary entry spelling each single character, by its UTF-8 bytes.
    let characterIDs: [PieceKey: Int32]
    /// The merge rules.
    let merges: MergeTable
    /// Id of `<0xNN>` for each byte value, or -1; byte fallback is used only when all 256 exist.
    let byteFallbackIDs: [Int32]
    /// Used for a character without a token when byte fallback is unavailable; nil drops it.
    let unknownID: Int32?

    /// The tables of a `tokenizer.json` vocabulary (spellings with `▁`, byte tokens typed
    /// `.byte`) and its merge rules in rank order (nil for a malformed rule).
    init<Merges: Sequence>(vocabulary: Vocabulary, merges: Merges, unknownID: Int?, failure: (String) -> ModelFileError) throws
    where Merges.Element == (String, String)? {
        var characters: [PieceKey: Int32] = [:]
        var bytes = [Int32](repeating: -1, count: 256)
        for id in 0..<vocabulary.count {
            let token = vocabulary.tokens[id]
            switch vocabulary.types[id] {
            case .byte:
                if let value = Vocabulary.byteFallbackValue(token), bytes[Int(value)] < 0 { bytes[Int(value)] = Int32(id) }
            case .normal, .userDefined:
                var scalars = token.unicodeScalars.makeIterator()
                if scalars.next() != nil, scalars.next() == nil {
                    let key = PieceKey(Array(token.utf8))
                    if characters[key] == nil { characters[key] = Int32(id) }
                }
            default:
                break
            }
        }
        characterIDs = characters
        byteFallbackIDs = bytes
        self.merges = try ByteLevelBPEBuilder.mergeTable(vocabulary: vocabulary, merges: merges, failure: failure)
        self.unknownID = unknownID.map { Int32($0) }
    }

    /// Whether every byte has a `<0xNN>` token.
    var hasByteFallback: Bool { !byteFallbackIDs.contains(-1) }

    /// Appends the tokens of `text` (already escaped) to `output`.
    func encode(_ text: ArraySlice<UInt8>, into output: inout [Int32], scratch: inout ByteLevelBPE.Scratch) {
        guard !text.isEmpty else { return }
        var symbols: [Int32] = []
        symbols.reserveCapacity(text.count)
        let byteFallback = hasByteFallback
        var i = text.startIndex
        while i < text.endIndex {
            let lead = text[i]
            let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            let end = min(i + length, text.endIndex)
            if let id = characterIDs[PieceKey(text[i..<end])] {
                symbols.append(id)
            } else if byteFallback {
                for byte in text[i..<end] { symbols.append(byteFallbackIDs[Int(byte)]) }
            } else if let unknownID, symbols.last != unknownID {
                symbols.append(unknownID)
            }
            i = end
        }
        let n = symbols.count
        guard n > 1 else {
            output.append(contentsOf: symbols)
            return
        }
        if scratch.links.count < 3 * n { scratch.links = [Int32](repeating: 0, count: 3 * n) }
        scratch.links.withUnsafeMutableBufferPointer { links in
            for (index, id) in symbols.enumerated() {
                links[3 * index] = id
                links[3 * index + 1] = Int32(index - 1)
                links[3 * index + 2] = index + 1 < n ? Int32(index + 1) : -1
            }
            merges.merge(links, count: n, heap: &scratch.heap)
            var index = 0
            while index >= 0 {
                output.append(links[3 * index])
                index = Int(links[3 * index + 2])
            }
        }
    }
}
