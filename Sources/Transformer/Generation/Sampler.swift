import Foundation
import Tensor

/// Picks tokens from logits according to `SamplingOptions`, with its own seeded random
/// generator so that a seed reproduces a generation exactly.
public struct Sampler {
    /// The options it samples with.
    public let options: SamplingOptions
    private var random: SeededRandom
    private var candidates: [(token: Int, logit: Float)] = []

    /// A sampler; throws when an option is out of range (e.g. a negative temperature).
    public init(options: SamplingOptions) throws {
        try options.validate()
        self.options = options
        self.random = SeededRandom(seed: options.seed)
    }

    /// The next token given `logits` and the tokens seen so far (for the repetition penalty).
    public mutating func sample(_ logits: UnsafeBufferPointer<Float>, history: [Int]) -> Int {
        let penalty = Float(options.repetitionPenalty)
        let penalised = penalty == 1 ? [] : Set(history)
        func adjusted(_ token: Int) -> Float {
            let logit = logits[token]
            guard penalised.contains(token) else { return logit }
            return logit > 0 ? logit / penalty : logit * penalty
        }
        if options.temperature == 0 {
            var best = 0
            var bestLogit = -Float.infinity
            for token in 0..<logits.count {
                let logit = adjusted(token)
                if logit > bestLogit { bestLogit = logit; best = token }
            }
            return best
        }
        candidates.removeAll(keepingCapacity: true)
        if options.topK > 0 && options.topK < logits.count {
            selectTop(options.topK, of: logits.count, score: adjusted)
        } else {
            for token in 0..<logits.count { candidates.append((token, adjusted(token))) }
            // Only nucleus sampling needs the full order.
            if options.topP < 1 { candidates.sort { $0.logit > $1.logit } }
        }
        let inverseTemperature = 1 / options.temperature
        let maximum = Double(candidates.map(\.logit).max() ?? 0)
        var weights = candidates.map { exp((Double($0.logit) - maximum) * inverseTemperature) }
        let total = weights.reduce(0, +)
        if options.topP < 1 {
            var cumulative = 0.0
            var keep = weights.count
            for (index, weight) in weights.enumerated() {
                cumulative += weight / total
                if cumulative >= options.topP { keep = index + 1; break }
            }
            weights.removeLast(weights.count - keep)
        }
        let kept = weights.reduce(0, +)
        var threshold = random.nextUnit() * kept
        for (index, weight) in weights.enumerated() {
            threshold -= weight
            if threshold < 0 { return candidates[index].token }
        }
        return candidates[weights.count - 1].token
    }
}

extension Sampler {
    /// Fills `candidates` with the `k` highest-scoring tokens, best first, using a min-heap
    /// (O(n log k), no full sort of the vocabulary).
    fileprivate mutating func selectTop(_ k: Int, of count: Int, score: (Int) -> Float) {
        var heap: [(token: Int, logit: Float)] = []
        heap.reserveCapacity(k)
        func siftDown(_ start: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count && heap[left].logit < heap[smallest].logit { smallest = left }
                if right < heap.count && heap[right].logit < heap[smallest].logit { smallest = right }
                if smallest == parent { return }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        for token in 0..<count {
            let logit = score(token)
            if heap.count < k {
                heap.append((token, logit))
                var child = heap.count - 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    if heap[parent].logit <= heap[child].logit { break }
                    heap.swapAt(parent, child)
                    child = parent
                }
            } else if logit > heap[0].logit {
                heap[0] = (token, logit)
                siftDown(0)
            }
        }
        candidates = heap.sorted { $0.logit > $1.logit }
    }
}
