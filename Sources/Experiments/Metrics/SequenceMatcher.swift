/// Python's `difflib.SequenceMatcher(None, a, b)` over Unicode scalars: the matching blocks and
/// `ratio()`, and fuzzywuzzy's `fuzz.ratio` built on it (LongBench's `code_sim_score`).
///
/// The algorithm (Ratcliff/Obershelp as difflib implements it): find the longest matching block
/// (earliest in `a`, then earliest in `b`), recurse on the pieces to its left and right, and count
/// matched elements. With no junk function, the only junk rule is the "autojunk" heuristic: when
/// `b` has at least 200 elements, elements occurring more than `len(b)/100 + 1` times in `b` are
/// "popular" and never start a match, though a match may still be extended through them.
struct SequenceMatcher {
    let a: [UInt32]
    let b: [UInt32]
    private var positionsInB: [UInt32: [Int]] = [:]

    /// A matcher for `a` against `b` (difflib's argument order; `b` is the one indexed).
    init(_ a: Scalars, _ b: Scalars) {
        self.a = a.map(\.value)
        self.b = b.map(\.value)
        for (index, element) in self.b.enumerated() { positionsInB[element, default: []].append(index) }
        if self.b.count >= 200 {
            let limit = self.b.count / 100 + 1
            for (element, positions) in positionsInB where positions.count > limit {
                positionsInB[element] = nil
            }
        }
    }

    /// The longest matching block in `a[aLow..<aHigh]` and `b[bLow..<bHigh]` as
    /// `(i, j, size)`; `(aLow, bLow, 0)` when there is none.
    func longestMatch(_ aLow: Int, _ aHigh: Int, _ bLow: Int, _ bHigh: Int) -> (i: Int, j: Int, size: Int) {
        var bestI = aLow
        var bestJ = bLow
        var bestSize = 0
        var lengths: [Int: Int] = [:]
        for i in aLow..<max(aLow, aHigh) {
            var next: [Int: Int] = [:]
            for j in positionsInB[a[i]] ?? [] {
                if j < bLow { continue }
                if j >= bHigh { break }
                let k = (lengths[j - 1] ?? 0) + 1
                next[j] = k
                if k > bestSize {
                    bestI = i - k + 1
                    bestJ = j - k + 1
                    bestSize = k
                }
            }
            lengths = next
        }
        // Extend through elements that were excluded as popular (there is no other junk).
        while bestI > aLow && bestJ > bLow && a[bestI - 1] == b[bestJ - 1] {
            bestI -= 1
            bestJ -= 1
            bestSize += 1
        }
        while bestI + bestSize < aHigh && bestJ + bestSize < bHigh && a[bestI + bestSize] == b[bestJ + bestSize] {
            bestSize += 1
        }
        return (bestI, bestJ, bestSize)
    }

    /// The matching blocks `(i, j, size)` in increasing order, adjacent blocks merged, without
    /// difflib's final zero-size sentinel.
    func matchingBlocks() -> [(i: Int, j: Int, size: Int)] {
        var queue = [(0, a.count, 0, b.count)]
        var blocks: [(i: Int, j: Int, size: Int)] = []
        while let (aLow, aHigh, bLow, bHigh) = queue.popLast() {
            let match = longestMatch(aLow, aHigh, bLow, bHigh)
            guard match.size > 0 else { continue }
            blocks.append(match)
            if aLow < match.i && bLow < match.j { queue.append((aLow, match.i, bLow, match.j)) }
            if match.i + match.size < aHigh && match.j + match.size < bHigh {
                queue.append((match.i + match.size, aHigh, match.j + match.size, bHigh))
            }
        }
        blocks.sort { ($0.i, $0.j, $0.size) < ($1.i, $1.j, $1.size) }
        var merged: [(i: Int, j: Int, size: Int)] = []
        for block in blocks {
            if let last = merged.last, last.i + last.size == block.i, last.j + last.size == block.j {
                merged[merged.count - 1].size += block.size
            } else {
                merged.append(block)
            }
        }
        return merged
    }

    /// `2·M/T`, where M is the number of matched elements and T the total length; 1 when both are
    /// empty.
    func ratio() -> Double {
        let total = a.count + b.count
        guard total > 0 else { return 1 }
        let matches = matchingBlocks().reduce(0) { $0 + $1.size }
        return 2.0 * Double(matches) / Double(total)
    }

    /// fuzzywuzzy's `fuzz.ratio(s1, s2)` (pure-Python build, i.e. on difflib): 100 for equal
    /// strings (even both empty), 0 when either is empty, otherwise `round(100·ratio)` with
    /// Python's ties-to-even rounding.
    static func fuzzRatio(_ s1: Scalars, _ s2: Scalars) -> Int {
        if s1 == s2 { return 100 }
        if s1.isEmpty || s2.isEmpty { return 0 }
        return Int((100 * SequenceMatcher(s1, s2).ratio()).rounded(.toNearestOrEven))
    }
}
