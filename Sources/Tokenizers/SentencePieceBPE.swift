/// SentencePiece-style BPE over UTF-8 characters, driven by token scores (GGUF
/// `tokenizer.ggml.model = "llama"`, as in Llama 2).
///
/// The text (with spaces already replaced by `▁`) starts as one symbol per UTF-8 character.
/// Repeatedly, among adjacent symbol pairs whose concatenation is a normal or user-defined
/// vocabulary entry, the one whose entry has the highest score is merged (the leftmost among
/// equal scores). Symbols left that are not vocabulary entries are spelled with byte-fallback
/// tokens `<0xNN>`, or the unknown token when the vocabulary has no byte tokens.
struct SentencePieceBPE: Sendable {
    /// Tokens that merging may produce (normal and user-defined), by their UTF-8 text.
    let mergeableIDs: [PieceKey: Int32]
    /// Score of every token id.
    let scores: [Float]
    /// Id of `<0xNN>` for each byte value, or -1.
    let byteFallbackIDs: [Int32]
    /// Used for bytes without a byte-fallback token; nil drops them.
    let unknownID: Int32?

    /// Orders scores as unsigned integers so that a larger score gives a larger value.
    @inline(__always)
    private static func orderedBits(_ score: Float) -> UInt32 {
        let bits = score.bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }

    /// Heap key: highest score first, then leftmost.
    @inline(__always)
    private static func heapKey(score: Float, left: Int) -> UInt64 {
        UInt64(UInt32.max - orderedBits(score)) << 32 | UInt64(left)
    }

    /// Appends the tokens of `text` (already escaped) to `output`.
    func encode(_ text: [UInt8], into output: inout [Int32]) {
        guard !text.isEmpty else { return }
        // Symbols: byte ranges of UTF-8 characters, linked both ways.
        var starts: [Int] = []
        var ends: [Int] = []
        var i = 0
        while i < text.count {
            let lead = text[i]
            let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            starts.append(i)
            i = min(i + length, text.count)
            ends.append(i)
        }
        let n = starts.count
        var next = (0..<n).map { $0 + 1 < n ? $0 + 1 : -1 }
        var previous = (0..<n).map { $0 - 1 }
        var dead = [Bool](repeating: false, count: n)
        var heap = MinHeap()

        func candidate(_ left: Int, _ right: Int) -> (id: Int32, score: Float)? {
            guard let id = mergeableIDs[PieceKey(text[starts[left]..<ends[right]])] else { return nil }
            return (id, scores[Int(id)])
        }
        for left in 0..<max(n - 1, 0) {
            if let found = candidate(left, left + 1) { heap.push(SentencePieceBPE.heapKey(score: found.score, left: left)) }
        }
        while let key = heap.pop() {
            let left = Int(key & 0xFFFF_FFFF)
            if dead[left] { continue }
            let right = next[left]
            if right < 0 { continue }
            guard let found = candidate(left, right),
                  SentencePieceBPE.heapKey(score: found.score, left: left) == key else { continue }  // stale
            ends[left] = ends[right]
            dead[right] = true
            let after = next[right]
            next[left] = after
            if after >= 0 { previous[after] = left }
            let before = previous[left]
            if before >= 0, let merged = candidate(before, left) {
                heap.push(SentencePieceBPE.heapKey(score: merged.score, left: before))
            }
            if after >= 0, let merged = candidate(left, after) {
                heap.push(SentencePieceBPE.heapKey(score: merged.score, left: left))
            }
        }
        var symbol = 0
        while symbol >= 0 {
            let range = starts[symbol]..<ends[symbol]
            if let id = mergeableIDs[PieceKey(text[range])] {
                output.append(id)
            } else {
                for byte in text[range] {
                    let id = byteFallbackIDs[Int(byte)]
                    if id >= 0 {
                        output.append(id)
                    } else if let unknownID {
                        output.append(unknownID)
                    }
                }
            }
            symbol = next[symbol]
        }
    }
}
