/// Python's `random` module generator (MT19937 seeded by `init_by_array`), so that pass keys
/// and key positions are the very ones the reference draws after `random.seed(42)`.
///
/// Only what the reference uses is provided: `seed(n)` for a non-negative integer,
/// `getrandbits(k)` for k ≤ 64 and `randint(a, b)` (`a + _randbelow(b - a + 1)`, rejection
/// sampling on `bit_length` bits).
public struct PythonRandom: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 625

    /// `random.seed(seed)` for an integer seed (Python seeds with the absolute value).
    public init(seed: Int) {
        var magnitude = seed.magnitude
        var key: [UInt32] = []
        repeat {
            key.append(UInt32(truncatingIfNeeded: magnitude))
            magnitude >>= 32
        } while magnitude > 0
        initializeByArray(key)
    }

    private mutating func initialize(_ seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    private mutating func initializeByArray(_ key: [UInt32]) {
        initialize(19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(624, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
        }
        state[0] = 0x8000_0000
    }

    /// The next 32 random bits (`genrand_uint32`).
    public mutating func next32() -> UInt32 {
        if index >= 624 {
            for k in 0..<624 {
                let y = (state[k] & 0x8000_0000) | (state[(k + 1) % 624] & 0x7fff_ffff)
                state[k] = state[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908_b0df : 0)
            }
            index = 0
        }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// `random.getrandbits(k)` for 1 ≤ k ≤ 64 (words filled from the least significant; the
    /// last word keeps its top bits).
    public mutating func getrandbits(_ k: Int) -> UInt64 {
        precondition(k >= 1 && k <= 64, "getrandbits supports 1...64 bits")
        if k <= 32 { return UInt64(next32() >> (32 - k)) }
        let low = UInt64(next32())
        let high = UInt64(next32() >> (64 - k))
        return low | (high << 32)
    }

    /// `random.randint(a, b)`: uniform in `a...b` (requires a ≤ b).
    public mutating func randint(_ a: Int, _ b: Int) -> Int {
        precondition(a <= b, "randint needs a ≤ b")
        let n = UInt64(b - a) + 1
        let bits = 64 - n.leadingZeroBitCount
        var r = getrandbits(bits)
        while r >= n { r = getrandbits(bits) }
        return a + Int(r)
    }
}
