/// GALI's greedy position ids: where each of `n` tokens sits inside the original window
/// `[0, W)` when `n > W`.
///
/// With group size `g = ⌈(n − lw)/(W − lw)⌉`, the first `k = ⌈(n − W)/(g − 1)⌉` integer
/// positions are each split into `g` fractional positions `p, p + 1/g, …, p + (g−1)/g`; the
/// sequence takes the first `n − (W − k)` of those, then the integers `k, …, W − 1`. So the
/// newest `W − k ≥ lw` tokens keep exact integer positions ending at `W − 1`, and only as many
/// old positions are split as needed. Computed in closed form (the reference builds the list
/// with a loop); values are computed in Double and stored as Float, as the reference does.
public struct GreedyPositions: Sendable, Equatable {
    /// Tokens placed.
    public let count: Int
    /// Original window W.
    public let window: Int
    /// Local window lw.
    public let localWindow: Int
    /// Group size g (1 when `count ≤ window`).
    public let groupSize: Int
    /// Integer positions that were split (k; 0 when `count ≤ window`).
    public let splitPositions: Int

    /// The schedule for `count` tokens, window `window` and local window `localWindow`
    /// (`0 ≤ localWindow < window`).
    public init(count: Int, window: Int, localWindow: Int) throws {
        guard window >= 1, localWindow >= 0, localWindow < window else {
            throw GALIError.invalidSchedule("the local window (\(localWindow)) must be in 0..<window (\(window))")
        }
        guard count >= 0 else { throw GALIError.invalidSchedule("negative token count \(count)") }
        self.count = count
        self.window = window
        self.localWindow = localWindow
        if count <= window {
            groupSize = 1
            splitPositions = 0
        } else {
            let g = (count - localWindow + (window - localWindow) - 1) / (window - localWindow)
            groupSize = g
            splitPositions = (count - window + g - 2) / (g - 1)
        }
    }

    /// Index of the first token at an exact integer position (the start of the integer tail).
    public var integerTailStart: Int { count <= window ? 0 : count - (window - splitPositions) }

    /// Position of token `index`.
    public func position(of index: Int) -> Float {
        if count <= window { return Float(index) }
        let tailStart = integerTailStart
        if index >= tailStart { return Float(splitPositions + index - tailStart) }
        let base = index / groupSize, member = index % groupSize
        return Float(Double(base) + (1.0 / Double(groupSize)) * Double(member))
    }

    /// All positions, in token order.
    public var positions: [Float] { (0..<count).map(position(of:)) }
}

/// Errors specific to GALI.
public enum GALIError: Error, CustomStringConvertible, Equatable {
    case invalidSchedule(String)

    public var description: String {
        switch self {
        case .invalidSchedule(let message): return "GALI: \(message)"
        }
    }
}
