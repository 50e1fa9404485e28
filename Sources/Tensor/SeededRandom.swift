/// A small seeded random generator (SplitMix64): the same seed gives the same sequence on
/// every platform, for reproducible sampling and benchmark inputs.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }
}

extension SeededRandom {
    /// Uniform Float in [0, 1) (24 random bits).
    public mutating func nextFloat() -> Float { Float(next() >> 40) / Float(1 << 24) }
}
