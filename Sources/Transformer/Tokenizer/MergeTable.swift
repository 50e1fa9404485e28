/// The BPE merge rules of a vocabulary (byte-level, or SentencePiece-style from `tokenizer.json`): for a pair of adjacent token ids, the merge's
/// rank (its line in the merges list; lower merges first) and the id of the merged token.
///
/// An open-addressing hash table keyed by the packed id pair; lookups are on the encoder's hot
/// path, so it avoids `Dictionary`'s per-lookup hashing overhead.
struct MergeTable: Sendable {
    /// Packed `rank << 32 | mergedID` returned by `lookup` when the pair has no merge.
    static let none = UInt64.max

    private var keys: [UInt64]
    private var values: [UInt64]
    private let shift: UInt64
    private let mask: Int
    /// Number of merges stored.
    private(set) var count = 0

    /// An empty table with room for `capacity` merges.
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        keys = [UInt64](repeating: MergeTable.none, count: size)
        values = [UInt64](repeating: MergeTable.none, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Adds the merge of `left` and `right` into `merged` with `rank`; returns false (and keeps
    /// the earlier rule) when the pair is already present.
    mutating func insert(left: Int32, right: Int32, rank: Int32, merged: Int32) -> Bool {
        let k = MergeTable.key(left, right)
        var i = slot(k)
        while keys[i] != MergeTable.none {
            if keys[i] == k { return false }
            i = (i + 1) & mask
        }
        keys[i] = k
        values[i] = UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: merged))
        count += 1
        return true
    }

    /// `rank << 32 | mergedID` for the pair, or `MergeTable.none`.
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> UInt64 {
        let k = MergeTable.key(left, right)
        return keys.withUnsafeBufferPointer { keys in
            var i = slot(k)
            while true {
                let stored = keys[i]
                if stored == k { return values[i] }
                if stored == MergeTable.none { return MergeTable.none }
                i = (i + 1) & mask
            }
        }
    }

    /// Merges a linked list of `count` symbols in place: repeatedly the adjacent pair with the
    /// lowest rank (the leftmost among equal ranks) becomes its merged token, until no adjacent
    /// pair has a rule. Symbol i is `links[3i]` (token id), `links[3i+1]` (previous, -1 for
    /// none) and `links[3i+2]` (next, -1 for none); merged-away symbols get next = -2. A heap of
    /// candidate pairs makes this O(n log n); stale entries are recognised by recomputing the
    /// pair's rule when popped.
    func merge(_ links: UnsafeMutableBufferPointer<Int32>, count n: Int, heap: inout MinHeap) {
        heap.removeAll()
        guard n > 1 else { return }
        for i in 0..<(n - 1) {
            let rule = lookup(links[3 * i], links[3 * i + 3])
            if rule != MergeTable.none { heap.push((rule & 0xFFFF_FFFF_0000_0000) | UInt64(i)) }
        }
        while let candidate = heap.pop() {
            let left = Int(candidate & 0xFFFF_FFFF)
            let right = Int(links[3 * left + 2])
            if right < 0 { continue }  // merged away (-2) or last symbol (-1)
            let rule = lookup(links[3 * left], links[3 * right])
            if rule == MergeTable.none || rule >> 32 != candidate >> 32 { continue }  // stale entry
            links[3 * left] = Int32(truncatingIfNeeded: rule & 0xFFFF_FFFF)
            let after = links[3 * right + 2]
            links[3 * right + 2] = -2
            links[3 * left + 2] = after
            if after >= 0 { links[3 * Int(after) + 1] = Int32(left) }
            let before = links[3 * left + 1]
            if before >= 0 {
                let ruleBefore = lookup(links[3 * Int(before)], links[3 * left])
                if ruleBefore != MergeTable.none { heap.push((ruleBefore & 0xFFFF_FFFF_0000_0000) | UInt64(before)) }
            }
            if after >= 0 {
                let ruleAfter = lookup(links[3 * left], links[3 * Int(after)])
                if ruleAfter != MergeTable.none { heap.push((ruleAfter & 0xFFFF_FFFF_0000_0000) | UInt64(left)) }
            }
        }
    }
}
