/// Token ids of the pieces already encoded during one `encode` call, keyed by the piece's bytes.
///
/// An open-addressing hash table whose keys and values live in two flat arenas, so lookups and
/// inserts do no reference counting or allocation per piece (text repeats the same words, so
/// most pieces hit).
struct PieceCache {
    private var slots: [Int32]
    private var mask: Int
    private var hashes: [UInt64] = []
    private var keyStarts: [Int] = []
    private var keyLengths: [Int] = []
    private var idStarts: [Int] = []
    private var idCounts: [Int] = []
    private var keyBytes: [UInt8] = []
    private var ids: [Int32] = []

    init() {
        slots = [Int32](repeating: -1, count: 1024)
        mask = 1023
    }

    /// FNV-1a hash of the bytes.
    @inline(__always)
    static func hash(_ piece: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in piece {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// Appends the cached ids of `piece` to `output` and returns true, or returns false when the
    /// piece is not cached.
    func appendCached(_ piece: UnsafeBufferPointer<UInt8>, hash: UInt64, to output: inout [Int32]) -> Bool {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { return false }
            if hashes[entry] == hash && keyLengths[entry] == piece.count && equalKey(entry, piece) {
                let start = idStarts[entry]
                output.append(contentsOf: ids[start..<(start + idCounts[entry])])
                return true
            }
            slot = (slot + 1) & mask
        }
    }

    private func equalKey(_ entry: Int, _ piece: UnsafeBufferPointer<UInt8>) -> Bool {
        keyBytes.withUnsafeBufferPointer { stored in
            let start = keyStarts[entry]
            for i in 0..<piece.count where stored[start + i] != piece[i] { return false }
            return true
        }
    }

    /// Most entries kept; later pieces are not cached (bounds memory on huge inputs).
    static let capacity = 1 << 22

    /// Records that `piece` encodes to `pieceIDs` (the piece must not be cached yet); does nothing
    /// once the cache holds `capacity` entries.
    mutating func insert(_ piece: UnsafeBufferPointer<UInt8>, hash: UInt64, ids pieceIDs: ArraySlice<Int32>) {
        guard hashes.count < PieceCache.capacity else { return }
        if (hashes.count + 1) * 2 > slots.count { grow() }
        let entry = hashes.count
        hashes.append(hash)
        keyStarts.append(keyBytes.count)
        keyLengths.append(piece.count)
        keyBytes.append(contentsOf: piece)
        idStarts.append(ids.count)
        idCounts.append(pieceIDs.count)
        ids.append(contentsOf: pieceIDs)
        place(entry)
    }

    private mutating func place(_ entry: Int) {
        var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for entry in 0..<hashes.count { place(entry) }
    }
}
