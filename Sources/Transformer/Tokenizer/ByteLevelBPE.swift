/// Byte-level BPE merging of one pre-tokenized piece (GPT-2 style).
///
/// The piece starts as one symbol per byte (the token of that byte's alphabet character). The
/// adjacent pair with the lowest merge rank is merged, the leftmost one among equal ranks,
/// until no adjacent pair has a merge rule. A linked list of symbols and a heap of candidate
/// pairs make this O(n log n) in the piece length; stale heap entries are recognised by
/// recomputing the pair's rank when popped.
struct ByteLevelBPE: Sendable {
    /// Token id of each byte value's alphabet character, or -1 when the vocabulary lacks it.
    let byteTokenIDs: [Int32]
    /// The merge rules.
    let merges: MergeTable
    /// With `ignore_merges` (Llama 3), a piece that is itself a vocabulary entry is emitted as that
    /// token directly; keys are the raw bytes of normal tokens.
    let wholePieceIDs: [PieceKey: Int32]?
    /// Emitted for a byte that has no token (normally never); nil drops such bytes.
    let fallbackID: Int32?

    /// Reusable buffers of the merge runs of one `encode` call.
    struct Scratch {
        /// Per symbol: token id, previous symbol, next symbol (-1: none; -2: merged away).
        var links: [Int32] = []
        var heap = MinHeap()
        var cache = PieceCache()
    }

    /// Appends the tokens of `piece` to `output`, using and filling the piece cache.
    @inline(__always)
    func encodeCached(_ piece: UnsafeBufferPointer<UInt8>, into output: inout [Int32], scratch: inout Scratch) {
        if piece.count == 1 {
            append(byteTokenIDs[Int(piece[0])], to: &output)
            return
        }
        let hash = PieceCache.hash(piece)
        if scratch.cache.appendCached(piece, hash: hash, to: &output) { return }
        let before = output.count
        encode(piece, into: &output, scratch: &scratch)
        if piece.count <= ByteLevelBPE.longestCachedPiece {
            scratch.cache.insert(piece, hash: hash, ids: output[before...])
        }
    }

    /// Pieces longer than this are not cached (they rarely repeat and would pin memory).
    static let longestCachedPiece = 256

    /// Appends the tokens of `piece` to `output`.
    func encode(_ piece: UnsafeBufferPointer<UInt8>, into output: inout [Int32], scratch: inout Scratch) {
        let n = piece.count
        if n == 0 { return }
        if let wholePieceIDs, let id = wholePieceIDs[PieceKey(Array(piece))] {
            output.append(id)
            return
        }
        if n == 1 {
            append(byteTokenIDs[Int(piece[0])], to: &output)
            return
        }
        if scratch.links.count < 3 * n { scratch.links = [Int32](repeating: 0, count: 3 * n) }
        scratch.links.withUnsafeMutableBufferPointer { links in
            // Symbol i: id at 3i, previous at 3i+1, next at 3i+2.
            for i in 0..<n {
                links[3 * i] = byteTokenIDs[Int(piece[i])]
                links[3 * i + 1] = Int32(i - 1)
                links[3 * i + 2] = i + 1 < n ? Int32(i + 1) : -1
            }
            merges.merge(links, count: n, heap: &scratch.heap)
            var i = 0
            while i >= 0 {
                append(links[3 * i], to: &output)
                i = Int(links[3 * i + 2])
            }
        }
    }

    @inline(__always)
    private func append(_ id: Int32, to output: inout [Int32]) {
        if id >= 0 {
            output.append(id)
        } else if let fallbackID {
            output.append(fallbackID)
        }
    }
}

/// A byte string used as a dictionary key, hashed in one call over its bytes.
struct PieceKey: Hashable, Sendable {
    let bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }
    init(_ bytes: [UInt8]) { self.bytes = bytes[...] }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (lhs: PieceKey, rhs: PieceKey) -> Bool {
        lhs.bytes.count == rhs.bytes.count && lhs.bytes.elementsEqual(rhs.bytes)
    }
}
