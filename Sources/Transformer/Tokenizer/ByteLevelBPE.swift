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

    /// Reusable buffers of one merge run.
    struct Scratch {
        var ids: [Int32] = []
        var previous: [Int32] = []
        var next: [Int32] = []
        var dead: [Bool] = []
        var heap = MinHeap()
    }

    /// Appends the tokens of `piece` to `output`.
    func encode(_ piece: ArraySlice<UInt8>, into output: inout [Int32], scratch: inout Scratch) {
        let n = piece.count
        if n == 0 { return }
        if let wholePieceIDs, let id = wholePieceIDs[PieceKey(piece)] {
            output.append(id)
            return
        }
        if n == 1 {
            append(byteTokenIDs[Int(piece[piece.startIndex])], to: &output)
            return
        }
        // Symbols: one per byte, linked both ways.
        scratch.ids.removeAll(keepingCapacity: true)
        scratch.previous.removeAll(keepingCapacity: true)
        scratch.next.removeAll(keepingCapacity: true)
        scratch.dead.removeAll(keepingCapacity: true)
        scratch.heap.removeAll()
        for (offset, byte) in piece.enumerated() {
            scratch.ids.append(byteTokenIDs[Int(byte)])
            scratch.previous.append(Int32(offset - 1))
            scratch.next.append(offset + 1 < n ? Int32(offset + 1) : -1)
            scratch.dead.append(false)
        }
        for i in 0..<(n - 1) {
            let rule = merges.lookup(scratch.ids[i], scratch.ids[i + 1])
            if rule != MergeTable.none { scratch.heap.push((rule & 0xFFFF_FFFF_0000_0000) | UInt64(i)) }
        }
        while let candidate = scratch.heap.pop() {
            let left = Int(candidate & 0xFFFF_FFFF)
            let rank = candidate >> 32
            if scratch.dead[left] { continue }
            let right = Int(scratch.next[left])
            if right < 0 { continue }
            let rule = merges.lookup(scratch.ids[left], scratch.ids[right])
            if rule == MergeTable.none || rule >> 32 != rank { continue }  // stale entry
            scratch.ids[left] = Int32(truncatingIfNeeded: rule & 0xFFFF_FFFF)
            scratch.dead[right] = true
            let after = scratch.next[right]
            scratch.next[left] = after
            if after >= 0 { scratch.previous[Int(after)] = Int32(left) }
            let before = scratch.previous[left]
            if before >= 0 {
                let ruleBefore = merges.lookup(scratch.ids[Int(before)], scratch.ids[left])
                if ruleBefore != MergeTable.none { scratch.heap.push((ruleBefore & 0xFFFF_FFFF_0000_0000) | UInt64(before)) }
            }
            if after >= 0 {
                let ruleAfter = merges.lookup(scratch.ids[left], scratch.ids[Int(after)])
                if ruleAfter != MergeTable.none { scratch.heap.push((ruleAfter & 0xFFFF_FFFF_0000_0000) | UInt64(left)) }
            }
        }
        var i: Int32 = 0
        while i >= 0 {
            append(scratch.ids[Int(i)], to: &output)
            i = scratch.next[Int(i)]
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
