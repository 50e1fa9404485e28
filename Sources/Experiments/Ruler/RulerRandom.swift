/// The random draws RULER's generators make (`randint`, `choice`, `sample`, `shuffle`,
/// `random`), on Python's Mersenne Twister so that a seed means the same stream as in Python
/// for the integer draws. Draws on collections follow simple unbiased algorithms of ours, so
/// samples are deterministic from the seed but not the very ones RULER's scripts write.
public struct RulerRandom {
    private var generator: PythonRandom

    /// A stream seeded with `seed`.
    public init(seed: Int) {
        generator = PythonRandom(seed: seed)
    }

    /// A stream for one sample: `seed` mixed with the parts naming the sample (task, length,
    /// index), stable across runs and platforms (FNV-1a over the text).
    public init(seed: Int, _ parts: String...) {
        self.init(seed: RulerRandom.mix(seed, parts))
    }

    /// A seed for one purpose: `seed` mixed with `parts` (FNV-1a over the text).
    public static func seed(_ seed: Int, _ parts: String...) -> Int { mix(seed, parts) }

    private static func mix(_ seed: Int, _ parts: [String]) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in ([String(seed)] + parts).joined(separator: "\u{1F}").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int(hash >> 1)
    }

    /// Uniform in `0..<n` (n ≥ 1).
    public mutating func below(_ n: Int) -> Int {
        guard n > 1 else { return 0 }
        return generator.randint(0, n - 1)
    }

    /// Uniform in `low...high`.
    public mutating func integer(_ low: Int, _ high: Int) -> Int {
        generator.randint(low, high)
    }

    /// Uniform in [0, 1) with 53 random bits (`random.random()`).
    public mutating func unit() -> Double {
        Double(generator.getrandbits(53)) / 9_007_199_254_740_992
    }

    /// 128 random bits as (high, low).
    public mutating func bits128() -> (UInt64, UInt64) {
        let low = generator.getrandbits(64)
        return (generator.getrandbits(64), low)
    }

    /// One element (the collection must not be empty).
    public mutating func choice<T>(_ elements: [T]) -> T {
        elements[below(elements.count)]
    }

    /// The elements in random order (Fisher–Yates).
    public mutating func shuffled<T>(_ elements: [T]) -> [T] {
        var result = elements
        var i = result.count - 1
        while i > 0 {
            result.swapAt(i, below(i + 1))
            i -= 1
        }
        return result
    }

    /// `k` distinct elements in random order (`random.sample`); all of them when k ≥ count.
    public mutating func sample<T>(_ elements: [T], _ k: Int) -> [T] {
        var pool = elements
        let take = min(max(k, 0), pool.count)
        for i in 0..<take { pool.swapAt(i, i + below(pool.count - i)) }
        return Array(pool.prefix(take))
    }

    /// `k` distinct indices of `0..<n` in random order, without building the range when k ≪ n.
    public mutating func sampleIndices(_ n: Int, _ k: Int) -> [Int] {
        let take = min(max(k, 0), n)
        var chosen: [Int: Int] = [:]
        var result: [Int] = []
        for i in 0..<take {
            let j = i + below(n - i)
            let atJ = chosen[j] ?? j
            chosen[j] = chosen[i] ?? i
            result.append(atJ)
        }
        return result
    }
}
