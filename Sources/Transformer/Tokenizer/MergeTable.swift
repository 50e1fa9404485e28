/// The BPE merge rules of a byte-level vocabulary: for a pair of adjacent token ids, the merge's
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
        LoadAccounting.charge(size * 2 * MemoryLayout<UInt64>.stride)
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
}
