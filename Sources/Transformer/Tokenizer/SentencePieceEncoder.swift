/// Encodes text fragments (text between special tokens) with SentencePiece BPE: a `▁` may be put
/// first, every space becomes `▁`, then the fragment (or each of its words, when split) is
/// merged as a whole.
///
/// GGUF `llama` vocabularies follow llama.cpp (score-driven merging, `add_space_prefix` before
/// every fragment); `tokenizer.json` files follow Hugging Face `tokenizers` (rank-driven merging,
/// the prefix rule of their `Prepend` normalizer or `Metaspace` pre-tokenizer).
struct SentencePieceEncoder: Sendable {
    /// How adjacent symbols are chosen for merging.
    enum Merging: Sendable {
        /// By the score of the merged token (GGUF, llama.cpp).
        case scores(SentencePieceBPE)
        /// By the rank of the merge rule (`tokenizer.json`, Hugging Face).
        case ranks(SentencePieceRankedBPE)
    }

    /// When a `▁` is put before a fragment.
    enum SpacePrefix: Sendable {
        /// Never (Gemma; GGUF `add_space_prefix = false`; `Metaspace` `prepend_scheme: never`).
        case never
        /// Before every fragment (GGUF `add_space_prefix`; the `Prepend("▁")` normalizer).
        case everyFragment
        /// Before every fragment that does not already start with a space (`Metaspace`
        /// `prepend_scheme: always`).
        case everyFragmentWithoutSpace
        /// Only before a fragment that starts the text and does not start with a space
        /// (`Metaspace` `prepend_scheme: first`).
        case textStartWithoutSpace
    }

    let merging: Merging
    let spacePrefix: SpacePrefix
    /// `Metaspace` with `split: true`: each word (a `▁` and what follows up to the next `▁`) is
    /// merged separately.
    let splitsWords: Bool

    private static let marker: [UInt8] = [0xE2, 0x96, 0x81]  // ▁ in UTF-8

    /// Appends the tokens of `fragment` (UTF-8) to `output`; `atTextStart` says whether the
    /// fragment starts the text.
    func encode(_ fragment: ArraySlice<UInt8>, atTextStart: Bool, into output: inout [Int32], scratch: inout ByteLevelBPE.Scratch) {
        let escaped = escape(fragment, atTextStart: atTextStart)
        for word in words(escaped) {
            // Text beyond 256 MiB (never seen in practice) is merged in chunks cut at character
            // boundaries, which keeps symbol indices within 32 bits.
            var lower = word.lowerBound
            while lower < word.upperBound {
                var upper = min(lower + SentencePieceEncoder.longestRun, word.upperBound)
                while upper < word.upperBound && upper > lower + 1 && escaped[upper] & 0xC0 == 0x80 { upper -= 1 }
                switch merging {
                case .scores(let bpe): bpe.encode(Array(escaped[lower..<upper]), into: &output)
                case .ranks(let bpe): bpe.encode(escaped[lower..<upper], into: &output, scratch: &scratch)
                }
                lower = upper
            }
        }
    }

    /// The longest text merged as a whole (256 MiB).
    static let longestRun = 1 << 28

    /// The fragment with the space prefix applied and every space as `▁`.
    func escape(_ fragment: ArraySlice<UInt8>, atTextStart: Bool) -> [UInt8] {
        var escaped: [UInt8] = []
        escaped.reserveCapacity(fragment.count + 3)
        let startsWithSpace = fragment.first == 0x20
        let prefix: Bool
        switch spacePrefix {
        case .never: prefix = false
        case .everyFragment: prefix = true
        case .everyFragmentWithoutSpace: prefix = !startsWithSpace
        case .textStartWithoutSpace: prefix = atTextStart && !startsWithSpace
        }
        if prefix && !fragment.isEmpty { escaped.append(contentsOf: SentencePieceEncoder.marker) }
        for byte in fragment {
            if byte == 0x20 {
                escaped.append(contentsOf: SentencePieceEncoder.marker)
            } else {
                escaped.append(byte)
            }
        }
        return escaped
    }

    /// The ranges merged separately: the whole text, or each word when `splitsWords`.
    func words(_ escaped: [UInt8]) -> [Range<Int>] {
        guard splitsWords else { return escaped.isEmpty ? [] : [0..<escaped.count] }
        var ranges: [Range<Int>] = []
        var start = 0
        var i = 0
        while i + 2 < escaped.count {
            if i > start && escaped[i] == 0xE2 && escaped[i + 1] == 0x96 && escaped[i + 2] == 0x81 {
                ranges.append(start..<i)
                start = i
            }
            i += 1
        }
        if start < escaped.count { ranges.append(start..<escaped.count) }
        return ranges
    }
}
